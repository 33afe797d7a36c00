// Policy: Log Analytics workspaces set a daily ingestion cap, so a noisy resource cannot run up the bill
// (no PSRule rule; project requirement).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const loganalyticsWorkspaceConfigureDailyCap: ResourceValidationPolicy & Grouped = {
  name: "loganalytics-workspace-configure-daily-cap",
  group: "operationalinsights",
  description: "Log Analytics workspaces set a positive daily ingestion cap no larger than the configured maximum.",
  severity: "medium",
  remediationSteps: "Set `workspaceCapping.dailyQuotaGb` to a positive value (-1 means unlimited and is refused).",
  configSchema: {
    properties: {
      maxDailyQuotaGb: { type: "number", exclusiveMinimum: 0, default: 10, description: "Largest accepted daily cap in GB." },
    },
  },
  validateResource: forTypes([T.workspace], (props, args, reportViolation) => {
    const { maxDailyQuotaGb = 10 } = args.getConfig<{ maxDailyQuotaGb?: number }>();
    const cap = props.workspaceCapping?.dailyQuotaGb;
    if (typeof cap !== "number" || cap <= 0) {
      reportViolation(`workspaceCapping.dailyQuotaGb is ${cap ?? "unset"}; set a positive daily cap.`);
    } else if (cap > maxDailyQuotaGb) {
      reportViolation(`workspaceCapping.dailyQuotaGb is ${cap}; it must be at most ${maxDailyQuotaGb}.`);
    }
  }),
};
