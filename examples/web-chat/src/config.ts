// What the page needs to know, fetched at start from ./config.json: where the token API and ACS are, how users sign in, how updates arrive.

/** Development-only sign-in: the local OIDC issuer's page (`npm run dev`), which redirects back with a token. */
export interface DevSignInConfig {
  kind: "dev";
  /** The issuer's sign-in page (env.json `devSignInUrl`). */
  url: string;
}

/**
 * Entra ID with MSAL (authorization code flow with PKCE): a single-page-application registration whose redirect URI
 * is this app's origin + "/", with a delegated permission to the token API's `acs.token` scope (examples/web-chat/README.md).
 */
export interface EntraSignInConfig {
  kind: "entra";
  /** The SPA registration's application (client) id. */
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant id>`. */
  authority: string;
  /** The token API's scope, `api://<token API app id>/acs.token` (its audience + OIDC_REQUIRED_SCOPE). */
  apiScope: string;
}

export interface AppConfig {
  /** The token API's base URL (no trailing /api). */
  tokenApiUrl: string;
  /** The ACS resource endpoint, https://<name>.<geo>.communication.azure.com/. */
  acsEndpoint: string;
  signIn: DevSignInConfig | EntraSignInConfig;
  /**
   * `notifications`: ACS real-time notifications (browser only; what Azure offers). `poll`: list messages since the
   * last one every `pollIntervalMs` (the local emulator has no real-time channel).
   */
  realtime: "notifications" | "poll";
  /** Poll period in ms (default 2000). */
  pollIntervalMs?: number;
}

/** A field of config.json that is missing or of the wrong type, named. */
export class ConfigError extends Error {}

const isString = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** Checks a parsed config.json, naming the first wrong field. */
export function parseAppConfig(raw: unknown): AppConfig {
  const c = (raw ?? {}) as Record<string, unknown>;
  const signIn = (c.signIn ?? {}) as Record<string, unknown>;
  const need = (ok: boolean, field: string, accepted: string) => {
    if (!ok) throw new ConfigError(`config.json: ${field} must be ${accepted}`);
  };
  need(isString(c.tokenApiUrl), "tokenApiUrl", "the token API's URL");
  need(isString(c.acsEndpoint) && c.acsEndpoint.startsWith("https://"), "acsEndpoint", "the ACS endpoint (https://…)");
  need(c.realtime === "notifications" || c.realtime === "poll", "realtime", '"notifications" or "poll"');
  need(
    c.pollIntervalMs === undefined || (typeof c.pollIntervalMs === "number" && c.pollIntervalMs >= 250),
    "pollIntervalMs",
    "a number ≥ 250",
  );
  if (signIn.kind === "dev") need(isString(signIn.url), "signIn.url", "the dev sign-in page's URL");
  else {
    need(signIn.kind === "entra", "signIn.kind", '"dev" or "entra"');
    for (const field of ["clientId", "authority", "apiScope"]) need(isString(signIn[field]), `signIn.${field}`, "a non-empty string");
  }
  return c as unknown as AppConfig;
}
