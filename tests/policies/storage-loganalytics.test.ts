// Tests for the Storage and Log Analytics policies: baseline passes, each mutation reports its exact message,
// knobs move the accepted range, other types are not applicable.
import { describe, expect, it } from "vitest";
import { loganalyticsWorkspaceConfigureDailyCap } from "../../policies/loganalytics-workspace-configure-daily-cap";
import { loganalyticsWorkspaceConfigureRetention } from "../../policies/loganalytics-workspace-configure-retention";
import { storageAccountConfigureMinTlsVersion } from "../../policies/storage-account-configure-min-tls-version";
import { storageAccountDisallowBlobPublicAccess } from "../../policies/storage-account-disallow-blob-public-access";
import { storageAccountEnableHttpsOnly } from "../../policies/storage-account-enable-https-only";
import { mutate, runResource, UNKNOWN } from "./helpers";

const ACCOUNT = "azure-native:storage:StorageAccount";
const WORKSPACE = "azure-native:operationalinsights:Workspace";
const account = {
  resourceGroupName: "rg",
  location: "westeurope",
  accountName: "stacsplatprodweuabcde",
  kind: "StorageV2",
  sku: { name: "Standard_ZRS" },
  enableHttpsTrafficOnly: true,
  minimumTlsVersion: "TLS1_2",
  allowBlobPublicAccess: false,
  allowSharedKeyAccess: false,
};
const workspace = {
  resourceGroupName: "rg",
  location: "westeurope",
  retentionInDays: 30,
  sku: { name: "PerGB2018" },
  workspaceCapping: { dailyQuotaGb: 1 },
};

describe("storage account policies", () => {
  it.each(
    [storageAccountEnableHttpsOnly, storageAccountConfigureMinTlsVersion, storageAccountDisallowBlobPublicAccess].map((p) => [p.name, p]),
  )("%s passes the baseline and ignores workspaces", async (_n, p) => {
    expect((await runResource(p, ACCOUNT, account)).messages).toEqual([]);
    expect((await runResource(p, WORKSPACE, workspace)).notApplicable).toBe(true);
  });
  it.each([
    [storageAccountEnableHttpsOnly, "enableHttpsTrafficOnly", false, ["enableHttpsTrafficOnly must not be false."]],
    [storageAccountEnableHttpsOnly, "enableHttpsTrafficOnly", undefined, []],
    [storageAccountConfigureMinTlsVersion, "minimumTlsVersion", "TLS1_0", ["minimumTlsVersion is 'TLS1_0'; it must be TLS1_2 or TLS1_3."]],
    [storageAccountConfigureMinTlsVersion, "minimumTlsVersion", undefined, ["minimumTlsVersion is 'unset'; it must be TLS1_2 or TLS1_3."]],
    [storageAccountDisallowBlobPublicAccess, "allowBlobPublicAccess", true, ["allowBlobPublicAccess must be false."]],
    [storageAccountDisallowBlobPublicAccess, "allowBlobPublicAccess", undefined, ["allowBlobPublicAccess must be false."]],
  ] as const)("%# reports %s = %s", async (p, path, value, expected) => {
    expect((await runResource(p, ACCOUNT, mutate(account, path, value))).messages).toEqual(expected);
  });
  it("reports a public container", async () => {
    const r = await runResource(storageAccountDisallowBlobPublicAccess, "azure-native:storage:BlobContainer", {
      accountName: "st",
      containerName: "dead-letters",
      publicAccess: "Blob",
    });
    expect(r.messages).toEqual(["Container publicAccess is 'Blob'; it must be None."]);
  });
  it("reports an unknown minimum TLS version as an advisory preview diagnostic", async () => {
    const r = await runResource(storageAccountConfigureMinTlsVersion, ACCOUNT, mutate(account, "minimumTlsVersion", UNKNOWN.string));
    expect(r.results.map((x) => x.level)).toEqual(["advisory"]);
    expect(r.results[0]!.message).toContain("string value at .minimumTlsVersion can't be known during preview");
  });
});

describe("log analytics policies", () => {
  it("retention: baseline passes, out-of-range and unset report, knobs move the range", async () => {
    const p = loganalyticsWorkspaceConfigureRetention;
    expect((await runResource(p, WORKSPACE, workspace)).messages).toEqual([]);
    expect((await runResource(p, WORKSPACE, mutate(workspace, "retentionInDays", 365))).messages).toEqual([
      "retentionInDays is 365; it must be between 30 and 90.",
    ]);
    expect((await runResource(p, WORKSPACE, mutate(workspace, "retentionInDays", undefined))).messages).toEqual([
      "retentionInDays is not set; set it between 30 and 90.",
    ]);
    expect(
      (await runResource(p, WORKSPACE, mutate(workspace, "retentionInDays", 365), { minRetentionDays: 90, maxRetentionDays: 730 }))
        .messages,
    ).toEqual([]);
    expect((await runResource(p, WORKSPACE, workspace, { minRetentionDays: 90, maxRetentionDays: 730 })).messages).toEqual([
      "retentionInDays is 30; it must be between 90 and 730.",
    ]);
    expect((await runResource(p, ACCOUNT, account)).notApplicable).toBe(true);
  });
  it("daily cap: baseline passes, unset / unlimited / too large report", async () => {
    const p = loganalyticsWorkspaceConfigureDailyCap;
    expect((await runResource(p, WORKSPACE, workspace)).messages).toEqual([]);
    expect((await runResource(p, WORKSPACE, mutate(workspace, "workspaceCapping", undefined))).messages).toEqual([
      "workspaceCapping.dailyQuotaGb is unset; set a positive daily cap.",
    ]);
    expect((await runResource(p, WORKSPACE, mutate(workspace, "workspaceCapping.dailyQuotaGb", -1))).messages).toEqual([
      "workspaceCapping.dailyQuotaGb is -1; set a positive daily cap.",
    ]);
    expect((await runResource(p, WORKSPACE, mutate(workspace, "workspaceCapping.dailyQuotaGb", 20))).messages).toEqual([
      "workspaceCapping.dailyQuotaGb is 20; it must be at most 10.",
    ]);
    expect(
      (await runResource(p, WORKSPACE, mutate(workspace, "workspaceCapping.dailyQuotaGb", 20), { maxDailyQuotaGb: 50 })).messages,
    ).toEqual([]);
    expect((await runResource(p, ACCOUNT, account)).notApplicable).toBe(true);
  });
});
