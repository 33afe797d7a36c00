// Tests for the policies on every resource (required tags, allowed regions, naming) and the ACS/Email data
// location: baseline passes, each mutation reports its exact message, knobs apply.
import { describe, expect, it } from "vitest";
import { azureResourceConfigureNamingConvention } from "../../policies/azure-resource-configure-naming-convention";
import { azureResourceEnforceAllowedRegions } from "../../policies/azure-resource-enforce-allowed-regions";
import { azureResourceMissingRequiredTags } from "../../policies/azure-resource-missing-required-tags";
import { communicationServiceEnforceDataLocation } from "../../policies/communication-service-enforce-data-location";
import { mutate, runResource, UNKNOWN } from "./helpers";

const tags = {
  env: "prod",
  owner: "platform-team@contoso.com",
  costCenter: "CC-1042",
  dataClassification: "confidential",
  service: "acs-platform",
};
const VAULT = "azure-native:keyvault:Vault";
const ACS = "azure-native:communication:CommunicationService";
const EMAIL = "azure-native:communication:EmailService";

describe("azure-resource-missing-required-tags", () => {
  const p = azureResourceMissingRequiredTags;
  it("passes a fully tagged vault", async () => {
    expect((await runResource(p, VAULT, { location: "westeurope", tags })).messages).toEqual([]);
  });
  it("reports a missing and an empty tag", async () => {
    const r = await runResource(p, VAULT, { tags: { ...mutate(tags, "owner", undefined), costCenter: " " } });
    expect(r.messages).toEqual(["Missing or empty required tags: owner, costCenter."]);
  });
  it("reports a taggable resource with no tags at all", async () => {
    expect((await runResource(p, ACS, { dataLocation: "Europe" })).messages).toEqual([
      "Missing or empty required tags: env, owner, costCenter, dataClassification, service.",
    ]);
  });
  it("the tag list is a knob", async () => {
    expect((await runResource(p, VAULT, { tags: { env: "dev" } }, { requiredTags: ["env"] })).messages).toEqual([]);
  });
  it("is not applicable to untaggable types (secrets, diagnostic settings, components)", async () => {
    expect((await runResource(p, "azure-native:keyvault:Secret", { secretName: "x" })).notApplicable).toBe(true);
    expect((await runResource(p, "acs:keyvault:SecretStore", {})).notApplicable).toBe(true);
  });
  it("an unknown tags object is an advisory preview diagnostic", async () => {
    const r = await runResource(p, VAULT, { tags: UNKNOWN.string });
    expect(r.results.map((x) => x.message)).toEqual([
      "can't run policy 'azure-resource-missing-required-tags' from policy pack 'acs-platform@v0.1.0' during preview: string value at .tags can't be known during preview",
    ]);
  });
});

describe("azure-resource-enforce-allowed-regions", () => {
  const p = azureResourceEnforceAllowedRegions;
  it("passes an allowed region and reports another", async () => {
    expect((await runResource(p, VAULT, { location: "westeurope" })).messages).toEqual([]);
    expect((await runResource(p, VAULT, { location: "eastus" }, { allowedRegions: ["westeurope"] })).messages).toEqual([
      "Location 'eastus' is not an allowed region (allowed: westeurope).",
    ]);
  });
  it("normalizes display names", async () => {
    expect((await runResource(p, VAULT, { location: "West Europe" })).messages).toEqual([]);
  });
  it("is not applicable to global resources (ACS) or resources without a location", async () => {
    expect((await runResource(p, ACS, { location: "global", dataLocation: "United States" })).notApplicable).toBe(true);
    expect((await runResource(p, "azure-native:keyvault:Secret", {})).notApplicable).toBe(true);
  });
});

describe("communication-service-enforce-data-location", () => {
  const p = communicationServiceEnforceDataLocation;
  it.each([ACS, EMAIL])("%s: Europe passes, United States reports", async (type) => {
    expect((await runResource(p, type, { location: "global", dataLocation: "Europe" })).messages).toEqual([]);
    expect((await runResource(p, type, { location: "global", dataLocation: "United States" })).messages).toEqual([
      "Data location 'United States' is not allowed (allowed: Europe).",
    ]);
  });
  it("reports a regional location on a global type", async () => {
    expect((await runResource(p, ACS, { location: "westeurope", dataLocation: "Europe" })).messages).toEqual([
      "location must be 'global' for this resource type, not 'westeurope'.",
    ]);
  });
  it("the allowed list is a knob; other types are not applicable", async () => {
    expect((await runResource(p, ACS, { location: "global", dataLocation: "UK" }, { allowedDataLocations: ["UK"] })).messages).toEqual([]);
    expect((await runResource(p, VAULT, { location: "westeurope" })).notApplicable).toBe(true);
  });
});

describe("azure-resource-configure-naming-convention", () => {
  const p = azureResourceConfigureNamingConvention;
  it("passes house names and reports a missing prefix", async () => {
    expect((await runResource(p, VAULT, { vaultName: "kv-acsplat-prod-ab12c" })).messages).toEqual([]);
    expect((await runResource(p, VAULT, { vaultName: "vault--x" })).messages).toEqual(["Name 'vault--x' does not start with 'kv-'."]);
    expect((await runResource(p, "azure-native:storage:StorageAccount", { accountName: "stBad" })).messages).toEqual([]);
  });
  it("falls back to the logical name and honours the prefix knob", async () => {
    expect((await runResource(p, VAULT, {}, { prefixes: {} }, "secrets")).notApplicable).toBe(true);
    expect((await runResource(p, VAULT, {}, undefined, "secrets")).messages).toEqual(["Name 'secrets' does not start with 'kv-'."]);
  });
  it("is not applicable to types without a prefix", async () => {
    expect((await runResource(p, "azure-native:monitor:ActionGroup", {})).notApplicable).toBe(true);
  });
});
