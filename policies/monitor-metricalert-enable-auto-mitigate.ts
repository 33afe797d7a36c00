// Policy: metric alerts resolve themselves when the condition clears (PSRule for Azure Azure.Alert.MetricAutoMitigate,
// AZR-000491: `properties.autoMitigate` equals true; https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.Alert.Rule.yaml).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const monitorMetricalertEnableAutoMitigate: ResourceValidationPolicy & Grouped = {
  name: "monitor-metricalert-enable-auto-mitigate",
  group: "monitor",
  description: "Metric alerts set autoMitigate, so a fired alert resolves when its condition clears.",
  severity: "medium",
  remediationSteps: "Set `autoMitigate: true` on the MetricAlert (the Alerts component does).",
  validateResource: forTypes([T.metricAlert], (props, args, reportViolation) => {
    if (props.autoMitigate !== true) {
      reportViolation(`Metric alert '${args.name}' has autoMitigate ${JSON.stringify(props.autoMitigate ?? "unset")}; it must be true.`);
    }
  }),
};
