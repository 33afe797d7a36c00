// The one definition of every token API decision other code repeats: scopes, lifetimes, limits, secret and tag names, variable names.
// It sits inside the service (deployed alone); the Pulumi program, runbooks and local dev import it, the policy
// pack keeps a copy that tests/policies pins to this file.

/** ACS token scopes (Identity API 2023-10-01 `CommunicationIdentityTokenScope`). */
export const ACS_TOKEN_SCOPES = ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] as const;
export type AcsScope = (typeof ACS_TOKEN_SCOPES)[number];

/** ACS accepts `expiresInMinutes` 60..1440 (Identity API 2023-10-01); anything else is a 400 there. */
export const TOKEN_LIFETIME_MINUTES = { min: 60, max: 1440 } as const;

/**
 * The defaults every environment uses unless its config says otherwise: `npm run dev`, the App Service
 * settings the program writes, and the service itself when a variable is unset.
 *
 * - One hour tokens: the client SDK refreshes on its own 10 minutes before `exp`, so a short lifetime costs a
 *   refresh an hour and bounds how long a leaked token works.
 * - Per-user 30 requests a minute, per instance: a client needs one token an hour; 30 leaves room for many
 *   tabs and retries. With N instances behind the load balancer a user can reach N × 30 (stated in
 *   docs/interfaces.md).
 * - Per-address 120 failed authentications a minute, per instance: only requests that fail authentication
 *   count, so one user flooding behind a carrier NAT never starves the others on that address.
 * - Least privilege: `chat.join.limited` lets a user read, send and leave the threads they are in, but not create
 *   threads or add/remove participants; `voip.join` lets them join calls but not start them ("Access tokens"
 *   scopes table, https://learn.microsoft.com/azure/communication-services/concepts/identity-model). Threads are
 *   created and managed by the conversations API (docs/conversations.md). A stack may allow `chat`/`voip`
 *   (tokenApi.token.allowedScopes); the pack flags `chat` in prod (web-webapp-disallow-chat-scope-in-prod).
 */
export const TOKEN_API_DEFAULTS = {
  allowedScopes: ["chat.join.limited", "voip.join"] as AcsScope[],
  defaultLifetimeMinutes: 60,
  maxLifetimeMinutes: 1440,
  minRemainingMinutes: 10,
  perUserPerMinute: 30,
  perIpPerMinute: 120,
  secretRefreshSeconds: 300,
  requestDeadlineMs: 8000,
  upstreamTimeoutMs: 3000,
  upstreamMaxRetries: 2,
  mappingTableName: "acsidentities",
  requiredScope: "acs.token",
} as const;

/**
 * How stale a cached token's revocation check may be: a token is handed out only if a read of its user's row,
 * started at most this long ago, showed the generation the token was issued under. After any instance answers
 * a revoke or an erase, no instance hands out an earlier token later than this.
 */
export const REVOCATION_BOUND_MS = 2000;

/**
 * The sweep that finishes erases an instance was killed in the middle of (docs/decisions/0015-token-api-trade-offs.md):
 * every instance, every `everyMs` (jittered by up to a half), erases again up to `batch` rows that have been
 * `erasing` for over `olderThanMs`. A running erase takes at most REQUEST_DEADLINE_MS (8 s), so 10 minutes never
 * catches one in progress; each erase of the sweep has `deadlineMs`.
 */
export const ERASING_SWEEP = { everyMs: 15 * 60_000, olderThanMs: 10 * 60_000, batch: 100, deadlineMs: 8000 } as const;

/** The Key Vault secret holding the ACS connection string, and the tag naming the key it holds. */
export const SECRET_NAME = "acs-connection-string";
export const ACTIVE_KEY_TAG = "acs-active-key";

/**
 * How the telemetry exporter authenticates to Application Insights ingestion: with the connection string's
 * instrumentation key alone (local stand-ins), or with an Entra token of the user-assigned managed identity
 * AZURE_CLIENT_ID names, which a component with `disableLocalAuth` requires (Learn
 * https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication). The deployed app always uses the latter.
 */
export const APPLICATIONINSIGHTS_AUTH_MODES = ["instrumentation-key", "managed-identity"] as const;
export type ApplicationInsightsAuthMode = (typeof APPLICATIONINSIGHTS_AUTH_MODES)[number];

/** Every environment variable the service reads (docs/interfaces.md). App settings are typed against it. */
export const TOKEN_API_ENV_NAMES = [
  "PORT",
  "HOST",
  "ACS_AUTH_MODE",
  "ACS_ENDPOINT",
  "KEY_VAULT_URI",
  "ACS_SECRET_NAME",
  "SECRET_REFRESH_SECONDS",
  "OIDC_ISSUER",
  "OIDC_AUDIENCE",
  "OIDC_JWKS_URI",
  "OIDC_REQUIRED_SCOPE",
  "OIDC_CLOCK_SKEW_SECONDS",
  "OIDC_JWKS_MIN_REFRESH_SECONDS",
  "MAPPING_TABLE_ENDPOINT",
  "MAPPING_TABLE_CONNECTION_STRING",
  "MAPPING_TABLE_NAME",
  "TOKEN_ALLOWED_SCOPES",
  "TOKEN_DEFAULT_LIFETIME_MINUTES",
  "TOKEN_MAX_LIFETIME_MINUTES",
  "TOKEN_MIN_REMAINING_MINUTES",
  "TOKEN_CACHE_MAX_ENTRIES",
  "CORS_ALLOWED_ORIGINS",
  "RATE_LIMIT_PER_USER_PER_MINUTE",
  "RATE_LIMIT_PER_IP_PER_MINUTE",
  "REQUEST_DEADLINE_MS",
  "UPSTREAM_TIMEOUT_MS",
  "UPSTREAM_MAX_RETRIES",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTH_MODE",
  "AZURE_CLIENT_ID",
  "AZURE_STATIC_BEARER_TOKEN",
  "WEBSITE_SITE_NAME",
  "WEBSITE_INSTANCE_ID",
  "LOG_LEVEL",
  "CONVERSATIONS_MANAGE_ROLE",
  "CONVERSATIONS_JOIN_ROLES",
] as const;
export type TokenApiEnvName = (typeof TOKEN_API_ENV_NAMES)[number];
/** A token API environment: only known names, each optional. */
export type TokenApiEnv = Partial<Record<TokenApiEnvName, string>>;
