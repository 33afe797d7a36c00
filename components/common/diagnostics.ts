// The one reusable diagnostic-settings piece: sends a resource's logs and metrics to the Log Analytics workspace.
// Every component with a resource that supports diagnostic settings calls `attachDiagnostics`.
import type * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import type { DiagnosticsArgs } from "./types";

/** Name of the diagnostic setting on every resource (one destination per resource). */
export const DIAGNOSTIC_SETTING_NAME = "send-to-log-analytics";

/** The `logs` and `metrics` inputs a diagnostic setting gets for `args` (pure, table-tested). */
export function diagnosticSettingInputs(args: DiagnosticsArgs): {
  logs: Array<{ categoryGroup?: string; category?: string; enabled: boolean }>;
  metrics: Array<{ category: string; enabled: boolean }>;
} {
  const logs =
    args.logCategories !== undefined && args.logCategories.length > 0
      ? args.logCategories.map((category) => ({ category, enabled: true }))
      : (args.logCategoryGroups ?? ["allLogs"]).map((categoryGroup) => ({ categoryGroup, enabled: true }));
  const metrics = args.metrics === false ? [] : [{ category: "AllMetrics", enabled: true }];
  return { logs, metrics };
}

/** Creates the diagnostic setting `<name>-diagnostics` on `resourceId`, a child of `parent`. */
export function attachDiagnostics(
  name: string,
  resourceId: pulumi.Input<string>,
  args: DiagnosticsArgs,
  parent: pulumi.Resource,
): monitor.DiagnosticSetting {
  const { logs, metrics } = diagnosticSettingInputs(args);
  return new monitor.DiagnosticSetting(
    `${name}-diagnostics`,
    {
      name: DIAGNOSTIC_SETTING_NAME,
      resourceUri: resourceId,
      workspaceId: args.workspaceId,
      // Resource-specific tables (e.g. ACSAuthIncomingOperations) instead of AzureDiagnostics, where the type has them.
      ...(args.resourceSpecificTables === true ? { logAnalyticsDestinationType: "Dedicated" } : {}),
      logs,
      metrics,
    },
    { parent },
  );
}
