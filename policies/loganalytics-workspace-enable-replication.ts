// Policy: a Log Analytics workspace is replicated to a second region (`replication.enabled: true`), unless it is
// linked to a dedicated cluster. Mirrors PSRule for Azure Azure.Log.Replication (AZR-000425,
// src/PSRule.Rules.Azure/rules/Azure.Log.Rule.yaml: where `properties.features.clusterResourceId` is absent,
// `properties.replication.enabled` equals true; https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Log.Replication/).
// azure-native's default Workspace (API 2023-09-01) has no `replication` input, so the stacks cannot pass yet: both
// carry a reviewed exception (policies/exceptions.ts, decision 0031) that the plan reports.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const loganalyticsWorkspaceEnableReplication: ResourceValidationPolicy & Grouped = {
  name: "loganalytics-workspace-enable-replication",
  group: "operationalinsights",
  description: "Log Analytics workspaces not linked to a dedicated cluster replicate to a secondary region.",
  severity: "medium",
  remediationSteps:
    'Set `replication: { enabled: true, location: "<secondary region>" }` (Workspace API 2025-02-01 or later, a locally ' +
    "generated azure-native package), or link the workspace to a dedicated cluster.",
  validateResource: forTypes([T.workspace], (props, args, reportViolation) => {
    if (typeof props.features?.clusterResourceId === "string" && props.features.clusterResourceId !== "") return;
    if (props.replication?.enabled !== true) {
      reportViolation(
        `${T.workspace} '${String(props.workspaceName ?? args.name)}' is not replicated (replication.enabled ` +
          `${JSON.stringify(props.replication?.enabled ?? "unset")}): a regional outage stops its ingestion and queries ` +
          "(Learn https://learn.microsoft.com/azure/azure-monitor/logs/workspace-replication).",
      );
    }
  }),
};
