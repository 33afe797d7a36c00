// Authenticates callers: validates OIDC access tokens with jose against the issuer's JWKS; an unreachable JWKS is a 503, not a 401.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { AuthenticationError, ServiceUnavailableError } from "./errors";
import { DuplicateMemberError, parseStrictJson } from "./strictJson";
import { VERIFIED_TTL_MS, VerifiedTokens } from "./verifiedTokens";

/** Asymmetric algorithms only: `none` and every HMAC (`HS*`) are refused, so a public key can never act as an HMAC secret. */
const ALLOWED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/**
 * How long jose keeps a fetched JWKS before fetching it again (createRemoteJWKSet's `cacheMaxAge`, here jose's own
 * default of 10 minutes: "Maximum age of cached keys", https://github.com/panva/jose/blob/main/src/jwks/remote.ts).
 * A key removed from the issuer's JWKS is still trusted for new tokens until the cached set is this old (jose
 * measures the age with Date.now()).
 */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * The longest a token signed by a key removed from the issuer's JWKS keeps working after the removal: jose may
 * verify a new one with the cached set until it is JWKS_CACHE_MAX_AGE_MS old, and recall then knows that token for
 * VERIFIED_TTL_MS more (15 minutes; docs/decisions/0034-token-api-hot-path.md).
 */
export const KEY_REMOVAL_BOUND_MS = JWKS_CACHE_MAX_AGE_MS + VERIFIED_TTL_MS;

/** JWS compact serialization: three base64url parts without padding (RFC 7515 sections 2 and 7.1), after the scheme. */
const BEARER_PATTERN = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * Oldest `iat` accepted: a day, far longer than an access token should live and short enough to bound a token
 * minted with a far-off `exp` (a leaked signing key, a misconfigured issuer).
 */
const MAX_TOKEN_AGE_SECONDS = 24 * 3600;

/**
 * What a `sub` may be: 1..255 visible ASCII characters (OpenID Connect Core 1.0 section 2: "It MUST NOT exceed
 * 255 ASCII characters in length"); no spaces or control characters that could split a log line or a key.
 */
export const SUBJECT_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** How long the identity provider's JWKS may take to answer before the caller gets 503. */
const JWKS_TIMEOUT_MS = 2000;

const idpUnavailable = () =>
  new ServiceUnavailableError("idp_unavailable", "The identity provider's signing keys cannot be fetched; retry later.", 5);

/**
 * Whether a verification failure came from fetching the JWKS (timeout, connection, non-200, unparsable) rather
 * than from the token: jose raises token problems as JWT and JWS errors and "no matching key" for an unknown `kid`.
 */
function isKeyFetchFailure(error: unknown): boolean {
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return true;
  if (!(error instanceof joseErrors.JOSEError)) return true;
  return /JSON Web Key Set HTTP response/.test(error.message);
}

/** Whether `part` is the one base64url spelling of its bytes (no padding, unused trailing bits zero). */
const isCanonicalBase64url = (part: string): boolean =>
  part.length % 4 !== 1 && Buffer.from(part, "base64url").toString("base64url") === part;

/** One key per caller (issuer and subject), for per-user maps and limits. */
export const callerKey = (caller: CallerIdentity): string => `${caller.issuer}\n${caller.subject}`;

/** The 401 for a verified token without the end-user scope (it counts as a failed authentication of the address). */
export const insufficientScope = (requiredScope: string): AuthenticationError =>
  new AuthenticationError("insufficient_scope", `The access token lacks the scope or role "${requiredScope}".`);

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

/** A token that passed every check but the scope: who it is and what it may do (the conversations API decides per route). */
export interface VerifiedToken {
  caller: CallerIdentity;
  /** The `roles` claim (app roles: a service caller's `conversations.manage`, a support agent's join role). */
  roles: readonly string[];
  /** Whether the token carries OIDC_REQUIRED_SCOPE as a scope or role (what an end user's token needs). */
  endUser: boolean;
}

export interface Authenticator {
  authenticate(authorizationHeader: string | undefined): Promise<CallerIdentity>;
  /** Every check of `authenticate` except the required scope; same errors otherwise. */
  verify(authorizationHeader: string | undefined): Promise<VerifiedToken>;
  /**
   * The verified token this exact header carried before, while it is remembered (until its `exp` plus skew, at most
   * VERIFIED_TTL_MS, verifiedTokens.ts); undefined otherwise. No parsing: one Map lookup and re-insert (the hit path
   * of every signed-in user).
   */
  recall(authorizationHeader: string | undefined): VerifiedToken | undefined;
}

const rolesOf = (payload: JWTPayload): string[] =>
  Array.isArray(payload["roles"]) ? payload["roles"].filter((role): role is string => typeof role === "string") : [];

function holdsScopeOrRole(payload: JWTPayload, required: string): boolean {
  const scopes = [payload["scp"], payload["scope"]]
    .filter((value): value is string => typeof value === "string")
    .flatMap((value) => value.split(" "));
  return scopes.includes(required) || rolesOf(payload).includes(required);
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
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
        cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
        timeoutDuration: JWKS_TIMEOUT_MS,
      });
    })();
    // A failed discovery is retried on the next request rather than cached.
    keySet.catch(() => (keySet = undefined));
    return keySet;
  };

  // Tokens that passed every check, by their exact text, until exp (plus skew) but at most VERIFIED_TTL_MS:
  // a repeat call skips the signature check; an exact-string match cannot be forged.
  const verified = new VerifiedTokens<VerifiedToken>();

  const authenticator: Authenticator = {
    recall(header) {
      if (header === undefined) return undefined;
      // "Bearer " as clients send it needs no regular expression (the lookup is by exact text: only a token verified
      // before matches); any other spelling must pass the pattern verify() uses.
      const token = header.startsWith("Bearer ") ? header.slice(7) : BEARER_PATTERN.exec(header.trim())?.[1];
      return token === undefined ? undefined : verified.get(token);
    },
    async authenticate(header) {
      const token = await authenticator.verify(header);
      if (!token.endUser) throw insufficientScope(options.requiredScope);
      return token.caller;
    },
    async verify(header) {
      if (!header) throw new AuthenticationError("missing_token", "An Authorization: Bearer token is required.");
      const match = BEARER_PATTERN.exec(header.trim());
      if (!match || match[1]!.length > MAX_TOKEN_LENGTH) {
        throw new AuthenticationError("invalid_token", "The Authorization header is not a Bearer token.");
      }
      // A token that passed every check before (the exact text) skips them all, the strict parse below included.
      const known = verified.get(match[1]!);
      if (known) return known;
      // Header and payload must be JSON without duplicate members (RFC 7519 section 4: reject or take the last;
      // this service rejects, so no other parser can read a different `sub` from the same token).
      const parts = match[1]!.split(".");
      // One spelling per token: a part whose unused trailing bits are set decodes like the canonical one (Node's
      // decoder ignores them), so it is refused, as "=" padding is above.
      if (!parts.every(isCanonicalBase64url)) throw new AuthenticationError("invalid_token", "The access token is invalid or expired.");
      try {
        for (const part of parts.slice(0, 2)) parseStrictJson(Buffer.from(part, "base64url").toString("utf8"));
      } catch (error) {
        const why =
          error instanceof DuplicateMemberError ? "The access token has a duplicate claim." : "The access token is invalid or expired.";
        throw new AuthenticationError("invalid_token", why);
      }
      let jwks: JWTVerifyGetKey;
      try {
        jwks = await getKeySet();
      } catch {
        // Discovery failed: the issuer is unreachable, which the caller cannot fix by signing in again.
        throw idpUnavailable();
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(match[1]!, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: options.clockSkewSeconds,
          requiredClaims: ["exp", "sub", "iss", "aud", "iat"],
          // Also refuses an `iat` in the future beyond the skew ("it should be in the past").
          maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        }));
      } catch (error) {
        if (isKeyFetchFailure(error)) throw idpUnavailable();
        // One message for every cause, so the answer does not help an attacker tune a forgery.
        throw new AuthenticationError("invalid_token", "The access token is invalid or expired.");
      }
      if (typeof payload.sub !== "string" || !SUBJECT_PATTERN.test(payload.sub)) {
        throw new AuthenticationError("invalid_token", "The access token is invalid or expired.");
      }
      const token: VerifiedToken = {
        caller: { issuer: payload.iss!, subject: payload.sub },
        roles: rolesOf(payload),
        endUser: holdsScopeOrRole(payload, options.requiredScope),
      };
      verified.set(match[1]!, token, (payload.exp! + options.clockSkewSeconds) * 1000);
      return token;
    },
  };
  return authenticator;
}
