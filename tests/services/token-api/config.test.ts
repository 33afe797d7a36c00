// Table tests of loadConfig: valid settings parse, and each bad value fails naming its variable.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../services/token-api/src/config";

const base = {
  ACS_AUTH_MODE: "key-vault",
  KEY_VAULT_URI: "https://kv-acs-dev.vault.azure.net/",
  OIDC_ISSUER: "https://login.microsoftonline.com/tenant/v2.0",
  OIDC_AUDIENCE: "api://acs-token-api",
  MAPPING_TABLE_ENDPOINT: "https://stacs.table.core.windows.net",
};

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(base);
    expect(config.acs).toEqual({
      mode: "key-vault",
      endpoint: undefined,
      keyVaultUri: "https://kv-acs-dev.vault.azure.net/",
      secretName: "acs-connection-string",
      secretRefreshSeconds: 300,
      staticBearerToken: undefined,
    });
    expect(config.oidc.requiredScope).toBe("acs.token");
    expect(config.tokens).toEqual({
      allowedScopes: ["chat.join.limited", "voip.join"],
      defaultLifetimeMinutes: 60,
      maxLifetimeMinutes: 1440,
      minRemainingMinutes: 10,
      cacheMaxEntries: 100000,
    });
    expect(config.rateLimits).toEqual({ perUserPerMinute: 30, perIpPerMinute: 120 });
    expect(config.mappingTable.name).toBe("acsidentities");
    expect(config.port).toBe(8080);
  });

  it("accepts managed-identity mode with an endpoint", () => {
    expect(
      loadConfig({ ...base, ACS_AUTH_MODE: "managed-identity", ACS_ENDPOINT: "https://acs-dev.communication.azure.com/" }).acs,
    ).toEqual({
      mode: "managed-identity",
      endpoint: "https://acs-dev.communication.azure.com/",
      staticBearerToken: undefined,
    });
  });

  it("sends telemetry with the instrumentation key by default, and with the identity AZURE_CLIENT_ID names in managed-identity mode", () => {
    expect(loadConfig(base).applicationInsightsAuth).toEqual({ mode: "instrumentation-key" });
    expect(
      loadConfig({ ...base, APPLICATIONINSIGHTS_AUTH_MODE: "managed-identity", AZURE_CLIENT_ID: "8a3c1f5e-2b7d-4c9a-9e61-0f4d2a7b5c13" })
        .applicationInsightsAuth,
    ).toEqual({ mode: "managed-identity", clientId: "8a3c1f5e-2b7d-4c9a-9e61-0f4d2a7b5c13" });
  });

  it("names the telemetry settings and what they accept", () => {
    expect(() => loadConfig({ ...base, APPLICATIONINSIGHTS_AUTH_MODE: "entra" })).toThrow(
      'APPLICATIONINSIGHTS_AUTH_MODE: invalid (Invalid option: expected one of "instrumentation-key"|"managed-identity")',
    );
    expect(() => loadConfig({ ...base, APPLICATIONINSIGHTS_AUTH_MODE: "managed-identity" })).toThrow(
      "AZURE_CLIENT_ID: missing (required when APPLICATIONINSIGHTS_AUTH_MODE=managed-identity)",
    );
    expect(() => loadConfig({ ...base, AZURE_CLIENT_ID: "not-a-guid" })).toThrow("AZURE_CLIENT_ID: invalid (must be a GUID (a client id))");
  });

  const failures: Array<[string, Record<string, string | undefined>, string]> = [
    ["mode missing", { ACS_AUTH_MODE: undefined }, "ACS_AUTH_MODE"],
    ["mode unknown", { ACS_AUTH_MODE: "connection-string" }, "ACS_AUTH_MODE"],
    ["vault missing in key-vault mode", { KEY_VAULT_URI: undefined }, "KEY_VAULT_URI"],
    ["endpoint missing in managed-identity mode", { ACS_AUTH_MODE: "managed-identity" }, "ACS_ENDPOINT"],
    ["issuer not a URL", { OIDC_ISSUER: "not a url" }, "OIDC_ISSUER"],
    ["audience missing", { OIDC_AUDIENCE: undefined }, "OIDC_AUDIENCE"],
    ["port not a number", { PORT: "eighty" }, "PORT"],
    ["lifetime below 60", { TOKEN_DEFAULT_LIFETIME_MINUTES: "59" }, "TOKEN_DEFAULT_LIFETIME_MINUTES"],
    ["max lifetime above 1440", { TOKEN_MAX_LIFETIME_MINUTES: "1441" }, "TOKEN_MAX_LIFETIME_MINUTES"],
    ["default above max", { TOKEN_DEFAULT_LIFETIME_MINUTES: "600", TOKEN_MAX_LIFETIME_MINUTES: "120" }, "TOKEN_DEFAULT_LIFETIME_MINUTES"],
    ["min remaining below 10", { TOKEN_MIN_REMAINING_MINUTES: "9" }, "TOKEN_MIN_REMAINING_MINUTES"],
    ["unknown scope", { TOKEN_ALLOWED_SCOPES: "chat,admin" }, "TOKEN_ALLOWED_SCOPES"],
    ["empty scope list", { TOKEN_ALLOWED_SCOPES: " , " }, "TOKEN_ALLOWED_SCOPES"],
    ["no mapping table", { MAPPING_TABLE_ENDPOINT: undefined }, "MAPPING_TABLE_ENDPOINT"],
    ["bad table name", { MAPPING_TABLE_NAME: "acs-identities" }, "MAPPING_TABLE_NAME"],
    ["static token on App Service", { AZURE_STATIC_BEARER_TOKEN: "x", WEBSITE_SITE_NAME: "app-token-api" }, "AZURE_STATIC_BEARER_TOKEN"],
    ["CORS wildcard", { CORS_ALLOWED_ORIGINS: "*" }, "CORS_ALLOWED_ORIGINS"],
    ["rate limit zero", { RATE_LIMIT_PER_USER_PER_MINUTE: "0" }, "RATE_LIMIT_PER_USER_PER_MINUTE"],
    ["refresh too frequent", { SECRET_REFRESH_SECONDS: "1" }, "SECRET_REFRESH_SECONDS"],
  ];
  it.each(failures)("fails fast when %s, naming %s", (_case, change, variable) => {
    const env: Record<string, string | undefined> = { ...base, ...change };
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
  });
});
