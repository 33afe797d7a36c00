// Tests of the policies that mirror the remaining PSRule for Azure rules of issue #29 (Application Insights local
// auth, private subnets, zone-redundant public IPs, workspace replication, the App Service plan's tier, instances and
// zones, Always On, the .NET version): a compliant baseline passes, each mutation the rule's own source fails gives
// the exact message, and what the rule leaves out passes.
import { describe, expect, it } from "vitest";
import { loganalyticsWorkspaceEnableReplication } from "../../policies/loganalytics-workspace-enable-replication";
import { monitorAppinsightsDisableLocalAuth } from "../../policies/monitor-appinsights-disable-local-auth";
import { networkPublicipConfigureZones } from "../../policies/network-publicip-configure-zones";
import { networkSubnetDisableDefaultOutboundAccess } from "../../policies/network-subnet-disable-default-outbound-access";
import { webAppserviceplanConfigureInstanceCount } from "../../policies/web-appserviceplan-configure-instance-count";
import { webAppserviceplanEnableZoneRedundancy } from "../../policies/web-appserviceplan-enable-zone-redundancy";
import { webAppserviceplanEnforceMinimumTier } from "../../policies/web-appserviceplan-enforce-minimum-tier";
import { dotnetVersionProblem, webWebappDisallowEndOfLifeRuntime } from "../../policies/web-webapp-disallow-end-of-life-runtime";
import { webWebappEnableAlwaysOn } from "../../policies/web-webapp-enable-always-on";
import { supportsZoneRedundancy } from "../../components/token-api-host/config";
import { mutate, runResource } from "./helpers";

const COMPONENT = "azure-native:applicationinsights:Component";
const SUBNET = "azure-native:network:Subnet";
const VNET = "azure-native:network:VirtualNetwork";
const PUBLIC_IP = "azure-native:network:PublicIPAddress";
const WORKSPACE = "azure-native:operationalinsights:Workspace";
const PLAN = "azure-native:web:AppServicePlan";
const WEB_APP = "azure-native:web:WebApp";

describe("monitor-appinsights-disable-local-auth (Azure.AppInsights.LocalAuth)", () => {
  const p = monitorAppinsightsDisableLocalAuth;
  const component = { resourceName: "appi-acsplat-prod-weu", kind: "web", applicationType: "web", disableLocalAuth: true };
  it("passes a component that refuses the instrumentation key", async () => {
    expect((await runResource(p, COMPONENT, component)).messages).toEqual([]);
  });
  it.each([
    [undefined, '"unset"'],
    [false, "false"],
  ])("fails disableLocalAuth %s", async (value, shown) => {
    expect((await runResource(p, COMPONENT, mutate(component, "disableLocalAuth", value))).messages).toEqual([
      `${COMPONENT} 'subject' has disableLocalAuth ${shown}: anyone holding the instrumentation key can write telemetry into it. ` +
        "Set it to true and send with a managed identity (Learn https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).",
    ]);
  });
  it("is not applicable to other types", async () => {
    expect((await runResource(p, WORKSPACE, {})).notApplicable).toBe(true);
  });
});

describe("network-subnet-disable-default-outbound-access (Azure.VNET.PrivateSubnet)", () => {
  const p = networkSubnetDisableDefaultOutboundAccess;
  const subnet = { subnetName: "snet-acsplat-pep-prod-weu", addressPrefix: "10.20.0.64/27", defaultOutboundAccess: false };
  it("passes a private subnet", async () => {
    expect((await runResource(p, SUBNET, subnet)).messages).toEqual([]);
  });
  it("fails a subnet that leaves default outbound access unset, naming it", async () => {
    expect((await runResource(p, SUBNET, mutate(subnet, "defaultOutboundAccess", undefined))).messages).toEqual([
      "Subnet 'snet-acsplat-pep-prod-weu' does not disable default outbound access (defaultOutboundAccess \"unset\"): what runs in it " +
        "gets an implicit public outbound IP. Set it to false.",
    ]);
  });
  it("fails one that sets it true", async () => {
    expect((await runResource(p, SUBNET, mutate(subnet, "defaultOutboundAccess", true))).messages).toHaveLength(1);
  });
  it("passes a delegated subnet and the special subnets the rule leaves out", async () => {
    const delegated = { subnetName: "snet-app", delegations: [{ name: "web", serviceName: "Microsoft.Web/serverFarms" }] };
    expect((await runResource(p, SUBNET, delegated)).messages).toEqual([]);
    for (const name of ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "AzureBastionSubnet"]) {
      expect([name, (await runResource(p, SUBNET, { subnetName: name })).messages]).toEqual([name, []]);
    }
  });
  it("checks the inline subnets of a virtual network too", async () => {
    const vnet = { virtualNetworkName: "vnet", subnets: [{ name: "snet-a", defaultOutboundAccess: false }, { name: "snet-b" }] };
    expect((await runResource(p, VNET, vnet)).messages).toEqual([
      "Subnet 'snet-b' does not disable default outbound access (defaultOutboundAccess \"unset\"): what runs in it gets an implicit " +
        "public outbound IP. Set it to false.",
    ]);
    expect((await runResource(p, VNET, { virtualNetworkName: "vnet" })).messages).toEqual([]);
  });
});

describe("network-publicip-configure-zones (Azure.PublicIP.AvailabilityZone)", () => {
  const p = networkPublicipConfigureZones;
  const ip = {
    publicIpAddressName: "pip-acsplat-nat-prod-weu",
    location: "westeurope",
    sku: { name: "Standard", tier: "Regional" },
    zones: ["1", "2", "3"],
  };
  it("passes a zone-redundant Standard IP, in any order", async () => {
    expect((await runResource(p, PUBLIC_IP, ip)).messages).toEqual([]);
    expect((await runResource(p, PUBLIC_IP, mutate(ip, "zones", ["3", "1", "2"]))).messages).toEqual([]);
  });
  it.each([
    [undefined, "[]"],
    [["1"], '["1"]'],
    [["1", "2"], '["1","2"]'],
  ])("fails zones %j, saying the address is replaced", async (zones, shown) => {
    expect((await runResource(p, PUBLIC_IP, mutate(ip, "zones", zones))).messages).toEqual([
      `Public IP 'pip-acsplat-nat-prod-weu' has zones ${shown}, not ["1","2","3"]: the address is not zone-redundant. Zones are set ` +
        "only when the address is created (it is replaced, and its IP changes).",
    ]);
  });
  it("passes a Basic IP and one in a region the config lists without zones", async () => {
    expect((await runResource(p, PUBLIC_IP, mutate(mutate(ip, "sku", { name: "Basic" }), "zones", undefined))).messages).toEqual([]);
    const noZones = mutate(mutate(ip, "location", "westcentralus"), "zones", undefined);
    expect((await runResource(p, PUBLIC_IP, noZones, { regionsWithoutZones: ["westcentralus"] })).messages).toEqual([]);
    expect((await runResource(p, PUBLIC_IP, noZones)).messages).toHaveLength(1);
  });
});

describe("loganalytics-workspace-enable-replication (Azure.Log.Replication)", () => {
  const p = loganalyticsWorkspaceEnableReplication;
  const workspace = { workspaceName: "log-acsplat-prod-weu", replication: { enabled: true, location: "northeurope" } };
  it("passes a replicated workspace and one linked to a dedicated cluster", async () => {
    expect((await runResource(p, WORKSPACE, workspace)).messages).toEqual([]);
    const clustered = {
      workspaceName: "log",
      features: { clusterResourceId: "/subscriptions/s/resourceGroups/rg/providers/x/clusters/c" },
    };
    expect((await runResource(p, WORKSPACE, clustered)).messages).toEqual([]);
  });
  it("fails a workspace without replication", async () => {
    expect((await runResource(p, WORKSPACE, mutate(workspace, "replication", undefined))).messages).toEqual([
      `${WORKSPACE} 'log-acsplat-prod-weu' is not replicated (replication.enabled "unset"): a regional outage stops its ingestion and ` +
        "queries (Learn https://learn.microsoft.com/azure/azure-monitor/logs/workspace-replication).",
    ]);
  });
});

describe("App Service plan: minimum tier, instance count, zone redundancy (Azure.AppService.MinPlan, PlanInstanceCount, AvailabilityZone)", () => {
  const plan = { name: "asp-acsplat-token-prod-weu", location: "westeurope", sku: { name: "P1v3", capacity: 2 }, zoneRedundant: true };
  it("prod's plan passes all three", async () => {
    for (const p of [webAppserviceplanEnforceMinimumTier, webAppserviceplanConfigureInstanceCount, webAppserviceplanEnableZoneRedundancy]) {
      expect([p.name, (await runResource(p, PLAN, plan)).messages]).toEqual([p.name, []]);
    }
  });
  it.each([
    ["B1", "Basic"],
    ["F1", "Free"],
    ["D1", "Shared"],
  ])("minimum tier: %s (tier %s) fails, from the SKU name alone", async (name, tier) => {
    expect((await runResource(webAppserviceplanEnforceMinimumTier, PLAN, mutate(plan, "sku", { name, capacity: 1 }))).messages).toEqual([
      `${PLAN} 'asp-acsplat-token-prod-weu' uses SKU '${name}' (tier ${tier}); production plans use Standard or above ` +
        "(https://learn.microsoft.com/azure/app-service/overview-hosting-plans).",
    ]);
  });
  it("minimum tier: S1 and an explicit Standard tier pass", async () => {
    expect((await runResource(webAppserviceplanEnforceMinimumTier, PLAN, mutate(plan, "sku", { name: "S1" }))).messages).toEqual([]);
    expect(
      (await runResource(webAppserviceplanEnforceMinimumTier, PLAN, mutate(plan, "sku", { name: "X", tier: "Standard" }))).messages,
    ).toEqual([]);
  });
  it("instance count: one instance fails; consumption and elastic plans are left out", async () => {
    const p = webAppserviceplanConfigureInstanceCount;
    expect((await runResource(p, PLAN, mutate(plan, "sku.capacity", 1))).messages).toEqual([
      `${PLAN} 'asp-acsplat-token-prod-weu' runs 1 instance(s) (sku.capacity); at least 2 keep the app up while one fails or is patched.`,
    ]);
    expect((await runResource(p, PLAN, mutate(plan, "sku", { name: "Y1", tier: "Dynamic" }))).messages).toEqual([]);
    expect((await runResource(p, PLAN, mutate(plan, "sku", { name: "EP1", capacity: 1 }))).messages).toEqual([]);
  });
  it("zone redundancy: B1 and zoneRedundant false each fail; a region the config lists without zones passes", async () => {
    const p = webAppserviceplanEnableZoneRedundancy;
    expect((await runResource(p, PLAN, mutate(plan, "zoneRedundant", false))).messages).toEqual([
      `${PLAN} 'asp-acsplat-token-prod-weu' is not zone-redundant (zoneRedundant false).`,
    ]);
    expect((await runResource(p, PLAN, mutate(mutate(plan, "sku", { name: "B1", capacity: 1 }), "zoneRedundant", false))).messages).toEqual(
      [
        `${PLAN} 'asp-acsplat-token-prod-weu' uses SKU 'B1', which cannot be zone-redundant (Premium v2/v3/v4 or Isolated v2 SKUs can).`,
        `${PLAN} 'asp-acsplat-token-prod-weu' is not zone-redundant (zoneRedundant false).`,
      ],
    );
    // The SKUs the stack config accepts as zone-redundant pass the rule too (one list: policies/deployability-facts.ts).
    for (const name of ["P0v3", "P1mv3", "P1v4", "P2mv4", "I1v2", "P1v2"]) {
      expect([
        name,
        supportsZoneRedundancy(name),
        (await runResource(p, PLAN, mutate(plan, "sku", { name, capacity: 2 }))).messages,
      ]).toEqual([name, true, []]);
    }
    for (const name of ["S1", "B3", "EP1"]) {
      expect([
        name,
        supportsZoneRedundancy(name),
        (await runResource(p, PLAN, mutate(plan, "sku", { name, capacity: 2 }))).messages,
      ]).toEqual([
        name,
        false,
        [
          `${PLAN} 'asp-acsplat-token-prod-weu' uses SKU '${name}', which cannot be zone-redundant (Premium v2/v3/v4 or Isolated v2 SKUs can).`,
        ],
      ]);
    }
    const elsewhere = mutate(mutate(plan, "location", "westcentralus"), "zoneRedundant", false);
    expect((await runResource(p, PLAN, elsewhere, { regionsWithoutZones: ["westcentralus"] })).messages).toEqual([]);
  });
});

describe("web-webapp-enable-always-on (Azure.AppService.AlwaysOn)", () => {
  const p = webWebappEnableAlwaysOn;
  const app = { name: "app-acsplat-token-prod-weu", kind: "app,linux", siteConfig: { alwaysOn: true } };
  it("passes a web app with Always On", async () => {
    expect((await runResource(p, WEB_APP, app)).messages).toEqual([]);
  });
  it("fails one without it", async () => {
    expect((await runResource(p, WEB_APP, mutate(app, "siteConfig.alwaysOn", false))).messages).toEqual([
      `${WEB_APP} 'app-acsplat-token-prod-weu' has siteConfig.alwaysOn false: App Service unloads it after idle time.`,
    ]);
  });
  it("leaves function apps out", async () => {
    expect((await runResource(p, WEB_APP, { kind: "functionapp,linux", siteConfig: {} })).messages).toEqual([]);
  });
});

describe("web-webapp-disallow-end-of-life-runtime: the .NET version (Azure.AppService.NETVersion)", () => {
  it.each([
    [{ linuxFxVersion: "NODE|22-lts", netFrameworkVersion: "v4.0" }, undefined],
    [{ linuxFxVersion: "NODE|22-lts" }, undefined],
    [{ netFrameworkVersion: "OFF" }, undefined],
    [{ netFrameworkVersion: "v8.0" }, undefined],
    [{ netFrameworkVersion: "v9.0" }, undefined],
    [{ linuxFxVersion: "DOTNETCORE|8.0" }, undefined],
    // The SDK's default: what the component sent before it stated v4.0.
    [{ linuxFxVersion: "NODE|22-lts", netFrameworkVersion: "v4.6" }, "netFrameworkVersion 'v4.6' is neither v4.0 nor v8.0 or later"],
    [{ netFrameworkVersion: "v6.0" }, "netFrameworkVersion 'v6.0' is neither v4.0 nor v8.0 or later"],
    [{ linuxFxVersion: "DOTNETCORE|6.0" }, "linuxFxVersion 'DOTNETCORE|6.0' is older than .NET 8.0"],
  ])("%j -> %s", (siteConfig, problem) => {
    expect(dotnetVersionProblem(siteConfig)).toBe(problem);
  });
  it("reports the SDK's default v4.6 on the web app", async () => {
    const r = await runResource(webWebappDisallowEndOfLifeRuntime, WEB_APP, {
      siteConfig: { linuxFxVersion: "NODE|22-lts", netFrameworkVersion: "v4.6" },
    });
    expect(r.messages).toEqual([
      `${WEB_APP} 'subject': netFrameworkVersion 'v4.6' is neither v4.0 nor v8.0 or later (PSRule Azure.AppService.NETVersion). ` +
        "Source: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.NETVersion/",
    ]);
  });
});
