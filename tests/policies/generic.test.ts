// Tests for the cross-cutting policies (required tags, allowed regions, ACS/Email data location, naming) and
// the token API settings policies: baseline passes, each mutation reports its exact message, knobs apply.
import { describe, expect, it } from "vitest";
import { azureResourceConfigureNamingConvention } from "../../policies/azure-resource-configure-naming-convention";
import { azureResourceEnforceAllowedRegions } from "../../policies/azure-resource-enforce-allowed-regions";
import { azureResourceMissingRequiredTags } from "../../policies/azure-resource-missing-required-tags";
import { communicationServiceEnforceDataLocation } from "../../policies/communication-service-enforce-data-location";
import { tokenapiWebappConfigureTokenLifetime } from "../../policies/tokenapi-webapp-configure-token-lifetime";
import { tokenapiWebappEnforceAllowedScopes } from "../../policies/tokenapi-webapp-enforce-allowed-scopes";
import { tokenapiWebappDisallowChatScopeInProd } from "../../policies/tokenapi-webapp-disallow-chat-scope-in-prod";
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
const WEBAPP = "azure-native:web:WebApp";

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
  it("passes house names and reports limits and prefixes", async () => {
    expect((await runResource(p, VAULT, { vaultName: "kv-acsplat-prod-ab12c" })).messages).toEqual([]);
    expect((await runResource(p, VAULT, { vaultName: "vault--x" })).messages).toEqual([
      "Name 'vault--x' breaks Azure's limit for this type: 3-24 letters, digits and single hyphens, starting with a letter and ending alphanumeric.",
      "Name 'vault--x' does not start with 'kv-'.",
    ]);
    expect((await runResource(p, "azure-native:storage:StorageAccount", { accountName: "st-Bad" })).messages).toEqual([
      "Name 'st-Bad' breaks Azure's limit for this type: 3-24 lower-case letters and digits.",
    ]);
  });
  it("falls back to the logical name and honours the prefix knob", async () => {
    expect((await runResource(p, VAULT, {}, { prefixes: {} }, "secrets")).messages).toEqual([]);
    expect((await runResource(p, VAULT, {}, undefined, "secrets")).messages).toEqual(["Name 'secrets' does not start with 'kv-'."]);
  });
  it("is not applicable to types without a rule", async () => {
    expect((await runResource(p, "azure-native:monitor:ActionGroup", {})).notApplicable).toBe(true);
  });
});

describe("token API settings policies", () => {
  const webapp = (settings: Record<string, string>) => ({
    siteConfig: { appSettings: Object.entries(settings).map(([name, value]) => ({ name, value })) },
  });
  const good = {
    ACS_AUTH_MODE: "key-vault",
    TOKEN_ALLOWED_SCOPES: "chat.join.limited,voip.join",
    TOKEN_DEFAULT_LIFETIME_MINUTES: "60",
    TOKEN_MAX_LIFETIME_MINUTES: "1440",
  };
  it("both pass the baseline", async () => {
    expect((await runResource(tokenapiWebappConfigureTokenLifetime, WEBAPP, webapp(good))).messages).toEqual([]);
    expect((await runResource(tokenapiWebappEnforceAllowedScopes, WEBAPP, webapp(good))).messages).toEqual([]);
  });
  it("lifetime: out of range, not a number, default above max", async () => {
    const p = tokenapiWebappConfigureTokenLifetime;
    expect((await runResource(p, WEBAPP, webapp({ ...good, TOKEN_MAX_LIFETIME_MINUTES: "2880" }))).messages).toEqual([
      "TOKEN_MAX_LIFETIME_MINUTES is '2880'; it must be an integer between 60 and 1440.",
    ]);
    expect((await runResource(p, WEBAPP, webapp({ ...good, TOKEN_DEFAULT_LIFETIME_MINUTES: "soon" }))).messages).toEqual([
      "TOKEN_DEFAULT_LIFETIME_MINUTES is 'soon'; it must be an integer between 60 and 1440.",
    ]);
    expect(
      (await runResource(p, WEBAPP, webapp({ ...good, TOKEN_DEFAULT_LIFETIME_MINUTES: "600", TOKEN_MAX_LIFETIME_MINUTES: "120" })))
        .messages,
    ).toEqual(["TOKEN_DEFAULT_LIFETIME_MINUTES (600) exceeds TOKEN_MAX_LIFETIME_MINUTES (120)."]);
    expect((await runResource(p, WEBAPP, webapp(good), { maxMinutes: 480 })).messages).toEqual([
      "TOKEN_MAX_LIFETIME_MINUTES is '1440'; it must be an integer between 60 and 480.",
    ]);
  });
  it("scopes: an extra scope reports, the knob admits it, unset means the app's default", async () => {
    const p = tokenapiWebappEnforceAllowedScopes;
    expect((await runResource(p, WEBAPP, webapp({ ...good, TOKEN_ALLOWED_SCOPES: "chat.join.limited,voip.join,chat" }))).messages).toEqual([
      "TOKEN_ALLOWED_SCOPES contains scopes outside the allowed set (chat.join.limited, voip.join): chat.",
    ]);
    expect(
      (await runResource(p, WEBAPP, webapp({ ...good, TOKEN_ALLOWED_SCOPES: "chat,chat.join" }), { allowedScopes: ["chat", "chat.join"] }))
        .messages,
    ).toEqual([]);
    expect((await runResource(p, WEBAPP, webapp({ ACS_AUTH_MODE: "key-vault" }))).messages).toEqual([]);
    expect((await runResource(p, WEBAPP, webapp({ ...good, TOKEN_ALLOWED_SCOPES: " , " }))).messages).toEqual([
      "TOKEN_ALLOWED_SCOPES is empty.",
    ]);
  });
  it("chat in prod: flagged only on a token API tagged env=prod, unset means the app's least-privilege default", async () => {
    const p = tokenapiWebappDisallowChatScopeInProd;
    const tagged = (env: string, settings: Record<string, string>) => ({ ...webapp(settings), tags: { env } });
    expect((await runResource(p, WEBAPP, tagged("prod", { ...good, TOKEN_ALLOWED_SCOPES: "chat,voip" }))).messages).toEqual([
      "TOKEN_ALLOWED_SCOPES gives end users chat in an environment tagged env=prod; allow at most chat.join.limited, voip.join (threads are managed by the conversations API).",
    ]);
    expect((await runResource(p, WEBAPP, tagged("prod", good))).messages).toEqual([]);
    expect((await runResource(p, WEBAPP, tagged("prod", { ACS_AUTH_MODE: "key-vault" }))).messages).toEqual([]);
    expect((await runResource(p, WEBAPP, tagged("prod", { ...good, TOKEN_ALLOWED_SCOPES: "chat.join,voip" }))).messages).toEqual([]);
    expect((await runResource(p, WEBAPP, tagged("dev", { ...good, TOKEN_ALLOWED_SCOPES: "chat,voip" }))).notApplicable).toBe(true);
    expect(
      (await runResource(p, WEBAPP, tagged("live", { ...good, TOKEN_ALLOWED_SCOPES: "chat" }), { productionValues: ["live"] })).messages,
    ).toHaveLength(1);
    expect((await runResource(p, WEBAPP, tagged("prod", { WEBSITE_RUN_FROM_PACKAGE: "1" }))).notApplicable).toBe(true);
  });
  it("both are not applicable to other web apps and other types", async () => {
    for (const p of [tokenapiWebappConfigureTokenLifetime, tokenapiWebappEnforceAllowedScopes]) {
      expect((await runResource(p, WEBAPP, webapp({ WEBSITE_RUN_FROM_PACKAGE: "1" }))).notApplicable).toBe(true);
      expect((await runResource(p, VAULT, {})).notApplicable).toBe(true);
    }
  });
});
