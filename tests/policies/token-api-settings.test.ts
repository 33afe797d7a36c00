// The policy pack's own copies of the token API's decisions (it is loaded alone by the Pulumi CLI) match the service's settings.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allPolicies } from "../../policies/policies";
import { webWebappConfigureTokenLifetime } from "../../policies/web-webapp-configure-token-lifetime";
import { webWebappEnforceAllowedScopes } from "../../policies/web-webapp-enforce-allowed-scopes";
import { webWebappDisallowChatScopeInProd } from "../../policies/web-webapp-disallow-chat-scope-in-prod";
import { ACS_TOKEN_SCOPES, TOKEN_API_DEFAULTS, TOKEN_API_ENV_NAMES, TOKEN_LIFETIME_MINUTES } from "../../services/token-api/src/settings";

const POLICIES_DIR = path.resolve(__dirname, "..", "..", "policies");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the policy config schemas are JSON Schema literals
const props = (policy: { configSchema?: unknown }) => (policy.configSchema as any).properties;

describe("policy pack copies of the token API settings", () => {
  it("lifetime policy: the ACS range and its defaults", () => {
    const { minMinutes, maxMinutes } = props(webWebappConfigureTokenLifetime);
    expect([minMinutes.minimum, minMinutes.maximum, maxMinutes.minimum, maxMinutes.maximum]).toEqual([
      TOKEN_LIFETIME_MINUTES.min,
      TOKEN_LIFETIME_MINUTES.max,
      TOKEN_LIFETIME_MINUTES.min,
      TOKEN_LIFETIME_MINUTES.max,
    ]);
    expect([minMinutes.default, maxMinutes.default]).toEqual([TOKEN_LIFETIME_MINUTES.min, TOKEN_API_DEFAULTS.maxLifetimeMinutes]);
  });

  it("scope policy: the ACS scope list and the default allow-list", () => {
    const { allowedScopes } = props(webWebappEnforceAllowedScopes);
    expect(allowedScopes.items.enum).toEqual([...ACS_TOKEN_SCOPES]);
    expect(allowedScopes.default).toEqual(TOKEN_API_DEFAULTS.allowedScopes);
    const prod = props(webWebappDisallowChatScopeInProd);
    expect(prod.disallowedScopes.items.enum).toEqual([...ACS_TOKEN_SCOPES]);
    // The pack cannot import the service: its one copy of the default scopes (web-webapp-enforce-allowed-scopes.ts).
    expect(readFileSync(path.join(POLICIES_DIR, "web-webapp-enforce-allowed-scopes.ts"), "utf8")).toContain(
      `export const DEFAULT_SCOPES = ${JSON.stringify(TOKEN_API_DEFAULTS.allowedScopes).replace(/,/g, ", ")};`,
    );
  });

  it("the variables the policies read are variables the service reads", () => {
    // Read from the token API policies' own sources, so a renamed or misspelt variable in a policy fails here.
    const read = new Set(
      allPolicies
        .filter((p) => p.group === "token-api")
        .map((p) => `${p.name}.ts`)
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
