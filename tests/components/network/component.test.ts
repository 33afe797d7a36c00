// Network under the plan harness: the exact inputs of the virtual network, both subnets with their NSGs, the NAT
// gateway, the vault's private endpoint and its DNS (zone, VNet link, zone group, or an existing zone), the token
// API's subnet wiring with all traffic routed; plus table tests of the address-plan and vault-reachability rules.
import { storageConfigSchema } from "../../../components/common/storage-config";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateProgram } from "../../../tools/plan/harness";
import type { PlanResult } from "../../../tools/plan/types";
import { countByType, only } from "../../support/plan";
import { Network } from "../../../components/network";
import { TokenApiHost } from "../../../components/token-api-host";
import { tokenApiConfigSchema } from "../../../components/token-api-host/config";
import {
  cidrContains,
  cidrOverlaps,
  networkAddressProblems,
  networkConfigSchema,
  parseCidr,
  vaultReachabilityProblems,
} from "../../../components/network/config";

const tags = { env: "prod", owner: "o", costCenter: "c", dataClassification: "confidential", service: "s" };
const naming = { app: "acs", env: "prod", region: "westeurope", suffix: "abcde" };
const vaultId =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-test/providers/Microsoft.KeyVault/vaults/kv-acs-prod-weu-abcde";
const workspaceId =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-test/providers/Microsoft.OperationalInsights/workspaces/log";

let plan: PlanResult;

beforeAll(async () => {
  plan = await evaluateProgram(
    () => {
      const net = new Network("net", {
        naming,
        resourceGroupName: "rg-test",
        location: "westeurope",
        tags,
        diagnostics: { workspaceId },
        addressSpace: "10.20.0.0/24",
        appServiceSubnetPrefix: "10.20.0.0/26",
        privateEndpointSubnetPrefix: "10.20.0.64/27",
        privateEndpoints: [{ key: "vault", resourceId: vaultId, groupId: "vault" }],
      });
      new TokenApiHost("tokenapi", {
        naming,
        storage: storageConfigSchema.parse({}),
        resourceGroupName: "rg-test",
        location: "westeurope",
        tags,
        subscriptionId: "00000000-0000-0000-0000-000000000001",
        tokenApi: tokenApiConfigSchema.parse({
          plan: { skuName: "P1v3", instanceCount: 2, zoneRedundant: true },
          oidc: {
            issuer: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
            audience: "22222222-2222-2222-2222-222222222222",
          },
          packagePath: "does/not/exist/token-api.zip",
        }),
        acsEndpoint: "https://acs.example/",
        acsResourceId:
          "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-test/providers/Microsoft.Communication/communicationServices/acs",
        keyVault: { id: vaultId, name: "kv-acs-prod-weu-abcde", uri: "https://kv-acs-prod-weu-abcde.vault.azure.net/" },
        acsSecretName: "acs-connection-string",
        vnetIntegrationSubnetId: net.appServiceSubnetId,
      });
      return { appServiceSubnetId: net.appServiceSubnetId, privateEndpointIds: net.privateEndpointIds };
    },
    { project: "acs-platform", stack: "test" },
  );
});

describe("Network", () => {
  it("registers exactly one network, two subnets with an NSG each, a NAT gateway, one endpoint with its DNS, and the VNet's diagnostics", () => {
    expect(countByType(plan, (x) => x.name.startsWith("net"))).toEqual({
      "acs:network:Network": 1,
      "azure-native:network:VirtualNetwork": 1,
      "azure-native:network:Subnet": 2,
      "azure-native:network:NetworkSecurityGroup": 2,
      "azure-native:network:NatGateway": 1,
      "azure-native:network:PublicIPAddress": 1,
      "azure-native:network:PrivateEndpoint": 1,
      "azure-native:network:PrivateDnsZoneGroup": 1,
      "azure-native:privatedns:PrivateZone": 1,
      "azure-native:privatedns:VirtualNetworkLink": 1,
      "azure-native:monitor:DiagnosticSetting": 1,
    });
    const component = only(plan, "acs:network:Network");
    for (const r of plan.resources.filter((x) => x.name.startsWith("net-"))) expect(r.parent).toBe(component.urn);
  });

  it("declares the virtual network with the configured address space and the tags", () => {
    expect(only(plan, "azure-native:network:VirtualNetwork").inputs).toEqual({
      virtualNetworkName: "vnet-acs-prod-weu",
      resourceGroupName: "rg-test",
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.20.0.0/24"] },
      // SDK defaults, registered as sent.
      enableDdosProtection: false,
      enableVmProtection: false,
      tags,
    });
  });

  it("delegates the App Service subnet to Microsoft.Web/serverFarms and creates the endpoint subnet after it", () => {
    const vnet = only(plan, "azure-native:network:VirtualNetwork");
    const app = only(plan, "azure-native:network:Subnet", "net-snet-app");
    const pep = only(plan, "azure-native:network:Subnet", "net-snet-pep");
    expect(app.inputs).toEqual({
      subnetName: "snet-acs-app-prod-weu",
      virtualNetworkName: "vnet-acs-prod-weu",
      resourceGroupName: "rg-test",
      addressPrefix: "10.20.0.0/26",
      delegations: [{ name: "Microsoft.Web.serverFarms", serviceName: "Microsoft.Web/serverFarms" }],
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
      networkSecurityGroup: { id: only(plan, "azure-native:network:NetworkSecurityGroup", "net-nsg-app").id },
      natGateway: { id: only(plan, "azure-native:network:NatGateway").id },
      // Private subnets (PSRule Azure.VNET.PrivateSubnet): no implicit outbound IP; the NAT gateway is the way out.
      defaultOutboundAccess: false,
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
    });
    expect(pep.inputs).toEqual({
      subnetName: "snet-acs-pep-prod-weu",
      virtualNetworkName: "vnet-acs-prod-weu",
      resourceGroupName: "rg-test",
      addressPrefix: "10.20.0.64/27",
      networkSecurityGroup: { id: only(plan, "azure-native:network:NetworkSecurityGroup", "net-nsg-pep").id },
      defaultOutboundAccess: false,
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
    });
    expect(app.dependencies).toContain(vnet.urn);
    expect(pep.dependencies).toContain(app.urn);
  });

  it("connects a private endpoint to the vault with group id `vault` in the endpoint subnet", () => {
    const pep = only(plan, "azure-native:network:PrivateEndpoint");
    expect(pep.inputs).toEqual({
      privateEndpointName: "pep-acs-vault-prod-weu",
      resourceGroupName: "rg-test",
      location: "westeurope",
      subnet: {
        id: only(plan, "azure-native:network:Subnet", "net-snet-pep").id,
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
      },
      privateLinkServiceConnections: [{ name: "pep-acs-vault-prod-weu", privateLinkServiceId: vaultId, groupIds: ["vault"] }],
      tags,
    });
    expect(plan.outputs["privateEndpointIds"]).toEqual({ vault: pep.id });
  });

  it("resolves the vault through privatelink.vaultcore.azure.net, linked to the network, via the endpoint's zone group", () => {
    const zone = only(plan, "azure-native:privatedns:PrivateZone");
    expect(zone.inputs).toEqual({
      privateZoneName: "privatelink.vaultcore.azure.net",
      resourceGroupName: "rg-test",
      location: "global",
      tags,
    });
    expect(only(plan, "azure-native:privatedns:VirtualNetworkLink").inputs).toEqual({
      virtualNetworkLinkName: "pdnslink-acs-vault-prod-weu",
      privateZoneName: "privatelink.vaultcore.azure.net",
      resourceGroupName: "rg-test",
      location: "global",
      virtualNetwork: { id: only(plan, "azure-native:network:VirtualNetwork").id },
      registrationEnabled: false,
      tags,
    });
    expect(only(plan, "azure-native:network:PrivateDnsZoneGroup").inputs).toEqual({
      privateDnsZoneGroupName: "default",
      privateEndpointName: "pep-acs-vault-prod-weu",
      resourceGroupName: "rg-test",
      privateDnsZoneConfigs: [{ name: "privatelink-vaultcore-azure-net", privateDnsZoneId: zone.id }],
    });
  });

  it("sends the virtual network's logs and metrics to the workspace", () => {
    expect(only(plan, "azure-native:monitor:DiagnosticSetting", "net-vnet-diagnostics").inputs).toMatchObject({
      resourceUri: only(plan, "azure-native:network:VirtualNetwork").id,
      workspaceId,
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
  });

  it("gives each subnet its own NSG (defaults plus no RDP/SSH into the network), and the App Service subnet a Standard NAT gateway", () => {
    const lateral = ["3389", "22"].map((port, i) => ({
      name: port === "22" ? "deny-ssh-to-vnet" : "deny-rdp-to-vnet",
      priority: 4000 + i,
      direction: "Outbound",
      access: "Deny",
      protocol: "Tcp",
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "VirtualNetwork",
      destinationPortRange: port,
    }));
    expect(["net-nsg-app", "net-nsg-pep"].map((n) => only(plan, "azure-native:network:NetworkSecurityGroup", n).inputs)).toEqual([
      {
        networkSecurityGroupName: "nsg-acs-app-prod-weu",
        resourceGroupName: "rg-test",
        location: "westeurope",
        securityRules: lateral,
        tags,
      },
      {
        networkSecurityGroupName: "nsg-acs-pep-prod-weu",
        resourceGroupName: "rg-test",
        location: "westeurope",
        securityRules: lateral,
        tags,
      },
    ]);
    const ip = only(plan, "azure-native:network:PublicIPAddress");
    expect(ip.inputs).toMatchObject({
      // The name carries the zones, so that their replacement can create the new address before deleting the old.
      publicIpAddressName: "pip-acs-nat-z123-prod-weu",
      sku: { name: "Standard", tier: "Regional" },
      publicIPAllocationMethod: "Static",
      // Zone-redundant (PSRule Azure.PublicIP.AvailabilityZone); create-only, so a change replaces the address.
      zones: ["1", "2", "3"],
    });
    expect([ip.options.replaceOnChanges, ip.options.deleteBeforeReplace]).toEqual([["zones"], undefined]);
    expect(only(plan, "azure-native:network:NatGateway").inputs).toMatchObject({
      natGatewayName: "ng-acs-prod-weu",
      sku: { name: "Standard" },
      publicIpAddresses: [{ id: ip.id }],
    });
  });

  it("integrates the token API's web app with the delegated subnet and routes all traffic into it (Key Vault references are configuration traffic)", () => {
    const app = only(plan, "azure-native:web:WebApp");
    const subnet = only(plan, "azure-native:network:Subnet", "net-snet-app");
    expect(subnet.id).toMatch(/^\/subscriptions\/.+\/snet-acs-app-prod-weu$/);
    expect(app.inputs["virtualNetworkSubnetId"]).toBe(subnet.id);
    expect(app.inputs["outboundVnetRouting"]).toEqual({ allTraffic: true });
    expect(app.dependencies).toContain(subnet.urn);
    expect(plan.outputs["appServiceSubnetId"]).toBe(subnet.id);
  });
});

describe("Network with an existing private DNS zone (landing zone)", () => {
  it("registers the endpoint in the given zone and creates no zone or link of its own", async () => {
    const zoneId =
      "/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net";
    const withZone = await evaluateProgram(
      () =>
        void new Network("net", {
          naming,
          resourceGroupName: "rg-test",
          location: "westeurope",
          tags,
          addressSpace: "10.20.0.0/24",
          appServiceSubnetPrefix: "10.20.0.0/26",
          privateEndpointSubnetPrefix: "10.20.0.64/27",
          privateEndpoints: [{ key: "vault", resourceId: vaultId, groupId: "vault" }],
          existingPrivateDnsZoneIds: { vault: zoneId },
        }),
      { project: "acs-platform", stack: "test" },
    );
    expect(withZone.resources.filter((r) => r.type.startsWith("azure-native:privatedns:"))).toEqual([]);
    expect(only(withZone, "azure-native:network:PrivateDnsZoneGroup").inputs["privateDnsZoneConfigs"]).toEqual([
      { name: "privatelink-vaultcore-azure-net", privateDnsZoneId: zoneId },
    ]);
  });
});

describe("address plan", () => {
  it.each<[string, boolean]>([
    ["10.20.0.0/24", true],
    ["10.20.0.64/27", true],
    ["10.20.0.1/24", false],
    ["10.20.0.0/33", false],
    ["256.0.0.0/8", false],
    ["10.20.0.0", false],
  ])("parseCidr(%s) valid: %s", (text, valid) => {
    expect(parseCidr(text) !== undefined).toBe(valid);
  });

  it("contains and overlaps", () => {
    const c = (s: string) => parseCidr(s) ?? expect.unreachable(s);
    expect(cidrContains(c("10.20.0.0/24"), c("10.20.0.64/27"))).toBe(true);
    expect(cidrContains(c("10.20.0.0/24"), c("10.20.1.0/27"))).toBe(false);
    expect(cidrOverlaps(c("10.20.0.0/26"), c("10.20.0.32/27"))).toBe(true);
    expect(cidrOverlaps(c("10.20.0.0/26"), c("10.20.0.64/27"))).toBe(false);
  });

  const base = networkConfigSchema.parse({});
  it.each<[string, Partial<typeof base>, Array<{ path: string[]; message: string }>]>([
    ["the defaults", {}, []],
    [
      "app subnet outside the space",
      { appServiceSubnetPrefix: "10.21.0.0/26" },
      [{ path: ["appServiceSubnetPrefix"], message: "must lie within addressSpace 10.20.0.0/24; got 10.21.0.0/26" }],
    ],
    [
      "endpoint subnet overlapping the app subnet",
      { privateEndpointSubnetPrefix: "10.20.0.32/27" },
      [{ path: ["privateEndpointSubnetPrefix"], message: "must not overlap appServiceSubnetPrefix 10.20.0.0/26; got 10.20.0.32/27" }],
    ],
    [
      "app subnet smaller than /28",
      { appServiceSubnetPrefix: "10.20.0.0/29" },
      [{ path: ["appServiceSubnetPrefix"], message: "must be /28 or larger (App Service VNet integration); got 10.20.0.0/29" }],
    ],
    [
      "endpoint subnet smaller than /29",
      { privateEndpointSubnetPrefix: "10.20.0.64/30" },
      [{ path: ["privateEndpointSubnetPrefix"], message: "must be /29 or larger; got 10.20.0.64/30" }],
    ],
  ])("%s", (_, change, expected) => {
    expect(networkAddressProblems({ ...base, ...change })).toEqual(expected);
  });

  const unreachable = [
    {
      path: ["enabled"],
      message:
        "must be true when the Key Vault denies public traffic (keyVault.publicNetworkAccess Disabled or keyVault.allowedIpRanges set): the token API reads the vault",
    },
  ];
  it.each<[string, boolean, "Enabled" | "Disabled", string[], typeof unreachable]>([
    ["public vault, no network", false, "Enabled", [], []],
    ["vault behind an IP allow-list, no network (the prod defect)", false, "Enabled", ["203.0.113.0/24"], unreachable],
    ["vault with public access off, no network", false, "Disabled", [], unreachable],
    ["vault behind an IP allow-list, network on", true, "Enabled", ["203.0.113.0/24"], []],
  ])("vault reachability: %s", (_, enabled, publicNetworkAccess, allowedIpRanges, problems) => {
    expect(vaultReachabilityProblems({ ...base, enabled }, { publicNetworkAccess, allowedIpRanges })).toEqual(problems);
  });
});
