// The PSRule for Azure mapping (policies/psrule.ts) against the stacks and the pack: every ARM type the stacks declare
// is reviewed (a Default rule targets it, or it is listed with zero rules), every mapped policy is in the pack, a rule
// the pack covers only with an advisory policy in prod says why, and the tags rule's selector finds no declared type
// the tags policy skips.
import { describe, expect, it } from "vitest";
import { armType, AZURE_TYPES, azureType } from "../../policies/azure-types";
import { POLICY_EXCEPTIONS } from "../../policies/exceptions";
import { allPolicies } from "../../policies/policies";
import { PSRULE_RULES, psRuleUrl, TYPES_WITHOUT_DEFAULT_RULES } from "../../policies/psrule";
import { loadPolicyConfig } from "../../tools/plan/policy-runner";
import { defaultPolicyConfig } from "../../tools/plan/report-builder";
import { sharedPlan } from "../support/shared-plan";

/** The ARM types of the Azure resources both stacks declare, each with the stacks that declare it. */
async function declaredArmTypes(): Promise<Map<string, string[]>> {
  const types = new Map<string, string[]>();
  for (const stack of ["dev", "prod"] as const) {
    for (const r of (await sharedPlan(stack)).resources) {
      if (!r.custom || !r.type.startsWith("azure-native:")) continue;
      const t = azureType(r.type);
      if (!t) throw new Error(`${r.type} is not in policies/azure-types.ts`);
      const arm = armType(t);
      types.set(arm, [...new Set([...(types.get(arm) ?? []), stack])]);
    }
  }
  return types;
}

/** Types a rule targets by type (the generic selector rules target every type and review none). */
const TARGETED = new Set(PSRULE_RULES.filter((r) => r.selector === undefined).flatMap((r) => r.armTypes));

describe("the catalog's ARM types", () => {
  it.each([
    ["azure-native:resources:ResourceGroup", "Microsoft.Resources/resourceGroups"],
    ["azure-native:storage:StorageAccount", "Microsoft.Storage/storageAccounts"],
    ["azure-native:storage:BlobContainer", "Microsoft.Storage/storageAccounts/blobServices/containers"],
    ["azure-native:web:WebAppFtpAllowed", "Microsoft.Web/sites/basicPublishingCredentialsPolicies"],
    ["azure-native:network:Subnet", "Microsoft.Network/virtualNetworks/subnets"],
    ["azure-native:monitor:DiagnosticSetting", "Microsoft.Insights/diagnosticSettings"],
    ["azure-native:communication:SenderUsername", "Microsoft.Communication/emailServices/domains/senderUsernames"],
  ] as const)("%s is %s", (token, arm) => {
    expect(armType(AZURE_TYPES[token])).toBe(arm);
  });
});

describe("every ARM type the stacks declare is reviewed against the Default baseline", () => {
  it("a Default rule targets it, or it is listed as reviewed with zero rules", async () => {
    const unreviewed = [...(await declaredArmTypes()).entries()]
      .filter(([arm]) => !TARGETED.has(arm) && !Object.hasOwn(TYPES_WITHOUT_DEFAULT_RULES, arm))
      .map(([arm, stacks]) => `${arm} (${stacks.join(", ")})`);
    expect(unreviewed).toEqual([]);
  });
  it("a type listed with zero rules is in the catalog and no rule targets it", () => {
    // In the catalog, not necessarily declared today: a sender username exists only with a custom sender in config.
    const catalog = new Set(Object.values(AZURE_TYPES).map((t) => armType(t)));
    for (const arm of Object.keys(TYPES_WITHOUT_DEFAULT_RULES)) {
      expect([arm, catalog.has(arm), TARGETED.has(arm)]).toEqual([arm, true, false]);
    }
  });
  it("a rule not applicable for want of a type stays so: no stack declares that type", async () => {
    const declared = await declaredArmTypes();
    const broken = PSRULE_RULES.flatMap((r) =>
      r.coverage.kind === "not-applicable"
        ? (r.coverage.whileAbsent ?? []).filter((t) => declared.has(t)).map((t) => `${r.name}: ${t}`)
        : [],
    );
    expect(broken).toEqual([]);
  });
  it("every rule is listed once, with its id, and targets a declared type or is generic", async () => {
    const declared = await declaredArmTypes();
    expect(new Set(PSRULE_RULES.map((r) => r.name)).size).toBe(PSRULE_RULES.length);
    expect(new Set(PSRULE_RULES.map((r) => r.ref)).size).toBe(PSRULE_RULES.length);
    for (const r of PSRULE_RULES) {
      expect([r.name, /^AZR-\d{6}$/.test(r.ref)]).toEqual([r.name, true]);
      expect([r.name, r.selector !== undefined || r.armTypes.some((t) => declared.has(t))]).toEqual([r.name, true]);
    }
  });
});

describe("the mapping and the pack", () => {
  it("every mapped policy is a policy of the pack", () => {
    const names = new Set(allPolicies.map((p) => p.name));
    const missing = PSRULE_RULES.flatMap((r) => (r.coverage.kind === "policy" ? r.coverage.policies : [])).filter((p) => !names.has(p));
    expect([...new Set(missing)].sort()).toEqual([]);
  });
  // The names are checked here rather than typed as a union: the policies' objects are typed `name: string`, and
  // policies.ts imports exceptions.ts, so a name type derived from the pack would need every policy file to keep its
  // literal name.
  it("every reviewed exception names a policy of the pack", () => {
    const names = new Set(allPolicies.map((p) => p.name));
    expect(POLICY_EXCEPTIONS.map((e) => e.policy).filter((p) => !names.has(p))).toEqual([]);
  });
  it("a rule covered only by policies that are advisory in prod says why", () => {
    const prod = loadPolicyConfig(defaultPolicyConfig("prod")).config;
    const unexplained = PSRULE_RULES.filter(
      (r) =>
        r.coverage.kind === "policy" &&
        r.coverage.advisoryWhy === undefined &&
        r.coverage.policies.every((p) => prod.get(p)?.enforcementLevel === "advisory"),
    ).map((r) => r.name);
    expect(unexplained).toEqual([]);
  });
  it("an exception's PSRule rule is in the mapping, covered by the exception's policy", () => {
    for (const e of POLICY_EXCEPTIONS.filter((x) => x.psRule !== undefined)) {
      const rule = PSRULE_RULES.find((r) => r.name === e.psRule);
      expect([e.psRule, rule?.coverage.kind === "policy" && rule.coverage.policies.includes(e.policy)]).toEqual([e.psRule, true]);
    }
  });
  it("Azure.Resource.UseTags is enforced in full: every declared type its selector picks is taggable in the catalog", async () => {
    // Azure.Resource.SupportsTags (src/PSRule.Rules.Azure/rules/Common.Selector.Rule.yaml): two-segment Microsoft.*
    // types, without Microsoft.Authorization/* (but for resourceManagementPrivateLinks), Microsoft.CostManagement/*,
    // Microsoft.Resources/* other than resourceGroups, Microsoft.Insights/* other than its allow-list.
    const INSIGHTS = ["actionGroups", "components", "metricAlerts", "scheduledQueryRules", "activityLogAlerts", "webTests"];
    const selects = (arm: string): boolean => {
      const [ns, ...types] = arm.split("/");
      if (!ns!.startsWith("Microsoft.") || types.length !== 1) return false;
      if (ns === "Microsoft.Authorization" || ns === "Microsoft.CostManagement") return false;
      if (ns === "Microsoft.Resources") return types[0] === "resourceGroups";
      if (ns === "Microsoft.Insights") return INSIGHTS.includes(types[0]!);
      return true;
    };
    const taggableArm = new Set(
      Object.values(AZURE_TYPES)
        .filter((t) => "taggable" in t && t.taggable === true)
        .map((t) => armType(t)),
    );
    const untagged = [...(await declaredArmTypes()).keys()].filter((arm) => selects(arm) && !taggableArm.has(arm));
    expect(untagged).toEqual([]);
    expect(PSRULE_RULES.find((r) => r.name === "Azure.Resource.UseTags")?.coverage).toEqual({
      kind: "policy",
      policies: ["azure-resource-missing-required-tags"],
    });
  });
  it("links each rule to its page on the PSRule for Azure site", () => {
    expect(psRuleUrl("Azure.AppInsights.LocalAuth")).toBe(
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppInsights.LocalAuth/",
    );
  });
});
