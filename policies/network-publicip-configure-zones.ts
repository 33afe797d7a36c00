// Policy: a Standard public IP is zone-redundant (`zones` exactly 1, 2 and 3), so the address survives the loss of a
// zone. Mirrors PSRule for Azure Azure.PublicIP.AvailabilityZone (AZR-000157, src/PSRule.Rules.Azure/rules/
// Azure.PublicIP.Rule.ps1: with the Azure.PublicIP.ShouldBeAvailable selector, i.e. Standard SKU, in a region with
// availability zones, `zones` is set and is the set 1, 2, 3; https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.PublicIP.AvailabilityZone/).
// PSRule reads the zone regions from its provider data; here the stacks' regions all have three zones (Learn
// https://learn.microsoft.com/azure/reliability/regions-list) and a region without them is a knob. Zones are
// create-only (policies/azure-types.ts): adding them replaces the address.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ZONE_REDUNDANT_ZONES as ZONES } from "./deployability-facts";
import { forTypes, type Grouped, inRegionWithoutZones, REGIONS_WITHOUT_ZONES_SCHEMA, T } from "./lib";

export const networkPublicipConfigureZones: ResourceValidationPolicy & Grouped = {
  name: "network-publicip-configure-zones",
  group: "network",
  description: "Standard public IP addresses are zone-redundant (zones 1, 2 and 3) in regions with availability zones.",
  severity: "medium",
  remediationSteps:
    'Set `zones: ["1", "2", "3"]` on the PublicIPAddress. Zones are create-only: the address is replaced and its IP changes, ' +
    "so update every allow-list that names the old egress IP.",
  configSchema: {
    properties: {
      regionsWithoutZones: REGIONS_WITHOUT_ZONES_SCHEMA,
    },
  },
  validateResource: forTypes([T.publicIpAddress], (props, args, reportViolation) => {
    if (String(props.sku?.name ?? "").toLowerCase() !== "standard") return;
    if (inRegionWithoutZones(props, args)) return;
    const zones: unknown[] = Array.isArray(props.zones) ? props.zones : [];
    const set = new Set(zones.map(String));
    if (set.size !== ZONES.length || !ZONES.every((z) => set.has(z))) {
      reportViolation(
        `Public IP '${String(props.publicIpAddressName ?? args.name)}' has zones ${JSON.stringify(zones)}, not ["1","2","3"]: ` +
          "the address is not zone-redundant. Zones are set only when the address is created (it is replaced, and its IP changes).",
      );
    }
  }),
};
