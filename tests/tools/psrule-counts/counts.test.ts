// The PSRule counts of a stack from the mapping and a plan's results: a rule applies when it targets a declared type
// (or is generic), fails on a result of its policy on a resource of its type, is excepted when only excepted results
// remain, is unchecked when its policy is not in the pack, and is enforced only by a mandatory policy.
import { describe, expect, it } from "vitest";
import type { PsRule } from "../../../policies/psrule";
import { psRuleCounts } from "../../../tools/psrule-counts/counts";

const rule = (name: string, armTypes: string[], policies: string[], over: Partial<PsRule> = {}): PsRule => ({
  name,
  ref: "AZR-000000",
  armTypes,
  severity: "Important",
  pillar: "Security",
  source: "s",
  coverage: { kind: "policy", policies },
  ...over,
});
const RULES: PsRule[] = [
  rule("Storage.Name", ["Microsoft.Storage/storageAccounts"], ["names"]),
  rule("Vault.Name", ["Microsoft.KeyVault/vaults"], ["names"]),
  rule("Storage.MinTLS", ["Microsoft.Storage/storageAccounts"], ["tls"]),
  rule("Storage.LocalAuth", ["Microsoft.Storage/storageAccounts"], ["shared-key"]),
  rule("Vault.Purge", ["Microsoft.KeyVault/vaults"], ["purge"]),
  rule("UseTags", ["*"], ["tags"], { selector: "Azure.Resource.SupportsTags" }),
  rule("VNET.Name", ["Microsoft.Network/virtualNetworks"], ["names"]),
  rule("NSG.Associated", ["Microsoft.Network/networkSecurityGroups"], [], {
    coverage: { kind: "not-applicable", why: "export only", source: "s" },
  }),
];
const urn = (type: string, name: string) => `urn:pulumi:prod::acs-platform::${type}::${name}`;
const ST = urn("azure-native:storage:StorageAccount", "st");
const KV = urn("azure-native:keyvault:Vault", "kv");
const resources = [
  { urn: ST, type: "azure-native:storage:StorageAccount" },
  { urn: KV, type: "azure-native:keyvault:Vault" },
];
const levels = new Map([
  ["names", "mandatory"],
  ["tls", "mandatory"],
  ["purge", "advisory"],
  ["tags", "mandatory"],
]);

describe("psRuleCounts", () => {
  it("attributes a result to the rules of its policy that target the resource's type, and counts the rest", () => {
    const c = psRuleCounts({
      stack: "prod",
      rules: RULES,
      resources,
      results: [{ policy: "names", urn: ST }],
      excepted: [{ policy: "tls", urn: ST }],
      levels,
    });
    expect(c).toEqual({
      stack: "prod",
      applicable: 6,
      pass: 3,
      fail: 1,
      excepted: 1,
      unchecked: 1,
      enforced: 4,
      notApplicable: 2,
      failing: ["Storage.Name"],
      exceptedRules: ["Storage.MinTLS"],
      uncheckedRules: ["Storage.LocalAuth"],
      notEnforced: ["Storage.LocalAuth", "Vault.Purge"],
    });
  });
  it("a generic rule fails on its policy's result on any type; an unexcepted result beats an excepted one", () => {
    const c = psRuleCounts({
      stack: "prod",
      rules: RULES,
      resources,
      results: [
        { policy: "tags", urn: KV },
        { policy: "tls", urn: ST },
      ],
      excepted: [{ policy: "tls", urn: ST }],
      levels,
    });
    expect([c.failing, c.exceptedRules]).toEqual([["Storage.MinTLS", "UseTags"], []]);
  });
});
