// Policy: a web or API app keeps Always On, so App Service does not unload it when idle (the first request after
// would wait for a cold start, and background work such as the erasing sweep would stop). Mirrors PSRule for Azure
// Azure.AppService.AlwaysOn (AZR-000077, src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.ps1: web and API apps
// have `siteConfig.alwaysOn` equal to true; https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.AlwaysOn/).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

/** A site PSRule's IsWebApp / IsAPIApp selectors leave out: function and logic (workflow) apps. */
function isFunctionOrWorkflow(kind: unknown): boolean {
  return typeof kind === "string" && /functionapp|workflowapp/i.test(kind);
}

export const webWebappEnableAlwaysOn: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-enable-always-on",
  group: "web",
  description: "Web and API apps keep Always On enabled.",
  severity: "medium",
  remediationSteps: "Set `siteConfig.alwaysOn: true` (stack config tokenApi.alwaysOn); Free and Shared plans do not offer it.",
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    if (isFunctionOrWorkflow(props.kind)) return;
    if (props.siteConfig?.alwaysOn !== true) {
      reportViolation(
        `${T.webApp} '${String(props.name ?? args.name)}' has siteConfig.alwaysOn ${JSON.stringify(props.siteConfig?.alwaysOn ?? "unset")}: ` +
          "App Service unloads it after idle time.",
      );
    }
  }),
};
