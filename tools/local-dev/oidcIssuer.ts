// A local OIDC issuer for development and tests: serves discovery and a JWKS, and mints RS256 access tokens for test users.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, type CryptoKey } from "jose";
import { TOKEN_API_DEFAULTS } from "../../services/token-api/src/settings";

export const LOCAL_AUDIENCE = "api://acs-token-api-local";
/** The scope local tokens carry: the one the token API requires when OIDC_REQUIRED_SCOPE is unset (as `npm run dev` leaves it). */
export const LOCAL_SCOPE = TOKEN_API_DEFAULTS.requiredScope;
/** Lifetime of a locally minted token (and of the dev sign-in's), seconds: an hour, like an Entra access token's default. */
export const LOCAL_TOKEN_TTL_SECONDS = 3600;

/** The signing key as stored on disk, so `npm run dev:jwt` can mint tokens for a running `npm run dev`. */
export interface StoredSigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface MintOptions {
  /** Extra or overriding claims (`scp`, `roles`, `aud`, `iss`, `exp`, `nbf`, ...). `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Lifetime from now, seconds (default LOCAL_TOKEN_TTL_SECONDS). */
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
  /** The current signing key's id and public key (they change on `rotateSigningKey`). */
  readonly kid: string;
  readonly publicJwk: JWK;
  /**
   * Replaces the signing key with a new one: the JWKS serves only the new key from now on (the old one is removed,
   * as an issuer does after a rollover or a compromise); tokens minted before keep the old key's signature. In memory
   * only: `keyFile` keeps the key it held.
   */
  rotateSigningKey(): Promise<void>;
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
    exp: now + (options.ttlSeconds ?? LOCAL_TOKEN_TTL_SECONDS),
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
  /** Serve the development-only sign-in page (DEV_SIGN_IN_PATH), redirecting only to these browser origins. */
  devSignIn?: { allowedOrigins: readonly string[] };
}

/**
 * The development-only sign-in page a browser app uses against `npm run dev` (examples/web-chat): pick a user, get
 * sent back to the app with an access token for the token API, as a redirect sign-in would. It exists only in this
 * local issuer; in Azure the app signs in with Entra ID (MSAL, authorization code with PKCE).
 */
export const DEV_SIGN_IN_PATH = "/dev/sign-in";
/** The users the page offers (any other name can be typed). */
export const DEV_SIGN_IN_USERS = ["alice", "bob", "carol"] as const;
const DEV_USER_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** The redirect target when its origin is allowed, or an error naming the field and what is accepted. */
function checkRedirect(value: string | null, allowed: readonly string[]): { url: URL } | { error: string } {
  if (!value) return { error: `redirect_uri is required: an URL on one of the allowed origins (${allowed.join(", ") || "none"})` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: `redirect_uri "${value}" is not an absolute URL` };
  }
  if (!allowed.includes(url.origin))
    return {
      error: `redirect_uri origin ${url.origin} is not allowed; accepted: ${allowed.join(", ") || "none (no browser origins configured)"}`,
    };
  return { url };
}

function signInPage(redirect: string, state: string): string {
  const hidden = `<input type="hidden" name="redirect_uri" value="${escapeHtml(redirect)}"><input type="hidden" name="state" value="${escapeHtml(state)}">`;
  const buttons = DEV_SIGN_IN_USERS.map((user) => `<li><button name="user" value="${user}">Sign in as ${user}</button></li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development sign-in (local only)</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
.dev{background:#fff4ce;border:2px solid #8a6d00;padding:.75rem;border-radius:6px}ul{list-style:none;padding:0}
li{margin:.5rem 0}button{font:inherit;padding:.5rem 1rem;cursor:pointer}input[type=text]{font:inherit;padding:.4rem}</style></head>
<body><main><h1>Development sign-in</h1>
<p class="dev" role="note"><strong>Local development only.</strong> This page is served by the local OIDC issuer of
<code>npm run dev</code>. It checks no password and does not exist in Azure, where the app signs in with Entra ID.</p>
<form method="post" action="${DEV_SIGN_IN_PATH}">${hidden}<ul>${buttons}</ul></form>
<form method="post" action="${DEV_SIGN_IN_PATH}">${hidden}<label for="user">Another user</label>
<input type="text" id="user" name="user" required> <button>Sign in</button></form>
</main></body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 8192) req.destroy(new Error("form too large"));
    });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

/** Starts the issuer on 127.0.0.1. */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  let key = await loadOrCreateSigningKey(options.keyFile);
  const audience = options.audience ?? LOCAL_AUDIENCE;
  let fetches = 0;
  let issuer = "";
  let available = true;
  const devOrigins = options.devSignIn?.allowedOrigins;
  const devSignIn = async (req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): Promise<void> => {
    res.setHeader("cache-control", "no-store");
    // form-action also governs where the form's redirect may go (CSP3): here and the allowed app origins.
    res.setHeader("content-security-policy", `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${allowed.join(" ")}`);
    const refuse = (message: string) => {
      res.statusCode = 400;
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end(`${message}\n`);
    };
    const query = new URL(req.url ?? "/", issuer).searchParams;
    const params = req.method === "POST" ? await readForm(req) : query;
    const target = checkRedirect(params.get("redirect_uri"), allowed);
    if ("error" in target) return refuse(target.error);
    const state = params.get("state") ?? "";
    if (req.method !== "POST") {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(signInPage(target.url.href, state));
      return;
    }
    const user = params.get("user") ?? "";
    if (!DEV_USER_PATTERN.test(user)) return refuse(`user "${user}" is not accepted: 1..64 of A-Z a-z 0-9 . _ @ -`);
    const ttlSeconds = LOCAL_TOKEN_TTL_SECONDS;
    const token = await mintLocalToken(key, issuer, audience, user, { ttlSeconds });
    // Back to the app with the token in the fragment (never sent to a server, nor in a Referer).
    const fragment = new URLSearchParams({ access_token: token, token_type: "Bearer", expires_in: String(ttlSeconds), state });
    res.statusCode = 303;
    res.setHeader("location", `${target.url.origin}${target.url.pathname}${target.url.search}#${fragment.toString()}`);
    res.end();
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (available && devOrigins && path === DEV_SIGN_IN_PATH && (req.method === "GET" || req.method === "POST")) {
      devSignIn(req, res, devOrigins).catch(() => {
        if (!res.headersSent) res.statusCode = 400;
        res.end();
      });
      return;
    }
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
    get kid() {
      return key.kid;
    },
    get publicJwk() {
      return key.publicJwk;
    },
    rotateSigningKey: async () => {
      key = await loadOrCreateSigningKey();
    },
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
