// Every way a caller token can be wrong gets 401 with WWW-Authenticate and no ACS token; valid variants get 200.
import { createPublicKey, type JsonWebKey } from "node:crypto";
import { SignJWT, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({ acsAuthMode: "managed-identity" });
});
afterAll(async () => env?.stop());

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function forged(): Promise<Array<[string, () => Promise<string | undefined>, string]>> {
  const other = await generateKeyPair("RS256");
  const publicPem = createPublicKey({ key: env.oidc.publicJwk as JsonWebKey, format: "jwk" })
    .export({ type: "spki", format: "pem" })
    .toString();
  const valid = () => env.oidc.mintToken("mallory");
  return [
    ["no Authorization header", async () => undefined, 'Bearer realm="acs-token-api"'],
    [
      "expired beyond the clock skew",
      () => env.oidc.mintToken("mallory", { iat: now() - 7200, nbf: now() - 7200, exp: now() - 120 }),
      "invalid_token",
    ],
    ["not yet valid beyond the clock skew", () => env.oidc.mintToken("mallory", { nbf: now() + 600, exp: now() + 3600 }), "invalid_token"],
    ["wrong issuer", () => env.oidc.mintToken("mallory", { iss: "https://login.evil.example/v2.0" }), "invalid_token"],
    ["wrong audience", () => env.oidc.mintToken("mallory", { aud: "api://some-other-api" }), "invalid_token"],
    ["missing scope", () => env.oidc.mintToken("mallory", { scp: "User.Read" }), "insufficient_scope"],
    ["no exp", () => env.oidc.mintToken("mallory", { exp: undefined }), "invalid_token"],
    [
      "alg none",
      async () =>
        `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: env.oidc.issuer, aud: env.oidc.audience, sub: "mallory", scp: "acs.token", exp: now() + 600 })}.`,
      "invalid_token",
    ],
    [
      "HS256 signed with the issuer's public key",
      () => env.oidc.mintToken("mallory", {}, { alg: "HS256", key: new TextEncoder().encode(publicPem) }),
      "invalid_token",
    ],
    ["unknown kid", () => env.oidc.mintToken("mallory", {}, { key: other.privateKey, kid: "not-in-the-jwks" }), "invalid_token"],
    ["known kid but another key", () => env.oidc.mintToken("mallory", {}, { key: other.privateKey }), "invalid_token"],
    [
      "tampered payload",
      async () => {
        const [header, , signature] = (await valid()).split(".");
        return `${header}.${b64({ iss: env.oidc.issuer, aud: env.oidc.audience, sub: "admin", scp: "acs.token", exp: now() + 600 })}.${signature}`;
      },
      "invalid_token",
    ],
    ["garbage", async () => "garbage", "invalid_token"],
    ["three garbage segments", async () => "a.b.c", "invalid_token"],
  ];
}

describe("caller authentication", () => {
  it("rejects every forged or invalid token with 401, WWW-Authenticate and no token", async () => {
    const before = (await env.identities()).length;
    for (const [name, make, challenge] of await forged()) {
      const jwt = await make();
      const response = await env.call("POST", "/api/token", { jwt });
      expect({ name, status: response.status }).toEqual({ name, status: 401 });
      expect(response.headers.get("www-authenticate"), name).toContain(challenge);
      expect(response.body.error.code, name).toBe("unauthenticated");
      expect(response.text, name).not.toContain('"token"');
      const revoke = await env.call("POST", "/api/token/revoke", { jwt });
      expect(revoke.status, name).toBe(401);
      const erase = await env.call("DELETE", "/api/me", { jwt });
      expect(erase.status, name).toBe(401);
    }
    expect((await env.identities()).length).toBe(before);
  });

  it("accepts one spelling of a token: padding or set unused bits in a base64url part get 401", async () => {
    const jwt = await env.oidc.mintToken("one-spelling");
    expect((await env.call("POST", "/api/token", { jwt })).status).toBe(200);
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    // An RS256 signature is 256 bytes: 342 characters, the last of which carries 4 unused bits.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(signature.at(-1)!);
    expect(signature.length % 4).toBe(2);
    const unusedBitSet = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(unusedBitSet, "base64url").equals(Buffer.from(signature, "base64url"))).toBe(true);
    const variants = {
      "== appended": `${jwt}==`,
      "= appended": `${jwt}=`,
      "padding on the payload": `${header}.${payload}${"=".repeat((4 - (payload.length % 4)) % 4 || 4)}.${signature}`,
      "an unused bit set in the signature": `${header}.${payload}.${unusedBitSet}`,
    };
    for (const [name, variant] of Object.entries(variants)) {
      const response = await env.call("POST", "/api/token", { jwt: variant });
      expect({ name, status: response.status, code: response.body.error?.code }).toEqual({ name, status: 401, code: "unauthenticated" });
      expect(response.headers.get("www-authenticate"), name).toContain("invalid_token");
    }
  });

  it("rejects a Basic scheme and an oversized token", async () => {
    expect((await env.call("POST", "/api/token", { headers: { authorization: "Basic YWxpY2U6cGFzcw==" } })).status).toBe(401);
    expect((await env.call("POST", "/api/token", { headers: { authorization: `Bearer ${"a".repeat(9000)}` } })).status).toBe(401);
  });

  it("accepts a token within the clock skew, and an app role instead of a scope", async () => {
    const skewed = await env.oidc.mintToken("skewed-user", { iat: now() - 3600, nbf: now() - 3600, exp: now() - 20 });
    expect((await env.call("POST", "/api/token", { jwt: skewed })).status).toBe(200);
    const early = await env.oidc.mintToken("early-user", { nbf: now() + 20 });
    expect((await env.call("POST", "/api/token", { jwt: early })).status).toBe(200);
    const role = await env.oidc.mintToken("daemon", { scp: undefined, roles: ["acs.token"] });
    expect((await env.call("POST", "/api/token", { jwt: role })).status).toBe(200);
  });

  it("does not re-download the JWKS for every unknown kid (refresh floor)", async () => {
    await env.call("POST", "/api/token", { jwt: await env.oidc.mintToken("warm") });
    const fetchesBefore = env.oidc.jwksFetches();
    const other = await generateKeyPair("RS256");
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const jwt = await new SignJWT({ scp: "acs.token" })
        .setProtectedHeader({ alg: "RS256", kid: `unknown-${i}` })
        .setIssuer(env.oidc.issuer)
        .setAudience(env.oidc.audience)
        .setSubject("mallory")
        .setExpirationTime("10m")
        .sign(other.privateKey);
      statuses.add((await env.call("POST", "/api/token", { jwt })).status);
    }
    expect([...statuses]).toEqual([401]);
    // At most one refetch inside the 30 s floor, not twenty.
    expect(env.oidc.jwksFetches() - fetchesBefore).toBeLessThanOrEqual(1);
  });
});
