// Policy: Application Insights ingests only Entra-authenticated telemetry (`disableLocalAuth: true`), so the
// instrumentation key in a connection string no longer suffices to write into it. Mirrors PSRule for Azure
// Azure.AppInsights.LocalAuth (AZR-000484, src/PSRule.Rules.Azure/rules/Azure.AppInsights.Rule.yaml: field
// `properties.disableLocalAuth` equals true; https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppInsights.LocalAuth/).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const monitorAppinsightsDisableLocalAuth: ResourceValidationPolicy & Grouped = {
  name: "monitor-appinsights-disable-local-auth",
  group: "monitor",
  description: "Application Insights accepts only Microsoft Entra-authenticated telemetry (local authentication disabled).",
  severity: "critical",
  remediationSteps:
    "Set `disableLocalAuth: true` on the Component, grant the sending identity 'Monitoring Metrics Publisher' on it and give the " +
    "exporter a managed-identity credential (the TokenApiHost does: APPLICATIONINSIGHTS_AUTH_MODE=managed-identity).",
  validateResource: forTypes([T.appInsights], (props, args, reportViolation) => {
    if (props.disableLocalAuth !== true) {
      reportViolation(
        `${T.appInsights} '${args.name}' has disableLocalAuth ${JSON.stringify(props.disableLocalAuth ?? "unset")}: anyone holding the ` +
          "instrumentation key can write telemetry into it. Set it to true and send with a managed identity " +
          "(Learn https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).",
      );
    }
  }),
};
