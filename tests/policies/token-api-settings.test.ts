// The policy pack's own copies of the token API's decisions (it is loaded alone by the Pulumi CLI) match the service's settings.ts.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tokenapiWebappConfigureTokenLifetime } from "../../policies/tokenapi-webapp-configure-token-lifetime";
import { tokenapiWebappEnforceAllowedScopes } from "../../policies/tokenapi-webapp-enforce-allowed-scopes";
import { tokenapiWebappDisallowChatScopeInProd } from "../../policies/tokenapi-webapp-disallow-chat-scope-in-prod";
import { ACS_TOKEN_SCOPES, TOKEN_API_DEFAULTS, TOKEN_API_ENV_NAMES, TOKEN_LIFETIME_MINUTES } from "../../services/token-api/src/settings";

const POLICIES_DIR = path.resolve(__dirname, "..", "..", "policies");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the policy config schemas are JSON Schema literals
const props = (policy: { configSchema?: unknown }) => (policy.configSchema as any).properties;

describe("policy pack copies of the token API settings", () => {
  it("lifetime policy: the ACS range and its defaults", () => {
    const { minMinutes, maxMinutes } = props(tokenapiWebappConfigureTokenLifetime);
    expect([minMinutes.minimum, minMinutes.maximum, maxMinutes.minimum, maxMinutes.maximum]).toEqual([
      TOKEN_LIFETIME_MINUTES.min,
      TOKEN_LIFETIME_MINUTES.max,
      TOKEN_LIFETIME_MINUTES.min,
      TOKEN_LIFETIME_MINUTES.max,
    ]);
    expect([minMinutes.default, maxMinutes.default]).toEqual([TOKEN_LIFETIME_MINUTES.min, TOKEN_API_DEFAULTS.maxLifetimeMinutes]);
  });

  it("scope policy: the ACS scope list and the default allow-list", () => {
    const { allowedScopes } = props(tokenapiWebappEnforceAllowedScopes);
    expect(allowedScopes.items.enum).toEqual([...ACS_TOKEN_SCOPES]);
    expect(allowedScopes.default).toEqual(TOKEN_API_DEFAULTS.allowedScopes);
    const prod = props(tokenapiWebappDisallowChatScopeInProd);
    expect(prod.disallowedScopes.items.enum).toEqual([...ACS_TOKEN_SCOPES]);
    expect(readFileSync(path.join(POLICIES_DIR, "tokenapi-webapp-disallow-chat-scope-in-prod.ts"), "utf8")).toContain(
      `const DEFAULT_SCOPES = ${JSON.stringify(TOKEN_API_DEFAULTS.allowedScopes).replace(/,/g, ", ")};`,
    );
  });

  it("the variables the policies read are variables the service reads", () => {
    // Read from the token API policies' own sources, so a renamed or misspelt variable in a policy fails here.
    const read = new Set(
      readdirSync(POLICIES_DIR)
        .filter((f) => f.startsWith("tokenapi-") && f.endsWith(".ts"))
        .flatMap((f) => [...readFileSync(path.join(POLICIES_DIR, f), "utf8").matchAll(/"((?:TOKEN|ACS)_[A-Z_]+)"/g)].map((m) => m[1]!)),
    );
    expect([...read].sort()).toEqual([
      "ACS_AUTH_MODE",
      "TOKEN_ALLOWED_SCOPES",
      "TOKEN_DEFAULT_LIFETIME_MINUTES",
      "TOKEN_MAX_LIFETIME_MINUTES",
    ]);
    expect([...read].filter((name) => !(TOKEN_API_ENV_NAMES as readonly string[]).includes(name))).toEqual([]);
  });
});
