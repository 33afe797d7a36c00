// The remembered caller token (auth.ts `recall`, the hit path's only check of a caller): the exact text of a token
// verified before, until its `exp` plus skew and at most VERIFIED_TTL_MS, nothing else; and how long a key removed
// from the JWKS keeps working (KEY_REMOVAL_BOUND_MS); against a local OIDC issuer.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { JWKS_CACHE_MAX_AGE_MS, KEY_REMOVAL_BOUND_MS, createAuthenticator, type Authenticator } from "../../../services/token-api/src/auth";
import { VERIFIED_TTL_MS } from "../../../services/token-api/src/verifiedTokens";
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

  it("forgets a token after VERIFIED_TTL_MS (5 minutes) on the monotonic clock", async () => {
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

  it("a key removed from the JWKS works for less than KEY_REMOVAL_BOUND_MS (JWKS cache age + recall) after the removal", async () => {
    expect([JWKS_CACHE_MAX_AGE_MS, VERIFIED_TTL_MS, KEY_REMOVAL_BOUND_MS]).toEqual([600_000, 300_000, 900_000]);
    const rotating = await startOidcIssuer();
    try {
      const fresh = createAuthenticator({
        issuer: rotating.issuer,
        audience: rotating.audience,
        jwksUri: rotating.jwksUri,
        requiredScope: "acs.token",
        clockSkewSeconds: 0,
        jwksMinRefreshSeconds: 30,
      });
      // Only the clocks are fake (jose ages its JWKS with Date.now(), recall with performance.now()); I/O runs as usual.
      vi.useFakeTimers({ toFake: ["performance", "Date"], now: Date.now() });
      const [first, late, later] = await Promise.all(
        ["removed-first", "removed-late", "removed-later"].map((sub) => rotating.mintToken(sub, {}, { ttlSeconds: 7200 })),
      );
      await fresh.verify(`Bearer ${first}`); // the JWKS is fetched now (T), with the old key
      expect(rotating.jwksFetches()).toBe(1);
      await rotating.rotateSigningKey(); // the old key leaves the JWKS at T
      // Until the cached set is JWKS_CACHE_MAX_AGE_MS old, a token of the removed key still verifies...
      vi.advanceTimersByTime(JWKS_CACHE_MAX_AGE_MS - 1);
      expect((await fresh.verify(`Bearer ${late}`)).caller.subject).toBe("removed-late");
      expect(rotating.jwksFetches()).toBe(1);
      // ...from then on jose fetches the set again and refuses a token it has not seen.
      vi.advanceTimersByTime(1);
      await expect(fresh.verify(`Bearer ${later}`)).rejects.toMatchObject({ status: 401, reason: "invalid_token" });
      expect(rotating.jwksFetches()).toBe(2);
      // The one verified last moment is remembered VERIFIED_TTL_MS from then: until T + KEY_REMOVAL_BOUND_MS - 1.
      vi.advanceTimersByTime(VERIFIED_TTL_MS - 2);
      expect(fresh.recall(`Bearer ${late}`)?.caller.subject).toBe("removed-late");
      vi.advanceTimersByTime(1);
      expect(fresh.recall(`Bearer ${late}`)).toBeUndefined();
      await expect(fresh.verify(`Bearer ${late}`)).rejects.toMatchObject({ status: 401, reason: "invalid_token" });
      // A token of the new key verifies.
      const current = await rotating.mintToken("new-key");
      expect((await fresh.verify(`Bearer ${current}`)).caller.subject).toBe("new-key");
    } finally {
      vi.useRealTimers();
      await rotating.close();
    }
  });
});
