// Deployability rule: an App Service plan's `sku.tier`, when given, is the tier Azure assigns to its SKU name
// (P0v3 belongs to Premium0V3, P*mv3 to PremiumMV3, not PremiumV3).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";
import { acceptedPlanTiers, SOURCES } from "./deployability-facts";

export const deployabilityAppserviceplanEnforceSkuTier: ResourceValidationPolicy & Grouped = {
  name: "deployability-appserviceplan-enforce-sku-tier",
  group: "deployability",
  description: "An App Service plan's sku.tier matches its sku.name (or is omitted, so ARM derives it).",
  severity: "medium",
  remediationSteps: "Omit `sku.tier`: ARM derives the tier from `sku.name`.",
  validateResource: forTypes([T.appServicePlan], (props, args, reportViolation) => {
    const name = props.sku?.name;
    const tier = props.sku?.tier;
    if (typeof name !== "string" || typeof tier !== "string") return;
    const accepted = acceptedPlanTiers(name);
    if (accepted !== undefined && !accepted.includes(tier)) {
      reportViolation(
        `${T.appServicePlan} '${args.name}' sets sku.tier '${tier}' for SKU '${name}', whose tier is ${accepted.join(" or ")}. ` +
          `Azure either rejects the mismatch or stores its own tier and every later preview shows a diff. Source: ${SOURCES.planTiers}`,
      );
    }
  }),
};
