// Tests for the token-api group (the token API's lifetime and scope settings on its web app): baseline passes,
// each mutation reports its exact message, knobs apply.
import { describe, expect, it } from "vitest";
import { tokenapiWebappConfigureTokenLifetime } from "../../policies/tokenapi-webapp-configure-token-lifetime";
import { tokenapiWebappEnforceAllowedScopes } from "../../policies/tokenapi-webapp-enforce-allowed-scopes";
import { runResource } from "./helpers";

const WEBAPP = "azure-native:web:WebApp";
const VAULT = "azure-native:keyvault:Vault";

describe("token API settings policies", () => {
  const webapp = (settings: Record<string, string>) => ({
    siteConfig: { appSettings: Object.entries(settings).map(([name, value]) => ({ name, value })) },
  });
  const good = {
    ACS_AUTH_MODE: "key-vault",
    TOKEN_ALLOWED_SCOPES: "chat,voip",
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
    expect((await runResource(p, WEBAPP, webapp({ ...good, TOKEN_ALLOWED_SCOPES: "chat,voip,chat.join" }))).messages).toEqual([
      "TOKEN_ALLOWED_SCOPES contains scopes outside the allowed set (chat, voip): chat.join.",
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
  it("both are not applicable to other web apps and other types", async () => {
    for (const p of [tokenapiWebappConfigureTokenLifetime, tokenapiWebappEnforceAllowedScopes]) {
      expect((await runResource(p, WEBAPP, webapp({ WEBSITE_RUN_FROM_PACKAGE: "1" }))).notApplicable).toBe(true);
      expect((await runResource(p, VAULT, {})).notApplicable).toBe(true);
    }
  });
});
