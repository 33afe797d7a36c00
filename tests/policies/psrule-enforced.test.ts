// The PSRule for Azure rules the pack now enforces: for each, one change to prod's planned inputs that breaks the rule
// makes the offline plan exit 1, naming the policy and the PSRule id beside it; then each policy's own edge cases
// (NSG rule order and matching as PSRule evaluates it, PHP versions, every name limit at its bounds).
import { describe, expect, it } from "vitest";
import { azureResourceEnforceNameLimits } from "../../policies/azure-resource-enforce-name-limits";
import { networkNsgDisallowAnyInboundSource } from "../../policies/network-nsg-disallow-any-inbound-source";
import { networkNsgDisallowDenyAllInbound } from "../../policies/network-nsg-disallow-deny-all-inbound";
import { networkNsgDisallowLateralTraversal } from "../../policies/network-nsg-disallow-lateral-traversal";
import { networkVnetDisallowSingleDnsServer } from "../../policies/network-vnet-disallow-single-dns-server";
import { phpVersionOk, webWebappEnforceMinPhpVersion } from "../../policies/web-webapp-enforce-min-php-version";
import { monitorLogalertDisallowHighFrequency } from "../../policies/monitor-logalert-disallow-high-frequency";
import { renderText } from "../../tools/plan/formats/text";
import { buildReport } from "../../tools/plan/report-builder";
import type { PlanResult } from "../../tools/plan/types";
import { sharedPlan } from "../support/shared-plan";
import { runResource } from "./helpers";

type Inputs = Record<string, unknown>;

/** Prod's plan with one resource's inputs changed (a deep copy: the shared plan stays as it is). */
async function prodWith(name: string, change: (inputs: Inputs) => void): Promise<PlanResult> {
  const plan = structuredClone(await sharedPlan("prod"));
  const r = plan.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name} in prod`);
  change(r.inputs);
  return plan;
}
const siteConfig = (i: Inputs) => i["siteConfig"] as Inputs;
const rules = (i: Inputs) => i["securityRules"] as Inputs[];
const anyInbound = { name: "allow-any", access: "Allow", direction: "Inbound", priority: 200, sourceAddressPrefix: "*", protocol: "Tcp" };

/** [PSRule rule, its id, policy, severity, resource, the change, the message] */
const CASES: Array<[string, string, string, string, string, (i: Inputs) => void, string]> = [
  [
    "Azure.NSG.AnyInboundSource",
    "AZR-000137",
    "network-nsg-disallow-any-inbound-source",
    "critical",
    "acsplat-network-nsg-app",
    (i) => rules(i).push({ ...anyInbound }),
    "Network security group 'acsplat-network-nsg-app' allows inbound traffic from any source (sourceAddressPrefix '*') in rule(s) 'allow-any'.",
  ],
  [
    "Azure.NSG.DenyAllInbound",
    "AZR-000138",
    "network-nsg-disallow-deny-all-inbound",
    "medium",
    "acsplat-network-nsg-pep",
    (i) => rules(i).push({ ...anyInbound, name: "deny-all", access: "Deny", priority: 100 }),
    "Network security group 'acsplat-network-nsg-pep' denies all inbound traffic in its first inbound rule 'deny-all' (priority 100, source '*').",
  ],
  [
    "Azure.NSG.LateralTraversal",
    "AZR-000139",
    "network-nsg-disallow-lateral-traversal",
    "high",
    "acsplat-network-nsg-app",
    (i) => (i["securityRules"] = []),
    "Network security group 'acsplat-network-nsg-app' does not deny outbound RDP or SSH to VirtualNetwork (port 3389: default, port 22: default).",
  ],
  [
    "Azure.Alert.MetricAutoMitigate",
    "AZR-000491",
    "monitor-metricalert-enable-auto-mitigate",
    "medium",
    "acsplat-alerts-acsAuth5xx",
    (i) => (i["autoMitigate"] = false),
    "Metric alert 'acsplat-alerts-acsAuth5xx' has autoMitigate false; it must be true.",
  ],
  [
    "Azure.Alert.HighFrequencyQuery",
    "AZR-000492",
    "monitor-logalert-disallow-high-frequency",
    "low",
    "acsplat-alerts-tokenIssuanceFailuresLog",
    (i) => (i["evaluationFrequency"] = "PT1M"),
    "Log search alert 'acsplat-alerts-tokenIssuanceFailuresLog' is evaluated every minute (evaluationFrequency PT1M); use PT5M or longer.",
  ],
  [
    "Azure.AppInsights.Workspace",
    "AZR-000069",
    "monitor-appinsights-configure-workspace",
    "medium",
    "acsplat-observability-appinsights",
    (i) => delete i["workspaceResourceId"],
    "Application Insights 'acsplat-observability-appinsights' has no workspaceResourceId; it must store telemetry in a Log Analytics workspace.",
  ],
  [
    "Azure.AppService.HTTP2",
    "AZR-000078",
    "web-webapp-enable-http2",
    "low",
    "acsplat-token-api-app",
    (i) => (siteConfig(i)["http20Enabled"] = false),
    "Web app 'acsplat-token-api-app' has siteConfig.http20Enabled false; it must be true.",
  ],
  [
    "Azure.AppService.ARRAffinity",
    "AZR-000083",
    "web-webapp-disable-client-affinity",
    "low",
    "acsplat-token-api-app",
    (i) => (i["clientAffinityEnabled"] = true),
    "Web app 'acsplat-token-api-app' has clientAffinityEnabled true; it must be false.",
  ],
  [
    "Azure.AppService.PHPVersion",
    "AZR-000076",
    "web-webapp-enforce-min-php-version",
    "high",
    "acsplat-token-api-app",
    (i) => (siteConfig(i)["phpVersion"] = "8.1"),
    "Web app 'acsplat-token-api-app' runs PHP '8.1' (siteConfig.phpVersion); it must be 8.2 or later.",
  ],
  [
    "Azure.PublicIP.StandardSKU",
    "AZR-000158",
    "network-publicip-enforce-standard-sku",
    "high",
    "acsplat-network-pip-nat",
    (i) => (i["sku"] = { name: "Basic" }),
    "Public IP address 'acsplat-network-pip-nat' has sku.name 'Basic'; it must be Standard.",
  ],
  [
    "Azure.PublicIP.MigrateStandard",
    "AZR-000395",
    "network-publicip-enforce-standard-sku",
    "high",
    "acsplat-network-pip-nat",
    (i) => delete i["sku"],
    "Public IP address 'acsplat-network-pip-nat' has sku.name 'unset'; it must be Standard.",
  ],
  [
    "Azure.VNET.SingleDNS",
    "AZR-000264",
    "network-vnet-disallow-single-dns-server",
    "medium",
    "acsplat-network-vnet",
    (i) => (i["dhcpOptions"] = { dnsServers: ["10.20.0.4"] }),
    "Virtual network 'acsplat-network-vnet' has a single custom DNS server (10.20.0.4); list at least two or none.",
  ],
  [
    "Azure.Resource.UseTags",
    "AZR-000166",
    "azure-resource-missing-required-tags",
    "medium",
    "acsplat-network-nat",
    (i) => delete i["tags"],
    "Missing or empty required tags: env, owner, costCenter, dataClassification, service.",
  ],
  [
    "Azure.Group.Name",
    "AZR-000168",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-rg",
    (i) => (i["resourceGroupName"] = "rg-acsplat."),
    "resourceGroupName 'rg-acsplat.' breaks Azure's name limit (Azure.Group.Name): 1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period.",
  ],
  [
    "Azure.Identity.UserAssignedName",
    "AZR-000117",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-token-api-identity",
    (i) => (i["resourceName"] = "_id"),
    "resourceName '_id' breaks Azure's name limit (Azure.Identity.UserAssignedName): 3-128 letters, digits, hyphens and underscores, starting with a letter or digit.",
  ],
  [
    "Azure.NSG.Name",
    "AZR-000141",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-network-nsg-app",
    (i) => (i["networkSecurityGroupName"] = "nsg-app-"),
    "networkSecurityGroupName 'nsg-app-' breaks Azure's name limit (Azure.NSG.Name): 1-80 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore.",
  ],
  [
    "Azure.PublicIP.Name",
    "AZR-000155",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-network-pip-nat",
    (i) => (i["publicIpAddressName"] = "pip.nat."),
    "publicIpAddressName 'pip.nat.' breaks Azure's name limit (Azure.PublicIP.Name): 1-80 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore.",
  ],
  [
    "Azure.VNET.Name",
    "AZR-000268",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-network-vnet",
    (i) => (i["virtualNetworkName"] = "v"),
    "virtualNetworkName 'v' breaks Azure's name limit (Azure.VNET.Name): 2-64 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore.",
  ],
  [
    "Azure.VNET.SubnetName",
    "AZR-000267",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-network-snet-pep",
    (i) => (i["subnetName"] = "-snet"),
    "subnetName '-snet' breaks Azure's name limit (Azure.VNET.SubnetName): 1-80 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore.",
  ],
  [
    "Azure.PrivateEndpoint.Name",
    "AZR-000153",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-network-pep-vault",
    (i) => (i["privateEndpointName"] = "pep vault"),
    "privateEndpointName 'pep vault' breaks Azure's name limit (Azure.PrivateEndpoint.Name): 2-64 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore.",
  ],
  [
    "Azure.AppInsights.Name",
    "AZR-000070",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-observability-appinsights",
    (i) => (i["resourceName"] = "appi-acsplat."),
    "resourceName 'appi-acsplat.' breaks Azure's name limit (Azure.AppInsights.Name): 1-255 letters, digits, periods, underscores, hyphens and parentheses, not ending with a period.",
  ],
  [
    "Azure.KeyVault.Name",
    "AZR-000120",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-secrets-vault",
    (i) => (i["vaultName"] = "1kv-acsplat"),
    "vaultName '1kv-acsplat' breaks Azure's name limit (Azure.KeyVault.Name): 3-24 letters, digits and hyphens, starting with a letter and ending alphanumeric.",
  ],
  [
    "Azure.KeyVault.SecretName",
    "AZR-000121",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-secrets-acs-connection-string",
    (i) => (i["secretName"] = "acs_connection_string"),
    "secretName 'acs_connection_string' breaks Azure's name limit (Azure.KeyVault.SecretName): 1-127 letters, digits and hyphens.",
  ],
  [
    "Azure.Storage.Name",
    "AZR-000201",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-events-storage",
    (i) => (i["accountName"] = "stAcsplatEvents"),
    "accountName 'stAcsplatEvents' breaks Azure's name limit (Azure.Storage.Name): 3-24 lower-case letters and digits.",
  ],
  [
    "Azure.Log.Name",
    "AZR-000486",
    "azure-resource-enforce-name-limits",
    "medium",
    "acsplat-observability-workspace",
    (i) => (i["workspaceName"] = "log"),
    "workspaceName 'log' breaks Azure's name limit (Azure.Log.Name): 4-63 letters, digits and hyphens, starting and ending alphanumeric.",
  ],
];

describe("a change that breaks a newly enforced PSRule rule fails prod's plan, naming the policy and the rule", () => {
  it.each(CASES)("%s (%s): %s", async (rule, ref, policy, severity, resource, change, message) => {
    const report = await buildReport(await prodWith(resource, change), { exceptions: [] });
    expect(report.exitCode).toBe(1);
    const mine = report.policy.results.filter((r) => r.policy === policy);
    expect(mine.map((r) => [r.level, r.urn?.split("::").pop(), r.message])).toEqual([["mandatory", resource, message]]);
    const header = renderText(report)
      .split("\n")
      .find((l) => l.startsWith(`  [mandatory] ${policy} (${severity}) [PSRule `));
    expect(header).toContain(`${rule} ${ref}`);
  });
  it("prod and dev pass every one of them as planned", async () => {
    const policies = new Set(CASES.map((c) => c[2]));
    for (const stack of ["dev", "prod"] as const) {
      const report = await buildReport(await sharedPlan(stack), { exceptions: [] });
      expect(report.policy.results.filter((r) => policies.has(r.policy))).toEqual([]);
    }
  });
});

const NSG = "azure-native:network:NetworkSecurityGroup";
const rule = (over: Inputs): Inputs => ({
  name: "r",
  access: "Allow",
  direction: "Inbound",
  priority: 100,
  sourceAddressPrefix: "10.0.0.0/8",
  ...over,
});
const denyRdp = rule({
  name: "deny-rdp",
  access: "Deny",
  direction: "Outbound",
  priority: 4000,
  destinationAddressPrefix: "VirtualNetwork",
  destinationPortRange: "3389",
});

describe("the NSG policies read the rules as PSRule does", () => {
  it("any inbound source: only Allow with sourceAddressPrefix '*' counts (Deny, outbound and service tags pass)", async () => {
    const p = networkNsgDisallowAnyInboundSource;
    const pass = [
      rule({ access: "Deny", sourceAddressPrefix: "*" }),
      rule({ direction: "Outbound", sourceAddressPrefix: "*" }),
      rule({ sourceAddressPrefix: "Internet" }),
    ];
    expect((await runResource(p, NSG, { securityRules: pass })).messages).toEqual([]);
    expect((await runResource(p, NSG, { securityRules: [rule({ access: "allow", sourceAddressPrefix: "*" })] })).messages).toHaveLength(1);
    expect((await runResource(p, "azure-native:network:Subnet", {})).notApplicable).toBe(true);
  });
  it("deny all inbound: only when the deny-all rule is evaluated first", async () => {
    const p = networkNsgDisallowDenyAllInbound;
    const denyAll = rule({ name: "deny-all", access: "Deny", sourceAddressPrefix: "*", priority: 4096 });
    expect(
      (
        await runResource(p, NSG, {
          securityRules: [denyAll, rule({ name: "allow-lb", sourceAddressPrefix: "AzureLoadBalancer", priority: 100 })],
        })
      ).messages,
    ).toEqual([]);
    expect((await runResource(p, NSG, { securityRules: [denyAll] })).messages).toEqual([
      "Network security group 'subject' denies all inbound traffic in its first inbound rule 'deny-all' (priority 4096, source '*').",
    ]);
  });
  it("lateral traversal: one of RDP or SSH denied is enough; the first matching rule decides; a port range does not match", async () => {
    const p = networkNsgDisallowLateralTraversal;
    expect((await runResource(p, NSG, { securityRules: [denyRdp] })).messages).toEqual([]);
    const allowFirst = rule({
      name: "allow-all-out",
      direction: "Outbound",
      priority: 100,
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
    });
    expect((await runResource(p, NSG, { securityRules: [denyRdp, allowFirst] })).messages).toEqual([
      "Network security group 'subject' does not deny outbound RDP or SSH to VirtualNetwork (port 3389: allow, port 22: allow).",
    ]);
    const range = { ...denyRdp, destinationPortRange: "3000-4000" };
    expect((await runResource(p, NSG, { securityRules: [range] })).messages).toHaveLength(1);
    const plural = { ...denyRdp, destinationPortRange: undefined, destinationPortRanges: ["22", "3389"], destinationAddressPrefix: "*" };
    expect((await runResource(p, NSG, { securityRules: [plural] })).messages).toEqual([]);
  });
  it("single DNS server: none or two pass", async () => {
    const p = networkVnetDisallowSingleDnsServer;
    const VNET = "azure-native:network:VirtualNetwork";
    expect((await runResource(p, VNET, {})).messages).toEqual([]);
    expect((await runResource(p, VNET, { dhcpOptions: { dnsServers: [] } })).messages).toEqual([]);
    expect((await runResource(p, VNET, { dhcpOptions: { dnsServers: ["10.0.0.4", "10.0.0.5"] } })).messages).toEqual([]);
  });
  it("log alert frequency: only PT1M fails", async () => {
    const SQR = "azure-native:monitor:ScheduledQueryRule";
    for (const f of ["PT5M", "PT15M", undefined]) {
      expect((await runResource(monitorLogalertDisallowHighFrequency, SQR, f ? { evaluationFrequency: f } : {})).messages).toEqual([]);
    }
  });
});

describe("PHP versions", () => {
  it.each([
    ["8.2", true],
    ["8.3.1", true],
    ["9", true],
    ["8.1", false],
    ["7.4", false],
    ["latest", false],
  ] as const)("%s -> %s", (v, ok) => {
    expect(phpVersionOk(v)).toBe(ok);
  });
  it("reads linuxFxVersion PHP|x first, ignores OFF and other stacks", async () => {
    const p = webWebappEnforceMinPhpVersion;
    const WEB = "azure-native:web:WebApp";
    expect((await runResource(p, WEB, { siteConfig: { linuxFxVersion: "PHP|8.1" } })).messages).toEqual([
      "Web app 'subject' runs PHP '8.1' (siteConfig.linuxFxVersion); it must be 8.2 or later.",
    ]);
    expect((await runResource(p, WEB, { siteConfig: { linuxFxVersion: "PHP|8.3" } })).messages).toEqual([]);
    expect((await runResource(p, WEB, { siteConfig: { phpVersion: "OFF" } })).messages).toEqual([]);
    expect((await runResource(p, WEB, { siteConfig: { linuxFxVersion: "NODE|22-lts" } })).messages).toEqual([]);
  });
});

describe("name limits at their bounds", () => {
  const p = azureResourceEnforceNameLimits;
  it.each([
    ["azure-native:storage:StorageAccount", "accountName", "abc", "a".repeat(24), "ab", "a".repeat(25)],
    ["azure-native:keyvault:Vault", "vaultName", "kv1", "k".repeat(24), "kv", "k".repeat(25)],
    ["azure-native:operationalinsights:Workspace", "workspaceName", "log1", "l".repeat(63), "log", "l".repeat(64)],
    ["azure-native:network:VirtualNetwork", "virtualNetworkName", "vn", "v".repeat(64), "v", "v".repeat(65)],
    ["azure-native:resources:ResourceGroup", "resourceGroupName", "r", "r".repeat(90), "r.", "r".repeat(91)],
    ["azure-native:keyvault:Secret", "secretName", "s", "s".repeat(127), "s_1", "s".repeat(128)],
  ])("%s %s: %s and the longest pass, %s and one over fail", async (type, input, shortest, longest, bad, tooLong) => {
    for (const ok of [shortest, longest]) expect((await runResource(p, type, { [input]: ok })).messages).toEqual([]);
    for (const no of [bad, tooLong]) expect((await runResource(p, type, { [input]: no })).messages).toHaveLength(1);
  });
  it("is not applicable without a declared name or for a type without a limit", async () => {
    expect((await runResource(p, "azure-native:storage:StorageAccount", {})).notApplicable).toBe(true);
    expect((await runResource(p, "azure-native:monitor:ActionGroup", { actionGroupName: "x" })).notApplicable).toBe(true);
  });
});
