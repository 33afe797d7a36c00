// The token cache with a fake clock: never a token with less than the minimum validity left, never longer than asked, invalidation wins.
import { describe, expect, it } from "vitest";
import { TokenCache } from "../../../services/token-api/src/tokenCache";

const MIN = 60_000;
const token = (expiresAtMs: number) => ({
  token: `t-${expiresAtMs}`,
  expiresOn: new Date(expiresAtMs),
  acsUserId: "8:acs:r_u",
  generation: 0,
});

describe("TokenCache", () => {
  const cases: Array<[string, number, number | undefined]> = [
    // [case, minutes elapsed since a 60-minute token was cached, expected minutes left or undefined]
    ["fresh", 0, 60],
    ["49 minutes later (11 left)", 49, 11],
    ["50 minutes later (exactly 10 left)", 50, 10],
    ["50.5 minutes later (9.5 left)", 50.5, undefined],
    ["expired", 61, undefined],
  ];
  it.each(cases)("%s", (_case, elapsedMinutes, expectedLeft) => {
    let now = 0;
    const cache = new TokenCache(10 * MIN, 100, () => now);
    cache.set("alice", ["chat"], token(60 * MIN), cache.generation("alice"));
    now = elapsedMinutes * MIN;
    const hit = cache.get("alice", ["chat"], 24 * 60 * MIN);
    expect(hit === undefined ? undefined : (hit.expiresOn.getTime() - now) / MIN).toBe(expectedLeft);
  });

  it("does not serve a token with more validity than the caller asked for", () => {
    const cache = new TokenCache(10 * MIN, 100, () => 0);
    cache.set("alice", ["chat"], token(1440 * MIN), 0);
    expect(cache.get("alice", ["chat"], 61 * MIN)).toBeUndefined();
    expect(cache.get("alice", ["chat"], 1441 * MIN)?.token).toBe(`t-${1440 * MIN}`);
  });

  it("keys by scope set", () => {
    const cache = new TokenCache(10 * MIN, 100, () => 0);
    cache.set("alice", ["chat"], token(60 * MIN), 0);
    expect(cache.get("alice", ["chat", "voip"], 61 * MIN)).toBeUndefined();
  });

  it("refuses to store a token fetched before an invalidation (revoke/erase/rotation)", () => {
    const cache = new TokenCache(10 * MIN, 100, () => 0);
    const before = cache.generation("alice");
    cache.invalidateUser("alice");
    cache.set("alice", ["chat"], token(60 * MIN), before);
    expect(cache.get("alice", ["chat"], 61 * MIN)).toBeUndefined();
    const beforeClear = cache.generation("bob");
    cache.clear();
    cache.set("bob", ["chat"], token(60 * MIN), beforeClear);
    expect(cache.size).toBe(0);
  });

  it("evicts the oldest entry beyond its bound, and stores nothing with a bound of 0", () => {
    const cache = new TokenCache(10 * MIN, 2, () => 0);
    for (const user of ["a", "b", "c"]) cache.set(user, ["chat"], token(60 * MIN), 0);
    expect(cache.get("a", ["chat"], 61 * MIN)).toBeUndefined();
    expect(cache.get("c", ["chat"], 61 * MIN)?.acsUserId).toBe("8:acs:r_u");
    const off = new TokenCache(10 * MIN, 0, () => 0);
    off.set("a", ["chat"], token(60 * MIN), 0);
    expect(off.size).toBe(0);
  });
});
