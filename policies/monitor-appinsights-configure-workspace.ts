// Policy: Application Insights stores its telemetry in a Log Analytics workspace (PSRule for Azure
// Azure.AppInsights.Workspace, AZR-000069: `properties.workspaceResourceId` has a value;
// https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.AppInsights.Rule.yaml). Classic resources without one are retired
// (https://learn.microsoft.com/en-us/azure/azure-monitor/app/convert-classic-resource).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const monitorAppinsightsConfigureWorkspace: ResourceValidationPolicy & Grouped = {
  name: "monitor-appinsights-configure-workspace",
  group: "monitor",
  description: "Application Insights components are workspace-based (workspaceResourceId set).",
  severity: "medium",
  remediationSteps: "Set `workspaceResourceId` to the stack's Log Analytics workspace id (the Observability component does).",
  validateResource: forTypes([T.appInsights], (props, args, reportViolation) => {
    const id: unknown = props.workspaceResourceId;
    if (typeof id !== "string" || id.trim() === "") {
      reportViolation(
        `Application Insights '${args.name}' has no workspaceResourceId; it must store telemetry in a Log Analytics workspace.`,
      );
    }
  }),
};
