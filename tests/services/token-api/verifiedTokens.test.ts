// The remembered caller tokens (verifiedTokens.ts): the byte bound, least-recently-used eviction, dead entries dropped; on injected clocks.
import { describe, expect, it } from "vitest";
import {
  VERIFIED_ENTRY_OVERHEAD_BYTES,
  VERIFIED_MAX_BYTES,
  VERIFIED_TTL_MS,
  VerifiedTokens,
  rememberedBytes,
} from "../../../services/token-api/src/verifiedTokens";

const clocks = () => {
  const now = { monotonic: 0, wall: 1_000_000 };
  return { now, options: { monotonic: () => now.monotonic, wallClock: () => now.wall } };
};
const FAR = Number.MAX_SAFE_INTEGER;

describe("VerifiedTokens", () => {
  it("counts an entry as twice its text plus the fixed overhead, and holds at most 32 MiB by default", () => {
    expect(VERIFIED_ENTRY_OVERHEAD_BYTES).toBe(256);
    expect(rememberedBytes("a".repeat(1000))).toBe(2256);
    expect(VERIFIED_MAX_BYTES).toBe(33_554_432);
    // The old bound was 50,000 entries of up to 8 KiB each; now at most this many of the largest token fit:
    expect(Math.floor(VERIFIED_MAX_BYTES / rememberedBytes("a".repeat(8192)))).toBe(2016);
  });

  it("evicts the least recently used first when the bytes exceed the limit; a hit makes an entry the newest", () => {
    const { options } = clocks();
    const each = rememberedBytes("token-a");
    const cache = new VerifiedTokens<string>({ ...options, maxBytes: 3 * each });
    cache.set("token-a", "A", FAR);
    cache.set("token-b", "B", FAR);
    cache.set("token-c", "C", FAR);
    expect(cache.size).toEqual({ entries: 3, bytes: 3 * each });
    expect(cache.get("token-a")).toBe("A"); // a is now the most recently used: b is the oldest
    cache.set("token-d", "D", FAR);
    expect(cache.size).toEqual({ entries: 3, bytes: 3 * each });
    expect(cache.get("token-b")).toBeUndefined();
    expect([cache.get("token-a"), cache.get("token-c"), cache.get("token-d")]).toEqual(["A", "C", "D"]);
    // A longer token pushes out as many as its bytes need.
    cache.set(`token-${"x".repeat(10)}`, "X", FAR);
    expect(cache.size).toEqual({ entries: 2, bytes: each + rememberedBytes(`token-${"x".repeat(10)}`) });
    expect(cache.get("token-d")).toBe("D");
    // One entry larger than the whole budget is not remembered (and evicts nothing).
    cache.set("y".repeat(3 * each), "Y", FAR);
    expect(cache.get("y".repeat(3 * each))).toBeUndefined();
    expect(cache.size.entries).toBe(2);
  });

  it("forgets an entry at its age (monotonic) or its exp (wall clock), whichever comes first", () => {
    const { now, options } = clocks();
    const cache = new VerifiedTokens<string>({ ...options, ttlMs: 1000 });
    cache.set("aged", "A", FAR);
    cache.set("expiring", "E", now.wall + 500);
    now.wall += 499;
    expect(cache.get("expiring")).toBe("E");
    now.wall += 1;
    expect(cache.get("expiring")).toBeUndefined();
    expect(cache.size).toEqual({ entries: 1, bytes: rememberedBytes("aged") }); // dropped when met
    now.monotonic = 999;
    expect(cache.get("aged")).toBe("A");
    now.monotonic = 1000;
    expect(cache.get("aged")).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    // A wall-clock step back does not revive anything: the age is monotonic.
    now.wall -= 3_600_000;
    expect(cache.get("aged")).toBeUndefined();
  });

  it("drops dead entries nobody asks for again: a sweep on the first insert once ttlMs has passed", () => {
    const { now, options } = clocks();
    const cache = new VerifiedTokens<string>({ ...options, ttlMs: VERIFIED_TTL_MS });
    for (const text of ["dead-1", "dead-2", "dead-3"]) cache.set(text, text, FAR);
    now.monotonic = VERIFIED_TTL_MS - 1;
    cache.set("alive", "alive", FAR); // no sweep yet: the first three are still live
    expect(cache.size.entries).toBe(4);
    now.monotonic = VERIFIED_TTL_MS;
    cache.set("new", "new", FAR); // sweeps: dead-1..3 are VERIFIED_TTL_MS old
    expect(cache.size).toEqual({ entries: 2, bytes: rememberedBytes("alive") + rememberedBytes("new") });
  });
});
