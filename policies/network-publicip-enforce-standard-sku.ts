// Policy: public IP addresses use the Standard SKU (PSRule for Azure Azure.PublicIP.StandardSKU, AZR-000158, and
// Azure.PublicIP.MigrateStandard, AZR-000395: `sku.name` equals Standard; https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.PublicIP.Rule.yaml).
// Basic SKU public IPs retire on 2025-09-30 (https://learn.microsoft.com/en-us/azure/virtual-network/ip-services/public-ip-basic-upgrade-guidance).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const networkPublicipEnforceStandardSku: ResourceValidationPolicy & Grouped = {
  name: "network-publicip-enforce-standard-sku",
  group: "network",
  description: "Public IP addresses use the Standard SKU.",
  severity: "high",
  remediationSteps: 'Set `sku: { name: "Standard" }` on the PublicIPAddress (the SKU is create-only: a change replaces the address).',
  validateResource: forTypes([T.publicIpAddress], (props, args, reportViolation) => {
    const sku: unknown = props.sku?.name;
    if (typeof sku !== "string" || sku.toLowerCase() !== "standard") {
      reportViolation(`Public IP address '${args.name}' has sku.name '${typeof sku === "string" ? sku : "unset"}'; it must be Standard.`);
    }
  }),
};
