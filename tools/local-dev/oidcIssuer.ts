// A local OIDC issuer for development and tests: serves discovery and a JWKS, and mints RS256 access tokens for test users.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, type CryptoKey } from "jose";
import { TOKEN_API_DEFAULTS } from "../../services/token-api/src/settings";

export const LOCAL_AUDIENCE = "api://acs-token-api-local";
/** The scope local tokens carry: the one the token API requires when OIDC_REQUIRED_SCOPE is unset (as `npm run dev` leaves it). */
export const LOCAL_SCOPE = TOKEN_API_DEFAULTS.requiredScope;

/** The signing key as stored on disk, so `npm run dev:jwt` can mint tokens for a running `npm run dev`. */
export interface StoredSigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface MintOptions {
  /** Extra or overriding claims (`scp`, `roles`, `aud`, `iss`, `exp`, `nbf`, ...). `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Lifetime from now, seconds (default 3600). */
  ttlSeconds?: number;
  /** Signs with this key instead of the issuer's (forged-token tests). */
  key?: CryptoKey | Uint8Array;
  alg?: string;
  kid?: string;
}

export interface OidcIssuer {
  issuer: string;
  /** Set when the port saved in `portFile` was taken: the issuer URL it could not keep. */
  previousIssuer?: string;
  audience: string;
  jwksUri: string;
  kid: string;
  publicJwk: JWK;
  /** Number of JWKS downloads served (tests of the refresh floor). */
  jwksFetches(): number;
  /** false: discovery and JWKS answer 503 (an identity-provider outage, for failure tests). */
  setAvailable(available: boolean): void;
  mintToken(sub: string, claims?: Record<string, unknown>, options?: Omit<MintOptions, "claims">): Promise<string>;
  close(): Promise<void>;
}

export async function loadOrCreateSigningKey(path?: string): Promise<StoredSigningKey> {
  if (path && existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as StoredSigningKey;
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = randomUUID();
  const stored: StoredSigningKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256" },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" },
  };
  if (path) writeFileSync(path, JSON.stringify(stored), { mode: 0o600 });
  return stored;
}

/** Mints a caller token with the stored key (used by the issuer and by the dev:jwt CLI). */
export async function mintLocalToken(
  key: StoredSigningKey,
  issuer: string,
  audience: string,
  sub: string,
  options: MintOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: issuer,
    aud: audience,
    sub,
    iat: now,
    nbf: now,
    exp: now + (options.ttlSeconds ?? 3600),
    scp: LOCAL_SCOPE,
    ...options.claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const alg = options.alg ?? "RS256";
  const signingKey = options.key ?? ((await importJWK(key.privateJwk, "RS256")) as CryptoKey);
  return new SignJWT(payload).setProtectedHeader({ alg, kid: options.kid ?? key.kid, typ: "JWT" }).sign(signingKey);
}

/** The port saved in `portFile` by an earlier start, if the file holds one. */
function savedPort(portFile: string | undefined): number | undefined {
  if (!portFile || !existsSync(portFile)) return undefined;
  const port = Number(readFileSync(portFile, "utf8").trim());
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once("error", failed);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", failed);
      resolve();
    });
  });
}

export interface OidcIssuerOptions {
  /** Fixed port (0 / unset = the one in `portFile`, else any free one). */
  port?: number;
  audience?: string;
  keyFile?: string;
  /**
   * Where the port is kept between starts. The token API keys a user's mapping on issuer URL + `sub`, and the
   * URL holds the port: a new port on every start would leave every stored mapping unreachable.
   */
  portFile?: string;
}

/** Starts the issuer on 127.0.0.1. */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const key = await loadOrCreateSigningKey(options.keyFile);
  const audience = options.audience ?? LOCAL_AUDIENCE;
  let fetches = 0;
  let issuer = "";
  let available = true;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    res.setHeader("content-type", "application/json");
    if (!available) {
      res.statusCode = 503;
      res.end(JSON.stringify({ error: "temporarily_unavailable" }));
    } else if (path === "/.well-known/openid-configuration") {
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["token"],
          subject_types_supported: ["public"],
        }),
      );
    } else if (path === "/jwks") {
      fetches++;
      res.end(JSON.stringify({ keys: [key.publicJwk] }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: "not_found" }));
    }
  });
  const saved = options.port ? undefined : savedPort(options.portFile);
  let previousIssuer: string | undefined;
  if (saved === undefined) await listen(server, options.port ?? 0);
  else {
    try {
      await listen(server, saved);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      // Taken by another process: run on a new port and say so (the caller warns that mappings start over).
      previousIssuer = `http://127.0.0.1:${saved}`;
      await listen(server, 0);
    }
  }
  const port = (server.address() as AddressInfo).port;
  if (options.portFile) writeFileSync(options.portFile, `${port}\n`);
  issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    previousIssuer,
    audience,
    jwksUri: `${issuer}/jwks`,
    kid: key.kid,
    publicJwk: key.publicJwk,
    jwksFetches: () => fetches,
    setAvailable: (value) => {
      available = value;
    },
    mintToken: (sub, claims, mintOptions) => mintLocalToken(key, issuer, audience, sub, { ...mintOptions, claims }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
