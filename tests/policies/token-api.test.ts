// Tests for the token-api group (the token API's lifetime and scope settings on its web app): baseline passes,
// each mutation reports its exact message, knobs apply.
import { describe, expect, it } from "vitest";
import { webWebappConfigureTokenLifetime } from "../../policies/web-webapp-configure-token-lifetime";
import { webWebappEnforceAllowedScopes } from "../../policies/web-webapp-enforce-allowed-scopes";
import { webWebappDisallowChatScopeInProd } from "../../policies/web-webapp-disallow-chat-scope-in-prod";
import { runResource } from "./helpers";

const WEBAPP = "azure-native:web:WebApp";
const VAULT = "azure-native:keyvault:Vault";

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
    expect((await runResource(webWebappConfigureTokenLifetime, WEBAPP, webapp(good))).messages).toEqual([]);
    expect((await runResource(webWebappEnforceAllowedScopes, WEBAPP, webapp(good))).messages).toEqual([]);
  });
  it("lifetime: out of range, not a number, default above max", async () => {
    const p = webWebappConfigureTokenLifetime;
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
    const p = webWebappEnforceAllowedScopes;
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
    const p = webWebappDisallowChatScopeInProd;
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
    for (const p of [webWebappConfigureTokenLifetime, webWebappEnforceAllowedScopes]) {
      expect((await runResource(p, WEBAPP, webapp({ WEBSITE_RUN_FROM_PACKAGE: "1" }))).notApplicable).toBe(true);
      expect((await runResource(p, VAULT, {})).notApplicable).toBe(true);
    }
  });
});
