// Policy: Log Analytics workspaces retain data within the configured range: long enough for investigations,
// short enough to bound cost (no PSRule rule; project requirement).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const loganalyticsWorkspaceConfigureRetention: ResourceValidationPolicy & Grouped = {
  name: "loganalytics-workspace-configure-retention",
  group: "operationalinsights",
  description: "Log Analytics workspaces set a retention within the configured minimum and maximum days.",
  severity: "medium",
  remediationSteps: "Set `retentionInDays` on the Workspace to a value within the configured range.",
  configSchema: {
    properties: {
      minRetentionDays: { type: "integer", minimum: 30, maximum: 730, default: 30, description: "Fewest days of retention." },
      maxRetentionDays: { type: "integer", minimum: 30, maximum: 730, default: 90, description: "Most days of retention." },
    },
  },
  validateResource: forTypes([T.workspace], (props, args, reportViolation) => {
    const { minRetentionDays = 30, maxRetentionDays = 90 } = args.getConfig<{ minRetentionDays?: number; maxRetentionDays?: number }>();
    const days = props.retentionInDays;
    if (typeof days !== "number") {
      reportViolation(`retentionInDays is not set; set it between ${minRetentionDays} and ${maxRetentionDays}.`);
    } else if (days < minRetentionDays || days > maxRetentionDays) {
      reportViolation(`retentionInDays is ${days}; it must be between ${minRetentionDays} and ${maxRetentionDays}.`);
    }
  }),
};
