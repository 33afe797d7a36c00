// Policy: every subnet has a network security group, except the special-purpose subnets Azure does not allow one
// on (PSRule for Azure Azure.VNET.UseNSGs, AZR-000263: GatewaySubnet, AzureFirewallSubnet,
// AzureFirewallManagementSubnet, RouteServerSubnet, and subnets delegated to dedicated HSMs).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, type Props } from "./lib";

const SUBNET = "azure-native:network:Subnet";
const EXCLUDED = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];

export const networkSubnetMissingNetworkSecurityGroup: ResourceValidationPolicy & Grouped = {
  name: "network-subnet-missing-network-security-group",
  group: "network",
  description: "Every subnet (other than gateway, firewall, route-server and dedicated-HSM subnets) has a network security group.",
  severity: "high",
  remediationSteps:
    "Create a `network.NetworkSecurityGroup` for the subnet and set the subnet's `networkSecurityGroup: { id }` (the Network component does).",
  validateResource: forTypes([SUBNET], (props, args, reportViolation) => {
    if (EXCLUDED.includes(props.subnetName ?? props.name)) return;
    const delegations: Props[] = Array.isArray(props.delegations) ? props.delegations : [];
    if (delegations.some((d) => d?.serviceName === "Microsoft.HardwareSecurityModules/dedicatedHSMs")) return;
    const id = props.networkSecurityGroup?.id;
    if (typeof id !== "string" || id === "") {
      reportViolation(
        `Subnet '${String(props.subnetName ?? args.name)}' has no network security group (networkSecurityGroup.id is unset).`,
      );
    }
  }),
};
