// Pure helpers of the core components: diagnostic-setting inputs, Key Vault network rules, email domain names
// and the DNS record list operators hand to their DNS admin.
import { describe, expect, it } from "vitest";
import { diagnosticSettingInputs } from "../../../components/common/diagnostics";
import { vaultNetworkAcls } from "../../../components/secret-store";
import { dnsRecordList, emailDomainResourceName } from "../../../components/communication-services";

describe("diagnosticSettingInputs", () => {
  it.each([
    [{ workspaceId: "ws" }, [{ categoryGroup: "allLogs", enabled: true }], [{ category: "AllMetrics", enabled: true }]],
    [
      { workspaceId: "ws", logCategoryGroups: ["audit"] },
      [{ categoryGroup: "audit", enabled: true }],
      [{ category: "AllMetrics", enabled: true }],
    ],
    [
      { workspaceId: "ws", logCategories: ["AppServiceHTTPLogs", "AppServiceConsoleLogs"], metrics: false },
      [
        { category: "AppServiceHTTPLogs", enabled: true },
        { category: "AppServiceConsoleLogs", enabled: true },
      ],
      [],
    ],
    [
      { workspaceId: "ws", logCategories: [], logCategoryGroups: ["audit", "allLogs"] },
      [
        { categoryGroup: "audit", enabled: true },
        { categoryGroup: "allLogs", enabled: true },
      ],
      [{ category: "AllMetrics", enabled: true }],
    ],
  ])("%j", (args, logs, metrics) => {
    expect(diagnosticSettingInputs(args)).toEqual({ logs, metrics });
  });
});

describe("vaultNetworkAcls", () => {
  it.each<["Enabled" | "Disabled", string[], string, Array<{ value: string }>]>([
    ["Disabled", [], "Deny", []],
    ["Disabled", ["203.0.113.0/24"], "Deny", [{ value: "203.0.113.0/24" }]],
    ["Enabled", [], "Allow", []],
    // A bare address is sent as the /32 Key Vault stores and returns (azurerm#2164), so a refresh shows no change.
    ["Enabled", ["203.0.113.7", "198.51.100.0/24"], "Deny", [{ value: "203.0.113.7/32" }, { value: "198.51.100.0/24" }]],
    ["Enabled", ["198.51.100.9/32"], "Deny", [{ value: "198.51.100.9/32" }]],
  ])("public %s with %j -> default %s", (access, ranges, defaultAction, ipRules) => {
    expect(vaultNetworkAcls(access, ranges)).toEqual({ bypass: "AzureServices", defaultAction, ipRules });
  });
});

describe("email domains", () => {
  it("names the Azure-managed domain AzureManagedDomain and a customer domain by its DNS name", () => {
    expect(emailDomainResourceName({ kind: "AzureManaged" })).toBe("AzureManagedDomain");
    expect(emailDomainResourceName({ kind: "CustomerManaged", domainName: "notify.contoso.com" })).toBe("notify.contoso.com");
  });

  it("lists verification records in the order a DNS admin adds them, skipping absent ones", () => {
    const txt = (value: string) => ({ type: "TXT", name: "@", value, ttl: 3600 });
    expect(
      dnsRecordList("notify.contoso.com", { dMARC: txt("v=DMARC1"), domain: txt("ms-domain-verification=1"), sPF: txt("v=spf1") }),
    ).toEqual([
      { domain: "notify.contoso.com", purpose: "Domain", type: "TXT", name: "@", value: "ms-domain-verification=1", ttl: 3600 },
      { domain: "notify.contoso.com", purpose: "SPF", type: "TXT", name: "@", value: "v=spf1", ttl: 3600 },
      { domain: "notify.contoso.com", purpose: "DMARC", type: "TXT", name: "@", value: "v=DMARC1", ttl: 3600 },
    ]);
    expect(dnsRecordList("x", undefined)).toEqual([]);
  });
});
