// Authenticates callers: validates OIDC access tokens with jose against the issuer's JWKS (docs/token-api.md, "Caller authentication").
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { AuthenticationError } from "./errors";

/** Asymmetric algorithms only: `none` and every HMAC (`HS*`) are refused, so a public key can never act as an HMAC secret. */
export const ALLOWED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** How long a verified token is remembered (bounds how late a key removed from the JWKS takes effect). */
const VERIFIED_TTL_MS = 5 * 60 * 1000;
const VERIFIED_MAX_ENTRIES = 50_000;

/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

export interface CallerIdentity {
  issuer: string;
  subject: string;
}

export interface AuthenticatorOptions {
  issuer: string;
  audience: string;
  jwksUri?: string;
  requiredScope: string;
  clockSkewSeconds: number;
  /** Floor between two JWKS fetches, also when an unknown `kid` arrives. */
  jwksMinRefreshSeconds: number;
}

export interface Authenticator {
  authenticate(authorizationHeader: string | undefined): Promise<CallerIdentity>;
}

function holdsScopeOrRole(payload: JWTPayload, required: string): boolean {
  const scopes = [payload["scp"], payload["scope"]]
    .filter((value): value is string => typeof value === "string")
    .flatMap((value) => value.split(" "));
  const roles = Array.isArray(payload["roles"]) ? payload["roles"].filter((role): role is string => typeof role === "string") : [];
  return scopes.includes(required) || roles.includes(required);
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`OIDC discovery answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== "string") throw new Error("OIDC discovery document has no jwks_uri");
  return document.jwks_uri;
}

/** Builds the authenticator; the JWKS is fetched lazily, cached, and re-fetched on an unknown `kid` no more often than the floor. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const getKeySet = (): Promise<JWTVerifyGetKey> => {
    keySet ??= (async () => {
      const uri = options.jwksUri ?? (await discoverJwksUri(options.issuer));
      return createRemoteJWKSet(new URL(uri), {
        cooldownDuration: options.jwksMinRefreshSeconds * 1000,
        cacheMaxAge: 10 * 60 * 1000,
        timeoutDuration: 5000,
      });
    })();
    // A failed discovery is retried on the next request rather than cached.
    keySet.catch(() => (keySet = undefined));
    return keySet;
  };

  // Tokens that passed every check, by their exact text, until exp (plus skew) but at most VERIFIED_TTL_MS:
  // a repeat call skips the signature check; an exact-string match cannot be forged.
  const verified = new Map<string, { caller: CallerIdentity; until: number }>();

  return {
    async authenticate(header) {
      if (!header) throw new AuthenticationError("missing_token", "An Authorization: Bearer token is required.");
      const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim());
      if (!match || match[1]!.length > MAX_TOKEN_LENGTH) {
        throw new AuthenticationError("invalid_token", "The Authorization header is not a Bearer token.");
      }
      const known = verified.get(match[1]!);
      if (known) {
        if (known.until > Date.now()) return known.caller;
        verified.delete(match[1]!);
      }
      let jwks: JWTVerifyGetKey;
      try {
        jwks = await getKeySet();
      } catch {
        throw new AuthenticationError("invalid_token", "The token could not be validated.");
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(match[1]!, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: options.clockSkewSeconds,
          requiredClaims: ["exp", "sub", "iss", "aud"],
        }));
      } catch {
        // One message for every cause, so the answer does not help an attacker tune a forgery.
        throw new AuthenticationError("invalid_token", "The access token is invalid or expired.");
      }
      if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 256) {
        throw new AuthenticationError("invalid_token", "The access token is invalid or expired.");
      }
      if (!holdsScopeOrRole(payload, options.requiredScope)) {
        throw new AuthenticationError("insufficient_scope", `The access token lacks the scope or role "${options.requiredScope}".`);
      }
      const caller = { issuer: payload.iss!, subject: payload.sub };
      if (verified.size >= VERIFIED_MAX_ENTRIES) verified.delete(verified.keys().next().value as string);
      verified.set(match[1]!, { caller, until: Math.min((payload.exp! + options.clockSkewSeconds) * 1000, Date.now() + VERIFIED_TTL_MS) });
      return caller;
    },
  };
}
