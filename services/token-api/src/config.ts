// Reads the token API's configuration from the environment once, validating every variable (docs/interfaces.md).
import { z } from "zod";
import type { AuthenticatorOptions } from "./auth";
import { DEFAULT_MANAGE_ROLE, TYPE_PATTERN } from "./conversations/limits";
import {
  ACS_TOKEN_SCOPES,
  APPLICATIONINSIGHTS_AUTH_MODES,
  SECRET_NAME,
  TOKEN_API_DEFAULTS as D,
  TOKEN_LIFETIME_MINUTES as L,
  type AcsScope,
  type TokenApiEnvName,
} from "./settings";

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = "ConfigError";
  }
}

const csv = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

const httpsUrl = z.url({ protocol: /^https?$/ });

const schema = z.object({
  HOST: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ACS_AUTH_MODE: z.enum(["key-vault", "managed-identity"]),
  ACS_ENDPOINT: httpsUrl.optional(),
  KEY_VAULT_URI: httpsUrl.optional(),
  ACS_SECRET_NAME: z
    .string()
    .regex(/^[0-9a-zA-Z-]{1,127}$/)
    .default(SECRET_NAME),
  SECRET_REFRESH_SECONDS: z.coerce.number().int().min(5).max(86_400).default(D.secretRefreshSeconds),
  OIDC_ISSUER: httpsUrl,
  OIDC_AUDIENCE: z.string().min(1),
  OIDC_JWKS_URI: httpsUrl.optional(),
  OIDC_REQUIRED_SCOPE: z.string().min(1).default(D.requiredScope),
  OIDC_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  OIDC_JWKS_MIN_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  MAPPING_TABLE_ENDPOINT: httpsUrl.optional(),
  MAPPING_TABLE_CONNECTION_STRING: z.string().min(1).optional(),
  MAPPING_TABLE_NAME: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/)
    .default(D.mappingTableName),
  TOKEN_ALLOWED_SCOPES: z.string().default(D.allowedScopes.join(",")),
  TOKEN_DEFAULT_LIFETIME_MINUTES: z.coerce.number().int().min(L.min).max(L.max).default(D.defaultLifetimeMinutes),
  TOKEN_MAX_LIFETIME_MINUTES: z.coerce.number().int().min(L.min).max(L.max).default(D.maxLifetimeMinutes),
  TOKEN_MIN_REMAINING_MINUTES: z.coerce
    .number()
    .int()
    .min(10)
    .max(L.max - L.min)
    .default(D.minRemainingMinutes),
  TOKEN_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  CORS_ALLOWED_ORIGINS: z.string().default(""),
  RATE_LIMIT_PER_USER_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(D.perUserPerMinute),
  RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(D.perIpPerMinute),
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(D.requestDeadlineMs),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(D.upstreamTimeoutMs),
  UPSTREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(D.upstreamMaxRetries),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
  APPLICATIONINSIGHTS_AUTH_MODE: z.enum(APPLICATIONINSIGHTS_AUTH_MODES).default("instrumentation-key"),
  AZURE_CLIENT_ID: z
    .string()
    .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a GUID (a client id)")
    .optional(),
  AZURE_STATIC_BEARER_TOKEN: z.string().min(1).optional(),
  WEBSITE_SITE_NAME: z.string().optional(),
  WEBSITE_INSTANCE_ID: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CONVERSATIONS_MANAGE_ROLE: z
    .string()
    .regex(/^[\x21-\x7e]{1,120}$/)
    .default(DEFAULT_MANAGE_ROLE),
  CONVERSATIONS_JOIN_ROLES: z.string().default(""),
});

export type { AcsScope };

export interface TokenApiConfig {
  port: number;
  host?: string;
  acs:
    | {
        mode: "key-vault";
        endpoint?: string;
        keyVaultUri: string;
        secretName: string;
        secretRefreshSeconds: number;
        staticBearerToken?: string;
      }
    | { mode: "managed-identity"; endpoint: string; staticBearerToken?: string };
  oidc: AuthenticatorOptions;
  mappingTable: { name: string; connectionString?: string; endpoint?: string };
  tokens: {
    allowedScopes: AcsScope[];
    defaultLifetimeMinutes: number;
    maxLifetimeMinutes: number;
    minRemainingMinutes: number;
    cacheMaxEntries: number;
  };
  corsAllowedOrigins: string[];
  rateLimits: { perUserPerMinute: number; perIpPerMinute: number };
  upstream: { requestDeadlineMs: number; timeoutMs: number; maxRetries: number };
  applicationInsightsConnectionString?: string;
  /** How telemetry authenticates: the key alone, or the user-assigned identity with this client id. */
  applicationInsightsAuth: { mode: "instrumentation-key" } | { mode: "managed-identity"; clientId: string };
  logLevel: string;
  conversations: {
    /** The app role (JWT `roles`) a service caller needs for the conversation management routes. */
    manageRole: string;
    /** Per conversation type, the roles whose holders may join any conversation of it (POST .../join). */
    joinRoles: Record<string, string[]>;
  };
}

/** `case=support.agent|support.lead;order=ops` -> { case: [...], order: [...] }; a clear ConfigError otherwise. */
function parseJoinRoles(value: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const entry of value
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    const type = match?.[1]!.trim() ?? "";
    const roles = (match?.[2] ?? "")
      .split("|")
      .map((role) => role.trim())
      .filter(Boolean);
    if (
      !match ||
      !TYPE_PATTERN.test(type) ||
      roles.length === 0 ||
      roles.some((role) => !/^[\x21-\x7e]{1,120}$/.test(role) || role.includes(";"))
    ) {
      throw new ConfigError(
        "CONVERSATIONS_JOIN_ROLES",
        `"${entry.slice(0, 80)}" is not type=role|role (type ${TYPE_PATTERN.source}), entries separated by ";"`,
      );
    }
    result[type] = roles;
  }
  return result;
}

type Env = Record<string, string | undefined>;

// Every variable the schema reads is a name settings.ts declares, and every declared name is read.
const _namesAgree: [keyof z.infer<typeof schema>] extends [TokenApiEnvName]
  ? [TokenApiEnvName] extends [keyof z.infer<typeof schema>]
    ? true
    : never
  : never = true;
void _namesAgree;

/** Validates `env` and returns the typed configuration, or throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): TokenApiConfig {
  // Empty strings are treated as unset, as App Service renders removed settings that way.
  const cleaned: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    const shown = cleaned[variable] === undefined ? "missing" : "invalid";
    throw new ConfigError(variable, `${shown} (${issue.message})`);
  }
  const e = parsed.data;

  const allowedScopes = csv(e.TOKEN_ALLOWED_SCOPES);
  if (allowedScopes.length === 0) throw new ConfigError("TOKEN_ALLOWED_SCOPES", "must list at least one scope");
  for (const scope of allowedScopes) {
    if (!(ACS_TOKEN_SCOPES as readonly string[]).includes(scope)) {
      throw new ConfigError("TOKEN_ALLOWED_SCOPES", `unknown ACS scope "${scope}" (allowed: ${ACS_TOKEN_SCOPES.join(", ")})`);
    }
  }
  if (e.TOKEN_DEFAULT_LIFETIME_MINUTES > e.TOKEN_MAX_LIFETIME_MINUTES) {
    throw new ConfigError("TOKEN_DEFAULT_LIFETIME_MINUTES", "must not exceed TOKEN_MAX_LIFETIME_MINUTES");
  }
  if (e.TOKEN_MIN_REMAINING_MINUTES >= e.TOKEN_DEFAULT_LIFETIME_MINUTES) {
    throw new ConfigError("TOKEN_MIN_REMAINING_MINUTES", "must be below TOKEN_DEFAULT_LIFETIME_MINUTES");
  }
  if (!e.MAPPING_TABLE_CONNECTION_STRING && !e.MAPPING_TABLE_ENDPOINT) {
    throw new ConfigError("MAPPING_TABLE_ENDPOINT", "missing (or set MAPPING_TABLE_CONNECTION_STRING for local development)");
  }
  if (e.AZURE_STATIC_BEARER_TOKEN && e.WEBSITE_SITE_NAME) {
    throw new ConfigError("AZURE_STATIC_BEARER_TOKEN", "is for local development only and is refused on App Service");
  }
  const corsAllowedOrigins = csv(e.CORS_ALLOWED_ORIGINS);
  for (const origin of corsAllowedOrigins) {
    if (!/^https?:\/\/[^/\s*]+$/.test(origin))
      throw new ConfigError("CORS_ALLOWED_ORIGINS", `"${origin}" is not an origin (scheme://host[:port])`);
  }

  if (e.APPLICATIONINSIGHTS_AUTH_MODE === "managed-identity" && !e.AZURE_CLIENT_ID) {
    throw new ConfigError("AZURE_CLIENT_ID", "missing (required when APPLICATIONINSIGHTS_AUTH_MODE=managed-identity)");
  }

  let acs: TokenApiConfig["acs"];
  if (e.ACS_AUTH_MODE === "managed-identity") {
    if (!e.ACS_ENDPOINT) throw new ConfigError("ACS_ENDPOINT", "missing (required when ACS_AUTH_MODE=managed-identity)");
    acs = { mode: "managed-identity", endpoint: e.ACS_ENDPOINT, staticBearerToken: e.AZURE_STATIC_BEARER_TOKEN };
  } else {
    if (!e.KEY_VAULT_URI) throw new ConfigError("KEY_VAULT_URI", "missing (required when ACS_AUTH_MODE=key-vault)");
    acs = {
      mode: "key-vault",
      endpoint: e.ACS_ENDPOINT,
      keyVaultUri: e.KEY_VAULT_URI,
      secretName: e.ACS_SECRET_NAME,
      secretRefreshSeconds: e.SECRET_REFRESH_SECONDS,
      staticBearerToken: e.AZURE_STATIC_BEARER_TOKEN,
    };
  }

  return {
    port: e.PORT,
    host: e.HOST,
    acs,
    oidc: {
      issuer: e.OIDC_ISSUER,
      audience: e.OIDC_AUDIENCE,
      jwksUri: e.OIDC_JWKS_URI,
      requiredScope: e.OIDC_REQUIRED_SCOPE,
      clockSkewSeconds: e.OIDC_CLOCK_SKEW_SECONDS,
      jwksMinRefreshSeconds: e.OIDC_JWKS_MIN_REFRESH_SECONDS,
    },
    mappingTable: { name: e.MAPPING_TABLE_NAME, connectionString: e.MAPPING_TABLE_CONNECTION_STRING, endpoint: e.MAPPING_TABLE_ENDPOINT },
    tokens: {
      allowedScopes: allowedScopes as AcsScope[],
      defaultLifetimeMinutes: e.TOKEN_DEFAULT_LIFETIME_MINUTES,
      maxLifetimeMinutes: e.TOKEN_MAX_LIFETIME_MINUTES,
      minRemainingMinutes: e.TOKEN_MIN_REMAINING_MINUTES,
      cacheMaxEntries: e.TOKEN_CACHE_MAX_ENTRIES,
    },
    corsAllowedOrigins,
    rateLimits: { perUserPerMinute: e.RATE_LIMIT_PER_USER_PER_MINUTE, perIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE },
    upstream: { requestDeadlineMs: e.REQUEST_DEADLINE_MS, timeoutMs: e.UPSTREAM_TIMEOUT_MS, maxRetries: e.UPSTREAM_MAX_RETRIES },
    applicationInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
    applicationInsightsAuth:
      e.APPLICATIONINSIGHTS_AUTH_MODE === "managed-identity"
        ? { mode: "managed-identity", clientId: e.AZURE_CLIENT_ID! }
        : { mode: "instrumentation-key" },
    logLevel: e.LOG_LEVEL,
    conversations: { manageRole: e.CONVERSATIONS_MANAGE_ROLE, joinRoles: parseJoinRoles(e.CONVERSATIONS_JOIN_ROLES) },
  };
}
