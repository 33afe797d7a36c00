// Tests for the network policy: a subnet with an NSG passes, the one mutation removing it fails with the subnet
// named, and the special-purpose subnets PSRule excludes (gateway, firewall, route server, dedicated HSM) pass.
import { describe, expect, it } from "vitest";
import { networkSubnetMissingNetworkSecurityGroup } from "../../policies/network-subnet-missing-network-security-group";
import { mutate, runResource } from "./helpers";

const SUBNET = "azure-native:network:Subnet";
const subnet = {
  subnetName: "snet-acsplat-app-prod-weu",
  addressPrefix: "10.20.0.0/26",
  networkSecurityGroup: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg" },
};

describe("network-subnet-missing-network-security-group", () => {
  const p = networkSubnetMissingNetworkSecurityGroup;
  it("passes a subnet with an NSG", async () => {
    expect((await runResource(p, SUBNET, subnet)).messages).toEqual([]);
  });
  it("fails a subnet without one, naming it", async () => {
    expect((await runResource(p, SUBNET, mutate(subnet, "networkSecurityGroup", undefined))).messages).toEqual([
      "Subnet 'snet-acsplat-app-prod-weu' has no network security group (networkSecurityGroup.id is unset).",
    ]);
  });
  it.each([["GatewaySubnet"], ["AzureFirewallSubnet"], ["AzureFirewallManagementSubnet"], ["RouteServerSubnet"]])(
    "passes %s without one",
    async (name) => {
      expect((await runResource(p, SUBNET, { subnetName: name, addressPrefix: "10.0.0.0/27" })).messages).toEqual([]);
    },
  );
  it("passes a subnet delegated to dedicated HSMs without one", async () => {
    const hsm = { subnetName: "snet-hsm", delegations: [{ name: "hsm", serviceName: "Microsoft.HardwareSecurityModules/dedicatedHSMs" }] };
    expect((await runResource(p, SUBNET, hsm)).messages).toEqual([]);
  });
});
