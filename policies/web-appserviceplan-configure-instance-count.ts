// Policy: an App Service plan runs at least two instances, so one instance failing or being patched leaves another
// serving. Mirrors PSRule for Azure Azure.AppService.PlanInstanceCount (AZR-000071,
// src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.ps1: `sku.capacity` >= 2, except consumption (Y1 / tier Dynamic)
// and elastic (EP* / tier ElasticPremium / kind elastic) plans; https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.PlanInstanceCount/).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

/** PSRule's minimum (the rule has no option for it). */
const MIN_INSTANCES = 2;

export const webAppserviceplanConfigureInstanceCount: ResourceValidationPolicy & Grouped = {
  name: "web-appserviceplan-configure-instance-count",
  group: "web",
  description: "App Service plans (other than consumption and elastic plans) run at least two instances.",
  severity: "medium",
  remediationSteps: "Set `sku.capacity` to 2 or more (stack config tokenApi.plan.instanceCount).",
  validateResource: forTypes([T.appServicePlan], (props, args, reportViolation) => {
    const name = String(props.sku?.name ?? "");
    const tier = String(props.sku?.tier ?? "");
    if (name === "Y1" || tier === "Dynamic") return;
    if (/^EP/.test(name) || tier === "ElasticPremium" || props.kind === "elastic") return;
    const capacity = props.sku?.capacity;
    if (typeof capacity !== "number" || capacity < MIN_INSTANCES) {
      reportViolation(
        `${T.appServicePlan} '${String(props.name ?? args.name)}' runs ${JSON.stringify(capacity ?? "unset")} instance(s) ` +
          `(sku.capacity); at least ${MIN_INSTANCES} keep the app up while one fails or is patched.`,
      );
    }
  }),
};
