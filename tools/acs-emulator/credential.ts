// EmulatorCredential: the documented fake TokenCredential whose Entra-style bearer tokens the emulator accepts.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { decodeJwt, hasValidSignature, signJwt } from "./jwt";

/**
 * The well-known signing secret of fake Entra tokens. It is public on purpose: these tokens only ever
 * authenticate against the local emulator, which must accept tokens minted by any process.
 */
export const EMULATOR_ENTRA_SECRET = Buffer.from("acs-emulator/fake-entra-credential/v1", "utf8");
export const EMULATOR_TOKEN_ISSUER = "https://login.acs-emulator.local/00000000-0000-0000-0000-000000000000/v2.0";
export const EMULATOR_TENANT_ID = "00000000-0000-0000-0000-000000000000";

/** The audiences each emulated surface accepts (the real resource ids; trailing slashes ignored). */
export const EMULATOR_AUDIENCES = {
  communication: ["https://communication.azure.com"],
  arm: ["https://management.azure.com", "https://management.core.windows.net"],
  keyVault: ["https://vault.azure.net"],
  logAnalytics: ["https://api.loganalytics.io"],
} as const;
export type EmulatorSurface = keyof typeof EMULATOR_AUDIENCES;

/** The resource of a `.default` scope, normalised: `https://vault.azure.net/.default` -> `https://vault.azure.net`. */
export function audienceOfScope(scope: string): string {
  return scope.replace(/\/\.default$/, "").replace(/\/+$/, "");
}

export interface MintOptions {
  /** Audience (resource) or audiences; default: every emulated surface. */
  audience?: string | string[];
  lifetimeSeconds?: number;
  /** Object id of the fake principal. */
  objectId?: string;
  nowMs?: number;
}

/** Mints a fake Entra access token (HS256 over EMULATOR_ENTRA_SECRET) the emulator accepts. */
export function mintEmulatorBearerToken(options: MintOptions = {}): AccessToken {
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const exp = now + (options.lifetimeSeconds ?? 3600);
  const aud = options.audience ?? Object.values(EMULATOR_AUDIENCES).map((list) => list[0]);
  const oid = options.objectId ?? "11111111-1111-1111-1111-111111111111";
  const token = signJwt(
    { kid: "acs-emulator-entra" },
    {
      aud,
      iss: EMULATOR_TOKEN_ISSUER,
      tid: EMULATOR_TENANT_ID,
      oid,
      sub: oid,
      iat: now,
      nbf: now,
      exp,
    },
    EMULATOR_ENTRA_SECRET,
  );
  return { token, expiresOnTimestamp: exp * 1000 };
}

/**
 * Verifies a fake Entra token for one surface: signature, expiry, audience. Returns the reason on failure. Expiry is
 * checked against the wall clock: the caller's credential stamped iat/exp from its own clock (like HMAC's x-ms-date),
 * so the emulator's movable clock (admin `POST /clock`) must not expire it.
 */
export function verifyEmulatorBearerToken(
  token: string,
  surface: EmulatorSurface,
  extraAudiences: string[] = [],
  nowMs = Date.now(),
): { ok: true; objectId: string } | { ok: false; reason: string } {
  const jwt = decodeJwt(token);
  if (!jwt || !hasValidSignature(jwt, EMULATOR_ENTRA_SECRET))
    return { ok: false, reason: "The bearer token is not a valid emulator token." };
  const exp = jwt.payload.exp;
  if (typeof exp !== "number" || exp * 1000 <= nowMs) return { ok: false, reason: "The bearer token has expired." };
  const audiences = (Array.isArray(jwt.payload.aud) ? jwt.payload.aud : [jwt.payload.aud])
    .filter((aud): aud is string => typeof aud === "string")
    .map(audienceOfScope);
  const accepted = [...EMULATOR_AUDIENCES[surface], ...extraAudiences].map(audienceOfScope);
  if (!audiences.some((aud) => accepted.includes(aud))) {
    return { ok: false, reason: `The bearer token's audience is not one of ${accepted.join(", ")}.` };
  }
  return { ok: true, objectId: typeof jwt.payload.oid === "string" ? jwt.payload.oid : "unknown" };
}

/** A TokenCredential for every Azure SDK pointed at the emulator (identity keyless mode, ARM, Key Vault, Log Analytics). */
export class EmulatorCredential implements TokenCredential {
  constructor(private readonly options: { lifetimeSeconds?: number; objectId?: string } = {}) {}

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    return mintEmulatorBearerToken({ ...this.options, audience: list.map(audienceOfScope) });
  }
}

/**
 * A TokenCredential that always returns one token: the emulator's `devBearerToken` as read from `.local-dev/env.json`
 * by the runbooks, the benches and `npm run dev`. The deployed token API keeps its own `staticTokenCredential`
 * (services/token-api/src/acs.ts, for AZURE_STATIC_BEARER_TOKEN) because it ships alone and cannot import tools/.
 */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  }
}
