// Policy: an App Service plan in a region with availability zones is zone-redundant on a SKU that supports it.
// Mirrors PSRule for Azure Azure.AppService.AvailabilityZone (AZR-000442,
// src/PSRule.Rules.Azure/rules/Azure.AppService.Rule.ps1: in a region with zones, `sku.name` is one of P1v3, P1mv3,
// P2v3, P2mv3, P3v3, P3mv3, P4mv3, P5mv3, P1v2, P2v2, P3v2, EP1, EP2, EP3 or `sku.tier` one of PremiumV3, PremiumV2,
// ElasticPremium, and `properties.zoneRedundant` is true; https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.AvailabilityZone/),
// with the zone-capable SKUs of Learn instead of PSRule's list: the ones the stack config accepts as zone-redundant
// (supportsZoneRedundancy, policies/deployability-facts.ts), so P0v3, Premium v4 and Isolated v2 pass here too. The
// program creates no Elastic Premium (Functions) plan.
// The stacks' regions have zones (Learn https://learn.microsoft.com/azure/reliability/regions-list); a region without
// them is a knob, as for network-publicip-configure-zones.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { supportsZoneRedundancy, ZONE_REDUNDANT_PLAN_HELP } from "./deployability-facts";
import { forTypes, type Grouped, inRegionWithoutZones, REGIONS_WITHOUT_ZONES_SCHEMA, T } from "./lib";

export const webAppserviceplanEnableZoneRedundancy: ResourceValidationPolicy & Grouped = {
  name: "web-appserviceplan-enable-zone-redundancy",
  group: "web",
  description: "App Service plans in regions with availability zones use a zone-capable SKU and are zone-redundant.",
  severity: "medium",
  remediationSteps: `Use a ${ZONE_REDUNDANT_PLAN_HELP} SKU with at least 2 instances and set \`zoneRedundant: true\` (stack config tokenApi.plan).`,
  configSchema: {
    properties: {
      regionsWithoutZones: REGIONS_WITHOUT_ZONES_SCHEMA,
    },
  },
  validateResource: forTypes([T.appServicePlan], (props, args, reportViolation) => {
    if (inRegionWithoutZones(props, args)) return;
    const name = String(props.sku?.name ?? "");
    const plan = String(props.name ?? args.name);
    if (!supportsZoneRedundancy(name)) {
      reportViolation(
        `${T.appServicePlan} '${plan}' uses SKU '${name}', which cannot be zone-redundant (${ZONE_REDUNDANT_PLAN_HELP} SKUs can).`,
      );
    }
    if (props.zoneRedundant !== true) {
      reportViolation(
        `${T.appServicePlan} '${plan}' is not zone-redundant (zoneRedundant ${JSON.stringify(props.zoneRedundant ?? "unset")}).`,
      );
    }
  }),
};
