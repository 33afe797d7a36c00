// The remembered caller token (auth.ts `recall`, the hit path's only check of a caller): the exact text of a token
// verified before, until its `exp` plus skew and at most VERIFIED_TTL_MS, nothing else; against a local OIDC issuer.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuthenticator, type Authenticator } from "../../../services/token-api/src/auth";
import { startOidcIssuer, type OidcIssuer } from "../../../tools/local-dev/oidcIssuer";

let oidc: OidcIssuer;
let auth: Authenticator;
beforeAll(async () => {
  oidc = await startOidcIssuer();
  auth = createAuthenticator({
    issuer: oidc.issuer,
    audience: oidc.audience,
    jwksUri: oidc.jwksUri,
    requiredScope: "acs.token",
    clockSkewSeconds: 0,
    jwksMinRefreshSeconds: 30,
  });
});
afterAll(async () => oidc?.close());
afterEach(() => vi.useRealTimers());

describe("recall", () => {
  it("knows only a token that passed every check, by its exact text", async () => {
    const jwt = await oidc.mintToken("recall-exact");
    expect(auth.recall(`Bearer ${jwt}`)).toBeUndefined();
    const verified = await auth.verify(`Bearer ${jwt}`);
    expect(verified.caller).toEqual({ issuer: oidc.issuer, subject: "recall-exact" });
    expect(auth.recall(`Bearer ${jwt}`)).toEqual(verified);
    // The other spellings verify() accepts for the same token.
    expect(auth.recall(`bearer ${jwt}`)).toEqual(verified);
    expect(auth.recall(`  Bearer ${jwt} `)).toEqual(verified);
    // Anything else is unknown: another signature, a token with padding, no scheme, no header.
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "AB" : "AA"}`;
    expect(auth.recall(`Bearer ${header}.${payload}.${flipped}`)).toBeUndefined();
    expect(auth.recall(`Bearer ${jwt}==`)).toBeUndefined();
    // No scheme: verify() refuses it, so recall must not know it either (it would pass the gate).
    expect(auth.recall(jwt)).toBeUndefined();
    expect(auth.recall(`Basic ${jwt}`)).toBeUndefined();
    expect(auth.recall(undefined)).toBeUndefined();
    // A token that failed is never remembered.
    await expect(auth.verify(`Bearer ${header}.${payload}.${flipped}`)).rejects.toMatchObject({ status: 401, reason: "invalid_token" });
    expect(auth.recall(`Bearer ${header}.${payload}.${flipped}`)).toBeUndefined();
  });

  it("forgets a token at its exp (skew 0 here): after that verify refuses it too", async () => {
    const jwt = await oidc.mintToken("recall-exp", {}, { ttlSeconds: 60 });
    await auth.verify(`Bearer ${jwt}`);
    const exp = (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { exp: number }).exp;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(exp * 1000 - 1);
    expect(auth.recall(`Bearer ${jwt}`)?.caller.subject).toBe("recall-exp");
    vi.setSystemTime(exp * 1000);
    expect(auth.recall(`Bearer ${jwt}`)).toBeUndefined();
    await expect(auth.verify(`Bearer ${jwt}`)).rejects.toMatchObject({ status: 401, reason: "invalid_token" });
  });

  it("forgets a token after VERIFIED_TTL_MS (5 minutes) on the monotonic clock, so a key removed from the JWKS stops working by then", async () => {
    const jwt = await oidc.mintToken("recall-ttl", {}, { ttlSeconds: 3600 });
    vi.useFakeTimers({ toFake: ["performance", "Date"], now: Date.now() });
    await auth.verify(`Bearer ${jwt}`);
    vi.advanceTimersByTime(5 * 60_000 - 1);
    expect(auth.recall(`Bearer ${jwt}`)?.caller.subject).toBe("recall-ttl");
    vi.advanceTimersByTime(1);
    expect(auth.recall(`Bearer ${jwt}`)).toBeUndefined();
    // A wall-clock step back does not bring it back.
    vi.setSystemTime(Date.now() - 3_600_000);
    expect(auth.recall(`Bearer ${jwt}`)).toBeUndefined();
  });
});
