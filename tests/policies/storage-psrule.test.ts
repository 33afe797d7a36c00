// Tests for the storage policies that mirror PSRule for Azure's Firewall, LocalAuth, SoftDelete, ContainerSoftDelete
// and UseReplication rules: a compliant baseline, one mutation per case with its exact message, the rules' own
// selectors (Cloud Shell, Functions and Monitor storage, HNS and FileStorage accounts, Premium SKUs), and other types
// not applicable.
import { describe, expect, it } from "vitest";
import { storageAccountConfigurePublicNetworkAccess } from "../../policies/storage-account-configure-public-network-access";
import { storageAccountConfigureReplication } from "../../policies/storage-account-configure-replication";
import { storageAccountDisableSharedKeyAccess } from "../../policies/storage-account-disable-shared-key-access";
import { storageAccountEnableSoftDelete } from "../../policies/storage-account-enable-soft-delete";
import { mutate, res, runResource, runStack, urnOf } from "./helpers";

const ACCOUNT = "azure-native:storage:StorageAccount";
const BLOB_SERVICE = "azure-native:storage:BlobServiceProperties";
const VAULT = "azure-native:keyvault:Vault";
const account = {
  resourceGroupName: "rg",
  location: "westeurope",
  accountName: "stacsplatprodweuabcde",
  kind: "StorageV2",
  sku: { name: "Standard_ZRS" },
  allowSharedKeyAccess: false,
  networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
};
const cloudShell = { "ms-resource-usage": "azure-cloud-shell" };

describe("storage-account-configure-public-network-access (Azure.Storage.Firewall)", () => {
  const p = storageAccountConfigurePublicNetworkAccess;
  it("passes Deny in any case, ignores other types", async () => {
    expect((await runResource(p, ACCOUNT, account)).messages).toEqual([]);
    expect((await runResource(p, ACCOUNT, mutate(account, "networkRuleSet.defaultAction", "deny"))).messages).toEqual([]);
    expect((await runResource(p, VAULT, {})).notApplicable).toBe(true);
  });
  it.each([
    ["Allow", "networkRuleSet.defaultAction is 'Allow' (ARM's default is Allow: any network); it must be 'Deny'."],
    [undefined, "networkRuleSet.defaultAction is 'unset' (ARM's default is Allow: any network); it must be 'Deny'."],
  ])("reports defaultAction %s", async (value, message) => {
    expect((await runResource(p, ACCOUNT, mutate(account, "networkRuleSet.defaultAction", value))).messages).toEqual([message]);
  });
  it("reports an account without any rule set, skips Cloud Shell's", async () => {
    expect((await runResource(p, ACCOUNT, mutate(account, "networkRuleSet", undefined))).messages).toHaveLength(1);
    const shell = mutate(mutate(account, "networkRuleSet", undefined), "tags", cloudShell);
    expect((await runResource(p, ACCOUNT, shell)).messages).toEqual([]);
  });
});

describe("storage-account-disable-shared-key-access (Azure.Storage.LocalAuth)", () => {
  const p = storageAccountDisableSharedKeyAccess;
  it.each([
    [false, []],
    [true, ["allowSharedKeyAccess is true; it must be false."]],
    [undefined, ["allowSharedKeyAccess is unset (ARM allows shared keys); it must be false."]],
  ])("allowSharedKeyAccess %s", async (value, messages) => {
    expect((await runResource(p, ACCOUNT, mutate(account, "allowSharedKeyAccess", value))).messages).toEqual(messages);
  });
  it("ignores other types", async () => {
    expect((await runResource(p, VAULT, {})).notApplicable).toBe(true);
  });
});

describe("storage-account-configure-replication (Azure.Storage.UseReplication)", () => {
  const p = storageAccountConfigureReplication;
  it.each(["Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"])("passes %s", async (sku) => {
    expect((await runResource(p, ACCOUNT, mutate(account, "sku.name", sku))).messages).toEqual([]);
  });
  it("reports Standard_LRS with the accepted list", async () => {
    expect((await runResource(p, ACCOUNT, mutate(account, "sku.name", "Standard_LRS"))).messages).toEqual([
      "sku.name is 'Standard_LRS', which keeps every copy in one datacenter; use one of Standard_GRS, Standard_RAGRS, Standard_GZRS, Standard_RAGZRS, Premium_ZRS, Standard_ZRS.",
    ]);
  });
  it.each([
    ["a Premium SKU", { sku: { name: "Premium_LRS" } }],
    ["Cloud Shell storage", { tags: cloudShell }],
    ["Functions storage", { tags: { "resource-usage": "azure-functions" } }],
    ["Monitor storage", { tags: { "resource-usage": "azure-monitor" } }],
    ["large file shares", { largeFileSharesState: "Enabled" }],
  ])("skips %s, as the rule's ShouldStorageReplicate does", async (_what, over) => {
    const lrs = { ...mutate(account, "sku.name", "Standard_LRS"), ...over };
    expect((await runResource(p, ACCOUNT, lrs)).messages).toEqual([]);
  });
});

describe("storage-account-enable-soft-delete (Azure.Storage.SoftDelete, ContainerSoftDelete)", () => {
  const p = storageAccountEnableSoftDelete;
  const acct = res(ACCOUNT, "acct", account);
  const service = (over: Record<string, unknown> = {}) =>
    res(
      BLOB_SERVICE,
      "acct-blob-service",
      {
        accountName: account.accountName,
        resourceGroupName: "rg",
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days: 7 },
        containerDeleteRetentionPolicy: { enabled: true, days: 7 },
        ...over,
      },
      [acct.urn],
    );
  it("passes an account with both soft deletes on; not applicable without storage", async () => {
    expect((await runStack(p, [acct, service()])).messages).toEqual([]);
    expect((await runStack(p, [res(VAULT, "kv", {})])).notApplicable).toBe(true);
  });
  it("reports an account without blob service settings (a table-only account too), on the account", async () => {
    const r = await runStack(p, [acct, service({ accountName: "someotheraccount" })]);
    expect(r.messages).toEqual([
      "Storage account 'acct' has no blob service settings (BlobServiceProperties), so blob and container soft delete are off.",
    ]);
    expect(r.results[0]!.urn).toBe(urnOf(ACCOUNT, "acct"));
  });
  it("skips Cloud Shell, hierarchical-namespace and FileStorage accounts", async () => {
    for (const over of [{ tags: cloudShell }, { isHnsEnabled: true }, { kind: "FileStorage" }]) {
      expect((await runStack(p, [res(ACCOUNT, "acct", { ...account, ...over })])).messages).toEqual([]);
    }
  });
  it.each([
    [
      { deleteRetentionPolicy: { enabled: false, days: 7 } },
      "deleteRetentionPolicy.enabled is false: blob soft delete is off; it must be true.",
    ],
    [{ deleteRetentionPolicy: undefined }, "deleteRetentionPolicy.enabled is unset: blob soft delete is off; it must be true."],
    [
      { containerDeleteRetentionPolicy: { enabled: false } },
      "containerDeleteRetentionPolicy.enabled is false: container soft delete is off; it must be true.",
    ],
    [
      { containerDeleteRetentionPolicy: { enabled: true } },
      "containerDeleteRetentionPolicy.days is unset; deleted containers must stay restorable at least 1 day(s).",
    ],
  ])("reports %j on the blob service", async (over, message) => {
    const r = await runStack(p, [acct, service(over)]);
    expect(r.messages).toEqual([message]);
    expect(r.results[0]!.urn).toBe(urnOf(BLOB_SERVICE, "acct-blob-service"));
  });
  it("minRetentionDays raises the floor of both periods", async () => {
    expect((await runStack(p, [acct, service()], { minRetentionDays: 14 })).messages).toEqual([
      "deleteRetentionPolicy.days is 7; deleted blobs must stay restorable at least 14 day(s).",
      "containerDeleteRetentionPolicy.days is 7; deleted containers must stay restorable at least 14 day(s).",
    ]);
  });
});
