// Policy: every subnet is private (`defaultOutboundAccess: false`), so nothing in it gets Azure's implicit default
// outbound IP; outbound traffic takes an explicit path (the NAT gateway). Mirrors PSRule for Azure
// Azure.VNET.PrivateSubnet (AZR-000447, src/PSRule.Rules.Azure/rules/Azure.VNET.Rule.ps1): every subnet without
// delegations, other than GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet and AzureBastionSubnet,
// has `properties.defaultOutboundAccess` equal to false (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.VNET.PrivateSubnet/).
// A deployed subnet takes the value in place (Learn "Default outbound access in Azure": `az network vnet subnet update
// --default-outbound false`, https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, type Props, T } from "./lib";

const SUBNET = T.subnet;
const VNET = T.virtualNetwork;
/** The subnets PSRule's rule leaves out, by name. */
const EXCLUDED = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "AzureBastionSubnet"];

/** Name of a subnet that the rule covers and that is not private, or undefined. */
function openSubnet(subnet: Props, fallbackName: string): string | undefined {
  const name = String(subnet?.subnetName ?? subnet?.name ?? fallbackName);
  if (EXCLUDED.includes(name)) return undefined;
  if (Array.isArray(subnet?.delegations) && subnet.delegations.length > 0) return undefined;
  return subnet?.defaultOutboundAccess === false ? undefined : name;
}

export const networkSubnetDisableDefaultOutboundAccess: ResourceValidationPolicy & Grouped = {
  name: "network-subnet-disable-default-outbound-access",
  group: "network",
  description: "Every subnet without a delegation (other than gateway, firewall and bastion subnets) disables default outbound access.",
  severity: "critical",
  remediationSteps:
    "Set `defaultOutboundAccess: false` (a deployed subnet is updated in place; VMs in it lose their default outbound IP once " +
    "stopped and deallocated) and give it an explicit outbound path where it needs one (a NAT gateway, as the Network component does).",
  validateResource: forTypes([SUBNET, VNET], (props, args, reportViolation) => {
    const subnets: Array<[Props, string]> =
      args.type === SUBNET
        ? [[props, args.name]]
        : (Array.isArray(props.subnets) ? props.subnets : []).map((s: Props, i: number) => [s, `subnets[${i}]`]);
    for (const [subnet, fallback] of subnets) {
      const open = openSubnet(subnet, fallback);
      if (open !== undefined) {
        reportViolation(
          `Subnet '${open}' does not disable default outbound access (defaultOutboundAccess ${JSON.stringify(subnet?.defaultOutboundAccess ?? "unset")}): ` +
            "what runs in it gets an implicit public outbound IP. Set it to false.",
        );
      }
    }
  }),
};
