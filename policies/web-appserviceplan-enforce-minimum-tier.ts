// Policy: an App Service plan is Standard or above, not Free, Shared or Basic. Mirrors PSRule for Azure
// Azure.AppService.MinPlan (AZR-000072, src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.yaml: "Use at least a
// Standard App Service Plan", the plan's `sku.tier` not Free, Shared or Basic;
// https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.MinPlan/). The program sends no `sku.tier`
// (web-appserviceplan-enforce-sku-tier), so the tier is the one ARM derives from the SKU name.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";
import { acceptedPlanTiers } from "./deployability-facts";

const BELOW_STANDARD = ["Free", "Shared", "Basic"];

/** The tier of a plan: its `sku.tier`, else the one of its SKU name (F1 is Free and D1 Shared, Learn "App Service plans"). */
function tierOf(sku: { name?: unknown; tier?: unknown } | undefined): string | undefined {
  if (typeof sku?.tier === "string") return sku.tier;
  const name = typeof sku?.name === "string" ? sku.name : "";
  if (name === "F1") return "Free";
  if (name === "D1") return "Shared";
  return acceptedPlanTiers(name)?.[0];
}

export const webAppserviceplanEnforceMinimumTier: ResourceValidationPolicy & Grouped = {
  name: "web-appserviceplan-enforce-minimum-tier",
  group: "web",
  description: "App Service plans use the Standard tier or above (not Free, Shared or Basic).",
  severity: "medium",
  remediationSteps: "Use a Standard or Premium SKU (stack config tokenApi.plan.skuName, e.g. P1v3).",
  validateResource: forTypes([T.appServicePlan], (props, args, reportViolation) => {
    const tier = tierOf(props.sku);
    if (tier !== undefined && BELOW_STANDARD.includes(tier)) {
      reportViolation(
        `${T.appServicePlan} '${String(props.name ?? args.name)}' uses SKU '${String(props.sku?.name)}' (tier ${tier}); production ` +
          "plans use Standard or above (https://learn.microsoft.com/azure/app-service/overview-hosting-plans).",
      );
    }
  }),
};
