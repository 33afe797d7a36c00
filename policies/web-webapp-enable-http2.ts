// Policy: web apps accept HTTP/2 (PSRule for Azure Azure.AppService.HTTP2, AZR-000078: `siteConfig.http20Enabled`
// equals true; https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.ps1). azure-native's WebApp sends true by default
// (siteConfigArgsProvideDefaults); the policy keeps a program from turning it off.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const webWebappEnableHttp2: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-enable-http2",
  group: "web",
  description: "Web Apps accept HTTP/2 (siteConfig.http20Enabled).",
  severity: "low",
  remediationSteps: "Set `siteConfig.http20Enabled: true` on the WebApp, or leave it unset (azure-native sends true).",
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    if (props.siteConfig?.http20Enabled !== true) {
      reportViolation(
        `Web app '${args.name}' has siteConfig.http20Enabled ${JSON.stringify(props.siteConfig?.http20Enabled ?? "unset")}; it must be true.`,
      );
    }
  }),
};
