// The PSRule for Azure rules of issue #29's second half on the real stacks: prod has no unrecorded failure (its three
// violations, Azure.Log.Replication and the package account's Azure.Storage.LocalAuth and Azure.Storage.Firewall, are
// reviewed exceptions), dev's failures are exactly its recorded trade-offs, and
// each rule, broken again in prod by a stack-file copy or by the input the program sent before its fix, makes the
// plan fail (exit 1) naming the policy that enforces it; the mapping names the PSRule rule beside the policy.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POLICY_EXCEPTIONS } from "../../policies/exceptions";
import { PSRULE_RULES } from "../../policies/psrule";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../tools/plan/harness";
import { applyExceptions, exitCodeFor, loadPolicyConfig, runPolicies } from "../../tools/plan/policy-runner";
import type { PlannedResource, PlanResult } from "../../tools/plan/types";
import { only } from "../support/plan";
import { sharedPlan } from "../support/shared-plan";
import { stackFileCopy } from "../support/stack-files";

let dev: PlanResult;
let prod: PlanResult;

beforeAll(async () => {
  dev = await sharedPlan("dev");
  prod = await sharedPlan("prod");
});

const configOf = (stack: string) => loadPolicyConfig(path.join(DEFAULT_PROJECT_ROOT, "policies/config", `${stack}.json`)).config;

/** The plan's verdict as `npm run plan` counts it: mandatory results left after the committed exceptions, excepted ones apart. */
async function verdict(plan: PlanResult, stack = plan.stack) {
  const run = await runPolicies(plan, configOf(stack));
  const split = applyExceptions(stack, run.results, POLICY_EXCEPTIONS);
  const names = new Map(plan.resources.map((r) => [r.urn, r.name]));
  const row = (r: { policy: string; urn?: string }) => `${r.policy} | ${names.get(r.urn ?? "") ?? "(stack)"}`;
  return {
    mandatory: split.results.filter((r) => r.level === "mandatory").map(row),
    excepted: split.excepted.map((r) => `${row(r)} | ${r.exception.psRule ?? ""}`),
    stale: split.stale.map((s) => `${s.exception.policy} ${s.resource}`),
    exit: exitCodeFor(split.results),
  };
}

/** A deep copy of `plan` with `change` applied to the one resource of `type` (named `name`, when given). */
function mutated(plan: PlanResult, type: string, change: (r: PlannedResource) => void, name?: string): PlanResult {
  const copy = structuredClone(plan);
  change(only(copy, type, name));
  return copy;
}

/** The PSRule rule the mapping (policies/psrule.ts) says a policy enforces. */
const rulesOf = (policy: string) =>
  PSRULE_RULES.filter((r) => r.coverage.kind === "policy" && r.coverage.policies.includes(policy)).map((r) => `${r.name} (${r.ref})`);

describe("the stacks as they are", () => {
  it("prod: no mandatory result; its excepted violations are the workspace's replication and the package account's", async () => {
    expect(await verdict(prod)).toEqual({
      mandatory: [],
      excepted: [
        "loganalytics-workspace-enable-replication | acsplat-observability-workspace | Azure.Log.Replication",
        "storage-account-configure-public-network-access | acsplat-token-api-packages | Azure.Storage.Firewall",
        "storage-account-disable-shared-key-access | acsplat-token-api-packages | Azure.Storage.LocalAuth",
      ],
      stale: [],
      exit: 0,
    });
  });

  it("dev: no mandatory result; its failures are exactly its recorded trade-offs", async () => {
    expect(await verdict(dev)).toEqual({
      mandatory: [],
      excepted: [
        "loganalytics-workspace-enable-replication | acsplat-observability-workspace | Azure.Log.Replication",
        "keyvault-vault-enable-purge-protection | acsplat-secrets-vault | Azure.KeyVault.PurgeProtect",
        "keyvault-vault-configure-public-network-access | acsplat-secrets-vault | Azure.KeyVault.Firewall",
        "web-appserviceplan-enforce-minimum-tier | acsplat-token-api-plan | Azure.AppService.MinPlan",
        "web-appserviceplan-configure-instance-count | acsplat-token-api-plan | Azure.AppService.PlanInstanceCount",
        "web-appserviceplan-enable-zone-redundancy | acsplat-token-api-plan | Azure.AppService.AvailabilityZone",
        "web-appserviceplan-enable-zone-redundancy | acsplat-token-api-plan | Azure.AppService.AvailabilityZone",
        "storage-account-configure-public-network-access | acsplat-token-api-packages | Azure.Storage.Firewall",
        "storage-account-disable-shared-key-access | acsplat-token-api-packages | Azure.Storage.LocalAuth",
        "storage-account-configure-replication | acsplat-token-api-packages | Azure.Storage.UseReplication",
        "storage-account-configure-public-network-access | acsplat-events-storage | Azure.Storage.Firewall",
        "storage-account-configure-replication | acsplat-events-storage | Azure.Storage.UseReplication",
        "storage-account-configure-public-network-access | acsplat-token-api-data | Azure.Storage.Firewall",
        "storage-account-configure-replication | acsplat-token-api-data | Azure.Storage.UseReplication",
        "storage-account-configure-public-network-access | acsplat-chat-archive-storage | Azure.Storage.Firewall",
        "storage-account-configure-replication | acsplat-chat-archive-storage | Azure.Storage.UseReplication",
        "web-webapp-enable-always-on | acsplat-token-api-app | Azure.AppService.AlwaysOn",
      ],
      stale: [],
      exit: 0,
    });
  });

  it("without its exception, prod fails on the workspace's replication", async () => {
    const run = await runPolicies(prod, configOf("prod"));
    const split = applyExceptions(
      "prod",
      run.results,
      POLICY_EXCEPTIONS.filter((e) => e.policy !== "loganalytics-workspace-enable-replication"),
    );
    expect([split.results.filter((r) => r.level === "mandatory").map((r) => r.policy), exitCodeFor(split.results)]).toEqual([
      ["loganalytics-workspace-enable-replication"],
      1,
    ]);
  });
});

describe("each rule, broken again in prod, fails the plan naming its policy", () => {
  const APP_INSIGHTS = "azure-native:applicationinsights:Component";
  const cases: Array<[string, string, () => PlanResult, string[]]> = [
    [
      "Azure.AppInsights.LocalAuth (AZR-000484)",
      "the component without disableLocalAuth",
      () => mutated(prod, APP_INSIGHTS, (c) => delete c.inputs["disableLocalAuth"]),
      ["monitor-appinsights-disable-local-auth | acsplat-observability-appinsights"],
    ],
    [
      "Azure.VNET.PrivateSubnet (AZR-000447)",
      "the endpoint subnet without defaultOutboundAccess: false",
      () => mutated(prod, "azure-native:network:Subnet", (s) => delete s.inputs["defaultOutboundAccess"], "acsplat-network-snet-pep"),
      ["network-subnet-disable-default-outbound-access | acsplat-network-snet-pep"],
    ],
    [
      "Azure.AppService.NETVersion (AZR-000075)",
      "the SDK's default netFrameworkVersion v4.6",
      () =>
        mutated(prod, "azure-native:web:WebApp", (a) => {
          (a.inputs["siteConfig"] as Record<string, unknown>)["netFrameworkVersion"] = "v4.6";
        }),
      ["web-webapp-disallow-end-of-life-runtime | acsplat-token-api-app"],
    ],
    [
      "Azure.PublicIP.AvailabilityZone (AZR-000157)",
      "the NAT public IP without zones",
      () => mutated(prod, "azure-native:network:PublicIPAddress", (ip) => delete ip.inputs["zones"]),
      ["network-publicip-configure-zones | acsplat-network-pip-nat"],
    ],
    [
      "Azure.AppService.PlanInstanceCount (AZR-000071)",
      "one instance",
      () => mutated(prod, "azure-native:web:AppServicePlan", (p) => ((p.inputs["sku"] as Record<string, unknown>)["capacity"] = 1)),
      ["web-appserviceplan-configure-instance-count | acsplat-token-api-plan"],
    ],
    [
      "Azure.AppService.AlwaysOn (AZR-000077)",
      "Always On off",
      () =>
        mutated(prod, "azure-native:web:WebApp", (a) => {
          (a.inputs["siteConfig"] as Record<string, unknown>)["alwaysOn"] = false;
        }),
      ["web-webapp-enable-always-on | acsplat-token-api-app"],
    ],
    [
      "Azure.KeyVault.PurgeProtect (AZR-000125)",
      "the vault without purge protection",
      () =>
        mutated(prod, "azure-native:keyvault:Vault", (v) => {
          (v.inputs["properties"] as Record<string, unknown>)["enablePurgeProtection"] = false;
        }),
      ["keyvault-vault-enable-purge-protection | acsplat-secrets-vault"],
    ],
    [
      "Azure.KeyVault.Firewall (AZR-000355)",
      "the vault open to every network",
      () =>
        mutated(prod, "azure-native:keyvault:Vault", (v) => {
          (v.inputs["properties"] as { networkAcls: Record<string, unknown> }).networkAcls["defaultAction"] = "Allow";
        }),
      ["keyvault-vault-configure-public-network-access | acsplat-secrets-vault"],
    ],
  ];
  it.each(cases)("%s: %s", async (rule, _what, plan, rows) => {
    const v = await verdict(plan(), "prod");
    expect([v.mandatory, v.exit]).toEqual([rows, 1]);
    expect(rulesOf(rows[0]!.split(" | ")[0]!)).toContain(rule);
  });

  it("Azure.AppService.MinPlan (AZR-000072) and AvailabilityZone (AZR-000442): a copy of Pulumi.prod.yaml on B1", async () => {
    const file = stackFileCopy(
      "prod",
      (c) => void (c["acs-platform:tokenApi"].plan = { skuName: "B1", instanceCount: 2, zoneRedundant: false }),
    );
    const v = await verdict(await evaluateStack({ stack: "prod", configFile: file }));
    expect([v.mandatory, v.exit]).toEqual([
      [
        "web-appserviceplan-enforce-minimum-tier | acsplat-token-api-plan",
        "web-appserviceplan-enable-zone-redundancy | acsplat-token-api-plan",
        "web-appserviceplan-enable-zone-redundancy | acsplat-token-api-plan",
      ],
      1,
    ]);
    expect(rulesOf("web-appserviceplan-enforce-minimum-tier")).toEqual(["Azure.AppService.MinPlan (AZR-000072)"]);
    expect(rulesOf("web-appserviceplan-enable-zone-redundancy")).toEqual(["Azure.AppService.AvailabilityZone (AZR-000442)"]);
  });
});
