// Policy: log search alerts are not evaluated every minute, the most expensive frequency (PSRule for Azure
// Azure.Alert.HighFrequencyQuery, AZR-000492: `properties.evaluationFrequency` not PT1M;
// https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.Alert.Rule.yaml).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const monitorLogalertDisallowHighFrequency: ResourceValidationPolicy & Grouped = {
  name: "monitor-logalert-disallow-high-frequency",
  group: "monitor",
  description: "Log search alerts are evaluated less often than every minute (not PT1M).",
  severity: "low",
  remediationSteps: "Set `evaluationFrequency` on the ScheduledQueryRule to PT5M or longer.",
  validateResource: forTypes([T.scheduledQueryRule], (props, args, reportViolation) => {
    const frequency: unknown = props.evaluationFrequency;
    if (typeof frequency === "string" && frequency.toUpperCase() === "PT1M") {
      reportViolation(`Log search alert '${args.name}' is evaluated every minute (evaluationFrequency PT1M); use PT5M or longer.`);
    }
  }),
};
