// README, docs/token-api.md and docs/interfaces.md state the token API's names and defaults as settings.ts defines them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JWKS_CACHE_MAX_AGE_MS, KEY_REMOVAL_BOUND_MS } from "../../../services/token-api/src/auth";
import { loadConfig } from "../../../services/token-api/src/config";
import { REQUEST_LOG } from "../../../services/token-api/src/logger";
import { VERIFIED_MAX_BYTES, VERIFIED_TTL_MS } from "../../../services/token-api/src/verifiedTokens";
import {
  REVOCATION_BOUND_MS,
  SECRET_NAME,
  ACTIVE_KEY_TAG,
  TOKEN_API_DEFAULTS as D,
  TOKEN_API_ENV_NAMES,
  TOKEN_LIFETIME_MINUTES,
} from "../../../services/token-api/src/settings";
import { tokenApiConfigSchema } from "../../../components/token-api-host/config";

const root = join(__dirname, "..", "..", "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");
const readme = read("README.md");
const tokenApiDoc = read("docs/token-api.md");
const interfaces = read("docs/interfaces.md");

/** The cell after `| \`NAME\` |` in a Markdown table. */
const row = (doc: string, name: string) => new RegExp(`^\\| \`${name.replace(/[.[\]]/g, "\\$&")}\` \\|(.*)$`, "m").exec(doc)?.[1];

describe("docs agree with settings.ts", () => {
  it("interfaces.md lists every variable the service reads, and no other", () => {
    const listed = [...interfaces.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(TOKEN_API_ENV_NAMES));
  });

  it("interfaces.md gives the defaults the service uses", () => {
    const defaults: Array<[string, string]> = [
      ["TOKEN_DEFAULT_LIFETIME_MINUTES", String(D.defaultLifetimeMinutes)],
      ["TOKEN_MAX_LIFETIME_MINUTES", String(D.maxLifetimeMinutes)],
      ["TOKEN_MIN_REMAINING_MINUTES", String(D.minRemainingMinutes)],
      ["RATE_LIMIT_PER_USER_PER_MINUTE", String(D.perUserPerMinute)],
      ["RATE_LIMIT_PER_IP_PER_MINUTE", String(D.perIpPerMinute)],
      ["SECRET_REFRESH_SECONDS", String(D.secretRefreshSeconds)],
      ["REQUEST_DEADLINE_MS", String(D.requestDeadlineMs)],
      ["UPSTREAM_TIMEOUT_MS", String(D.upstreamTimeoutMs)],
      ["UPSTREAM_MAX_RETRIES", String(D.upstreamMaxRetries)],
      ["TOKEN_ALLOWED_SCOPES", D.allowedScopes.join(",")],
      ["ACS_SECRET_NAME", SECRET_NAME],
      ["MAPPING_TABLE_NAME", D.mappingTableName],
      ["OIDC_REQUIRED_SCOPE", D.requiredScope],
    ];
    for (const [name, value] of defaults) expect(row(interfaces, name), name).toContain(`default \`${value}\``);
    expect(row(interfaces, "TOKEN_DEFAULT_LIFETIME_MINUTES")).toContain(`${TOKEN_LIFETIME_MINUTES.min}..${TOKEN_LIFETIME_MINUTES.max}`);
    expect(interfaces).toContain(`Tag \`${ACTIVE_KEY_TAG}\``);
    expect(interfaces).toContain(`\`REVOCATION_BOUND_MS\` (${REVOCATION_BOUND_MS} ms`);
  });

  it("the service's defaults are the program's defaults (what npm run dev and a deployed environment run)", () => {
    const section = tokenApiConfigSchema.parse({
      plan: { skuName: "B1", instanceCount: 1 },
      oidc: { issuer: "https://login.example.com/", audience: "api://x" },
    });
    const service = loadConfig({
      ACS_AUTH_MODE: "managed-identity",
      ACS_ENDPOINT: "https://acs.example.com/",
      OIDC_ISSUER: "https://login.example.com/",
      OIDC_AUDIENCE: "api://x",
      MAPPING_TABLE_ENDPOINT: "https://t.example.com",
    });
    expect(section.token.defaultLifetimeMinutes).toBe(service.tokens.defaultLifetimeMinutes);
    expect(section.token.maxLifetimeMinutes).toBe(service.tokens.maxLifetimeMinutes);
    expect(section.token.allowedScopes).toEqual(service.tokens.allowedScopes);
    expect(section.rateLimit).toEqual(service.rateLimits);
    expect(section.secretRefreshSeconds).toBe(D.secretRefreshSeconds);
  });

  it("the README's config reference states the same defaults", () => {
    expect(row(readme, "tokenApi.token.defaultLifetimeMinutes")).toContain(`\`${D.defaultLifetimeMinutes}\``);
    expect(row(readme, "tokenApi.token.maxLifetimeMinutes")).toContain(`\`${D.maxLifetimeMinutes}\``);
    expect(row(readme, "tokenApi.rateLimit.perUserPerMinute")).toMatch(new RegExp(`\`${D.perUserPerMinute}\`.*per instance`));
    expect(row(readme, "tokenApi.rateLimit.perIpPerMinute")).toMatch(new RegExp(`\`${D.perIpPerMinute}\`.*per instance`));
    expect(row(readme, "tokenApi.secretRefreshSeconds")).toContain(`\`${D.secretRefreshSeconds}\``);
  });

  it("docs/token-api.md states the same defaults and bound", () => {
    expect(tokenApiDoc).toContain(`\`RATE_LIMIT_PER_USER_PER_MINUTE\` (default ${D.perUserPerMinute};`);
    expect(tokenApiDoc).toContain(`\`RATE_LIMIT_PER_IP_PER_MINUTE\`, default ${D.perIpPerMinute})`);
    expect(tokenApiDoc).toContain(
      `lifetime default \`TOKEN_DEFAULT_LIFETIME_MINUTES\` (${D.defaultLifetimeMinutes}), capped by \`TOKEN_MAX_LIFETIME_MINUTES\` (${D.maxLifetimeMinutes})`,
    );
    expect(tokenApiDoc).toContain(`**${REVOCATION_BOUND_MS} ms** (\`REVOCATION_BOUND_MS\`)`);
    expect(tokenApiDoc).toContain(`\`REQUEST_DEADLINE_MS\`, ${D.requestDeadlineMs}`);
    // The old, contradicting figures are gone.
    expect(tokenApiDoc).not.toMatch(/default 60\) and per client\s+IP|default 600/);
  });

  it("docs/token-api.md and decision 0034 state how long a removed key works and what a crash loses, as the code defines them", () => {
    const decision0034 = read("docs/decisions/0034-token-api-hot-path.md");
    const minutes = (ms: number) => ms / 60_000;
    const inOneLine = (text: string) => text.replace(/\s+/g, " ");
    for (const text of [tokenApiDoc, decision0034].map(inOneLine)) {
      expect(text).toContain(`up to ${minutes(KEY_REMOVAL_BOUND_MS)} minutes`);
      expect(text).toContain(`(\`JWKS_CACHE_MAX_AGE_MS\``);
      expect(text).toContain(`${VERIFIED_MAX_BYTES / 1024 / 1024} MiB`);
    }
    expect(inOneLine(tokenApiDoc)).toContain(
      `trusts its cached JWKS for ${minutes(JWKS_CACHE_MAX_AGE_MS)} minutes (\`JWKS_CACHE_MAX_AGE_MS\`), and a token it verified then is remembered ${minutes(VERIFIED_TTL_MS)} more`,
    );
    expect(inOneLine(tokenApiDoc)).toContain(
      `the success counts not yet written, up to the last ${REQUEST_LOG.summaryMs / 1000} s (\`REQUEST_LOG.summaryMs\``,
    );
    // No heading twice on one line; the old artifact's size as decision 0033 measured it.
    expect(tokenApiDoc).not.toMatch(/^(#+ .+)\1$/m);
    expect(read("docs/decisions/0033-token-api-ships-as-a-bundle.md")).toContain("24.1 MB in 19,633 files");
    expect(inOneLine(tokenApiDoc)).toContain("24.1 MB in 19,633 files");
    expect(tokenApiDoc).not.toContain("19,637");
  });
});
