// Policy: web apps do not pin clients to one instance (PSRule for Azure Azure.AppService.ARRAffinity, AZR-000083:
// `properties.clientAffinityEnabled` equals false; https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.yaml). The token API is
// stateless, so affinity would only unbalance the instances. azure-native's WebApp sends false by default.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const webWebappDisableClientAffinity: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-disable-client-affinity",
  group: "web",
  description: "Web Apps have ARR client affinity disabled (clientAffinityEnabled false).",
  severity: "low",
  remediationSteps: "Set `clientAffinityEnabled: false` on the WebApp, or leave it unset (azure-native sends false).",
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    if (props.clientAffinityEnabled !== false) {
      reportViolation(
        `Web app '${args.name}' has clientAffinityEnabled ${JSON.stringify(props.clientAffinityEnabled ?? "unset")}; it must be false.`,
      );
    }
  }),
};
