// Tests for the Key Vault policies: a compliant vault passes, each single-property mutation reports its exact
// message, other types are not applicable, knobs change the outcome, unknown values are handled as in preview.
import { describe, expect, it } from "vitest";
import { keyvaultVaultConfigurePublicNetworkAccess } from "../../policies/keyvault-vault-configure-public-network-access";
import { keyvaultVaultEnablePurgeProtection } from "../../policies/keyvault-vault-enable-purge-protection";
import { keyvaultVaultEnableRbacAuthorization } from "../../policies/keyvault-vault-enable-rbac-authorization";
import { keyvaultVaultEnableSoftDelete } from "../../policies/keyvault-vault-enable-soft-delete";
import { mutate, runResource, UNKNOWN } from "./helpers";

const VAULT = "azure-native:keyvault:Vault";
const baseline = {
  resourceGroupName: "rg-acsplat-prod-weu",
  location: "westeurope",
  vaultName: "kv-acsplat-prod-weu-abcde",
  properties: {
    tenantId: "00000000-0000-0000-0000-000000000000",
    sku: { family: "A", name: "standard" },
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    softDeleteRetentionInDays: 90,
    enablePurgeProtection: true,
    publicNetworkAccess: "Enabled",
    networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "203.0.113.0/24" }] },
  },
  tags: { env: "prod" },
};

describe("keyvault-vault-enable-rbac-authorization", () => {
  const p = keyvaultVaultEnableRbacAuthorization;
  it("passes the baseline", async () => {
    expect((await runResource(p, VAULT, baseline)).messages).toEqual([]);
  });
  it("reports RBAC off", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.enableRbacAuthorization", false));
    expect(r.messages).toEqual(["properties.enableRbacAuthorization must be true."]);
  });
  it("reports RBAC unset", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.enableRbacAuthorization", undefined));
    expect(r.messages).toEqual(["properties.enableRbacAuthorization must be true."]);
  });
  it("reports access policies", async () => {
    const r = await runResource(
      p,
      VAULT,
      mutate(baseline, "properties.accessPolicies", [{ objectId: "x", permissions: { secrets: ["all"] } }]),
    );
    expect(r.messages).toEqual(["properties.accessPolicies must be empty when RBAC is used (found 1)."]);
  });
  it("is not applicable to other types", async () => {
    const r = await runResource(p, "azure-native:storage:StorageAccount", {});
    expect(r).toMatchObject({ messages: [], notApplicable: true });
  });
});

describe("keyvault-vault-enable-soft-delete", () => {
  const p = keyvaultVaultEnableSoftDelete;
  it("passes the baseline with the default 90-day floor", async () => {
    expect((await runResource(p, VAULT, baseline)).messages).toEqual([]);
  });
  it("treats unset retention as Azure's 90 days", async () => {
    expect((await runResource(p, VAULT, mutate(baseline, "properties.softDeleteRetentionInDays", undefined))).messages).toEqual([]);
  });
  it("reports soft delete off", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.enableSoftDelete", false));
    expect(r.messages).toEqual(["properties.enableSoftDelete must not be false."]);
  });
  it("reports a retention below the floor", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.softDeleteRetentionInDays", 30));
    expect(r.messages).toEqual(["properties.softDeleteRetentionInDays is 30; at least 90 days are required."]);
  });
  it("accepts 7 days when the knob allows it", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.softDeleteRetentionInDays", 7), { minRetentionDays: 7 });
    expect(r.messages).toEqual([]);
  });
  it("is not applicable to other types", async () => {
    expect((await runResource(p, "azure-native:web:WebApp", {})).notApplicable).toBe(true);
  });
});

describe("keyvault-vault-enable-purge-protection", () => {
  const p = keyvaultVaultEnablePurgeProtection;
  it("passes the baseline", async () => {
    expect((await runResource(p, VAULT, baseline)).messages).toEqual([]);
  });
  it("reports purge protection off", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.enablePurgeProtection", false));
    expect(r.messages).toEqual(["properties.enablePurgeProtection must be true."]);
  });
  it("reports purge protection unset", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.enablePurgeProtection", undefined));
    expect(r.messages).toEqual(["properties.enablePurgeProtection must be true."]);
  });
  it("reports an unknown value as an advisory preview diagnostic, as the engine does", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.enablePurgeProtection", UNKNOWN.boolean));
    expect(r.results).toEqual([
      expect.objectContaining({
        level: "advisory",
        kind: "unknown",
        message:
          "can't run policy 'keyvault-vault-enable-purge-protection' from policy pack 'acs-platform@v0.1.0' during preview: " +
          "boolean value at .properties.enablePurgeProtection can't be known during preview",
      }),
    ]);
  });
  it("is not applicable to other types, via the engine's type fast path", async () => {
    expect((await runResource(p, "azure-native:communication:CommunicationService", {})).notApplicable).toBe(true);
  });
});

describe("keyvault-vault-configure-public-network-access", () => {
  const p = keyvaultVaultConfigurePublicNetworkAccess;
  it("passes a vault that denies by default", async () => {
    expect((await runResource(p, VAULT, baseline)).messages).toEqual([]);
  });
  it("passes a vault with public access disabled", async () => {
    const props = mutate(mutate(baseline, "properties.networkAcls", undefined), "properties.publicNetworkAccess", "Disabled");
    expect((await runResource(p, VAULT, props)).messages).toEqual([]);
  });
  it("reports an open vault", async () => {
    const r = await runResource(p, VAULT, mutate(baseline, "properties.networkAcls.defaultAction", "Allow"));
    expect(r.messages).toEqual([
      "Public network access is open (publicNetworkAccess 'Enabled', networkAcls.defaultAction 'Allow'); set publicNetworkAccess to 'Disabled' or defaultAction to 'Deny'.",
    ]);
  });
  it("has no knob that relaxes it: an environment that keeps its vault open records an exception", () => {
    expect(p.configSchema).toBeUndefined();
  });
  it("is not applicable to other types", async () => {
    expect((await runResource(p, "azure-native:storage:StorageAccount", {})).notApplicable).toBe(true);
  });
});
