// The PSRule for Azure storage rules on the real stacks: prod passes Firewall, LocalAuth, SoftDelete,
// ContainerSoftDelete and UseReplication with no unrecorded failure, dev's failures are exactly its recorded
// exceptions, and each rule comes back as a mandatory result (a plan that exits 1) naming its policy when a copy of a
// stack file, or the recorded plan with one input changed, breaks it.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POLICY_EXCEPTIONS } from "../../policies/exceptions";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../tools/plan/harness";
import { renderText } from "../../tools/plan/formats/text";
import { applyExceptions, exitCodeFor, loadPolicyConfig, runPolicies } from "../../tools/plan/policy-runner";
import { buildReport } from "../../tools/plan/report-builder";
import type { PlanResult } from "../../tools/plan/types";
import { ofType, only } from "../support/plan";
import { sharedPlan } from "../support/shared-plan";
import { stackFileCopy } from "../support/stack-files";

const STORAGE_POLICIES = new Set([
  "storage-account-configure-public-network-access",
  "storage-account-disable-shared-key-access",
  "storage-account-enable-soft-delete",
  "storage-account-configure-replication",
]);
const ACCOUNT = "azure-native:storage:StorageAccount";
const BLOB_SERVICE = "azure-native:storage:BlobServiceProperties";

let dev: PlanResult;
let prod: PlanResult;

beforeAll(async () => {
  [dev, prod] = [await sharedPlan("dev"), await sharedPlan("prod")];
});

/** The storage policies' results on `plan` as `policy | resource | level`, split like the plan does. */
async function storageResults(plan: PlanResult, stack: string) {
  const config = loadPolicyConfig(path.join(DEFAULT_PROJECT_ROOT, "policies/config", `${stack}.json`)).config;
  const run = await runPolicies(plan, config);
  const { results, excepted } = applyExceptions(stack, run.results, POLICY_EXCEPTIONS);
  const names = new Map(plan.resources.map((r) => [r.urn, r.name]));
  const row = (r: { policy: string; urn?: string; level: string }) => `${r.policy} | ${names.get(r.urn ?? "") ?? "(stack)"} | ${r.level}`;
  const mine = results.filter((r) => STORAGE_POLICIES.has(r.policy));
  return {
    failing: mine.map(row),
    messages: mine.map((r) => r.message),
    excepted: excepted
      .filter((r) => STORAGE_POLICIES.has(r.policy))
      .map(row)
      .sort(),
    exit: exitCodeFor(results),
  };
}

/** The plan's text line heading `policy`'s mandatory results (it names the PSRule rules the policy enforces), and the exit code. */
async function planHeadline(plan: PlanResult, policy: string): Promise<[string | undefined, number]> {
  const report = await buildReport(plan);
  const line = renderText(report)
    .split("\n")
    .find((l) => l.startsWith(`  [mandatory] ${policy} `));
  return [line, report.exitCode];
}

/** The recorded prod plan with one resource's inputs changed (a deep copy). */
function prodWith(name: string, change: (inputs: Record<string, unknown>) => void): PlanResult {
  const plan = structuredClone(prod);
  change(plan.resources.find((r) => r.name === name)!.inputs);
  return plan;
}

describe("the stacks as they are", () => {
  it("prod: no storage rule fails; the package account's shared keys and open firewall are the recorded exceptions", async () => {
    expect(await storageResults(prod, "prod")).toEqual({
      failing: [],
      messages: [],
      excepted: [
        "storage-account-configure-public-network-access | acsplat-token-api-packages | mandatory",
        "storage-account-disable-shared-key-access | acsplat-token-api-packages | mandatory",
      ],
      exit: 0,
    });
  });

  it("dev: every storage failure is a recorded exception (open firewalls without a network, LRS, the package's keys)", async () => {
    const r = await storageResults(dev, "dev");
    expect([r.failing, r.exit]).toEqual([[], 0]);
    expect(r.excepted).toEqual(
      [
        ...["acsplat-chat-archive-storage", "acsplat-events-storage", "acsplat-token-api-data", "acsplat-token-api-packages"].flatMap(
          (a) => [
            `storage-account-configure-public-network-access | ${a} | mandatory`,
            `storage-account-configure-replication | ${a} | mandatory`,
          ],
        ),
        "storage-account-disable-shared-key-access | acsplat-token-api-packages | mandatory",
      ].sort(),
    );
  });

  it("prod: the data accounts deny by default and admit the operators' range; the table account also the app subnet", () => {
    const subnet = only(prod, "azure-native:network:Subnet", "acsplat-network-snet-app");
    expect(subnet.inputs["serviceEndpoints"]).toEqual([{ service: "Microsoft.Storage" }]);
    const rules = Object.fromEntries(ofType(prod, ACCOUNT).map((a) => [a.name, [a.inputs["sku"], a.inputs["networkRuleSet"]]]));
    const deny = (subnets: string[]) => ({
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }],
      virtualNetworkRules: subnets.map((id) => ({ virtualNetworkResourceId: id, action: "Allow" })),
    });
    expect(rules).toEqual({
      "acsplat-token-api-data": [{ name: "Standard_ZRS" }, deny([subnet.id!])],
      "acsplat-token-api-packages": [
        { name: "Standard_ZRS" },
        { defaultAction: "Allow", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
      ],
      "acsplat-events-storage": [{ name: "Standard_ZRS" }, deny([])],
      "acsplat-chat-archive-storage": [{ name: "Standard_GRS" }, deny([])],
    });
  });

  it.each([
    ["dev", 7],
    ["prod", 14],
  ] as const)("%s: every account has blob service settings with blob and container soft delete for %i days", (stack, days) => {
    const plan = stack === "dev" ? dev : prod;
    const accounts = ofType(plan, ACCOUNT).map((a) => a.inputs["accountName"]);
    const services = ofType(plan, BLOB_SERVICE);
    expect(services.map((s) => s.inputs["accountName"]).sort()).toEqual([...accounts].sort());
    for (const s of services) {
      expect(s.inputs).toMatchObject({
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days },
        containerDeleteRetentionPolicy: { enabled: true, days },
      });
    }
  });
});

describe("each rule broken makes the plan exit 1 naming its policy", () => {
  it("Azure.Storage.Firewall: prod with `storage.networkDefaultAction: Allow` (a copy of Pulumi.prod.yaml)", async () => {
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:storage"].networkDefaultAction = "Allow"));
    const open = await evaluateStack({ stack: "prod", configFile: file });
    const r = await storageResults(open, "prod");
    expect([[...r.failing].sort(), r.exit]).toEqual([
      [
        "storage-account-configure-public-network-access | acsplat-chat-archive-storage | mandatory",
        "storage-account-configure-public-network-access | acsplat-events-storage | mandatory",
        "storage-account-configure-public-network-access | acsplat-token-api-data | mandatory",
      ],
      1,
    ]);
    expect(r.messages[0]).toBe("networkRuleSet.defaultAction is 'Allow' (ARM's default is Allow: any network); it must be 'Deny'.");
    expect(await planHeadline(open, "storage-account-configure-public-network-access")).toEqual([
      "  [mandatory] storage-account-configure-public-network-access (high) [PSRule Azure.Storage.Firewall AZR-000202]: 3 results",
      1,
    ]);
  });

  it("Azure.Storage.LocalAuth: the events account with shared keys on", async () => {
    const keys = prodWith("acsplat-events-storage", (i) => (i["allowSharedKeyAccess"] = true));
    expect(await planHeadline(keys, "storage-account-disable-shared-key-access")).toEqual([
      "  [mandatory] storage-account-disable-shared-key-access (high) [PSRule Azure.Storage.LocalAuth AZR-000497]: 1 result",
      1,
    ]);
    const r = await storageResults(keys, "prod");
    expect([r.failing, r.messages, r.exit]).toEqual([
      ["storage-account-disable-shared-key-access | acsplat-events-storage | mandatory"],
      ["allowSharedKeyAccess is true; it must be false."],
      1,
    ]);
  });

  it("Azure.Storage.SoftDelete / ContainerSoftDelete: the table-only account without its blob service settings", async () => {
    const plan = structuredClone(prod);
    plan.resources = plan.resources.filter((r) => r.name !== "acsplat-token-api-data-blob-service");
    expect(await planHeadline(plan, "storage-account-enable-soft-delete")).toEqual([
      "  [mandatory] storage-account-enable-soft-delete (medium) [PSRule Azure.Storage.ContainerSoftDelete AZR-000289, Azure.Storage.SoftDelete AZR-000197]: 1 result",
      1,
    ]);
    const r = await storageResults(plan, "prod");
    expect([r.failing, r.messages, r.exit]).toEqual([
      ["storage-account-enable-soft-delete | acsplat-token-api-data | mandatory"],
      [
        "Storage account 'acsplat-token-api-data' has no blob service settings (BlobServiceProperties), so blob and container soft delete are off.",
      ],
      1,
    ]);
  });

  it("Azure.Storage.ContainerSoftDelete: container soft delete off on the events account", async () => {
    const r = await storageResults(
      prodWith("acsplat-events-storage-blob-service", (i) => (i["containerDeleteRetentionPolicy"] = { enabled: false, days: 14 })),
      "prod",
    );
    expect([r.failing, r.messages, r.exit]).toEqual([
      ["storage-account-enable-soft-delete | acsplat-events-storage-blob-service | mandatory"],
      ["containerDeleteRetentionPolicy.enabled is false: container soft delete is off; it must be true."],
      1,
    ]);
  });

  it("Azure.Storage.UseReplication: prod with `storage.tokenApiSku: Standard_LRS` (a copy of Pulumi.prod.yaml)", async () => {
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:storage"].tokenApiSku = "Standard_LRS"));
    const lrs = await evaluateStack({ stack: "prod", configFile: file });
    expect(await planHeadline(lrs, "storage-account-configure-replication")).toEqual([
      "  [mandatory] storage-account-configure-replication (medium) [PSRule Azure.Storage.UseReplication AZR-000195]: 2 results",
      1,
    ]);
    const r = await storageResults(lrs, "prod");
    expect([[...r.failing].sort(), r.exit]).toEqual([
      [
        "storage-account-configure-replication | acsplat-token-api-data | mandatory",
        "storage-account-configure-replication | acsplat-token-api-packages | mandatory",
      ],
      1,
    ]);
    expect(r.messages[0]).toBe(
      "sku.name is 'Standard_LRS', which keeps every copy in one datacenter; use one of Standard_GRS, Standard_RAGRS, Standard_GZRS, Standard_RAGZRS, Premium_ZRS, Standard_ZRS.",
    );
  });
});
