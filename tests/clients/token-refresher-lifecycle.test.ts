// The client credential's lifecycle with a scripted token API (no processes): the API down as the held token runs
// out, an expired token in the answer, and dispose() while retrying or waiting: never an unhandled rejection, never an
// expired token, no request after dispose().
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTokenCredential, createTokenRefresher, TokenApiError } from "../../clients/token-refresher/index";

const MINUTE = 60_000;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** An ACS-like token: only `exp` matters to the credential. */
const acsToken = (expMs: number) => `${b64({ alg: "RS256" })}.${b64({ exp: Math.floor(expMs / 1000) })}.c2ln`;

type Answer = { status: number; token?: string; retryAfter?: string } | "down";

/** A fetch that answers from a script (the last entry repeats) and records when each request was made. */
function scriptedApi(script: Array<() => Answer>) {
  const requests: number[] = [];
  const fetchImpl: typeof fetch = async (_input, init) => {
    requests.push(Date.now());
    if (init?.signal?.aborted) throw new DOMException("aborted", "AbortError");
    const answer = script[Math.min(requests.length - 1, script.length - 1)]!();
    if (answer === "down") throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const body = answer.token
      ? { token: answer.token, expiresOn: new Date(Date.now() + 60 * MINUTE).toISOString(), acsUserId: "8:acs:u" }
      : { error: { code: "mapping_store_unavailable", message: "retry later" } };
    return new Response(JSON.stringify(body), {
      status: answer.status,
      headers: { "content-type": "application/json", ...(answer.retryAfter ? { "retry-after": answer.retryAfter } : {}) },
    });
  };
  return { fetch: fetchImpl, requests };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
  process.off("unhandledRejection", onUnhandled);
});

/** Lets promise chains run between timer steps, so a rejection nobody handles is reported before the test ends. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** The outcome of `work` (its value or its error), letting the fake clock run while it backs off. */
async function answered<T>(work: Promise<T>): Promise<T | unknown> {
  const outcome = work.catch((e: unknown) => e);
  await vi.advanceTimersByTimeAsync(MINUTE);
  return outcome;
}

const base = {
  tokenApiUrl: "https://token-api.example",
  getAccessToken: async () => "caller-jwt",
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1000,
};

describe("credential lifecycle", () => {
  it("the API down as the held token runs out: errors go to onError and getToken(), never an unhandled rejection", async () => {
    const api = scriptedApi([() => ({ status: 200, token: acsToken(Date.now() + 11 * MINUTE) }), () => "down"]);
    const errors: Error[] = [];
    const credential = createTokenCredential({ ...base, fetch: api.fetch, onError: (e) => errors.push(e), proactiveJitterMs: 1000 });
    const first = await credential.getToken();
    // Past the expiry, through every proactive attempt and retry.
    for (let i = 0; i < 30; i++) {
      await vi.advanceTimersByTimeAsync(30_000);
      await settle();
    }
    expect(unhandled).toEqual([]);
    expect(api.requests.length).toBeGreaterThan(1);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e instanceof TokenApiError && e.code === "ECONNREFUSED")).toBe(true);
    expect(Date.now()).toBeGreaterThan(first.expiresOnTimestamp);
    const error = await answered(credential.getToken());
    expect(error).toBeInstanceOf(TokenApiError);
    expect((error as TokenApiError).code).toBe("ECONNREFUSED");
    credential.dispose();
    await settle();
    expect(unhandled).toEqual([]);
  });

  it("an already expired token from the API is never returned: the refresher fails with expired_token after its attempts", async () => {
    const api = scriptedApi([() => ({ status: 200, token: acsToken(Date.now() - MINUTE) })]);
    const refresher = createTokenRefresher({ ...base, fetch: api.fetch });
    const result = refresher().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await result;
    expect(error).toBeInstanceOf(TokenApiError);
    expect(error).toMatchObject({ status: 200, code: "expired_token", attempts: 3 });
    expect(api.requests).toHaveLength(3);
  });

  it("expired tokens from the API during a proactive refresh: the current token is kept until it expires, no unhandled rejection", async () => {
    const api = scriptedApi([
      () => ({ status: 200, token: acsToken(Date.now() + 11 * MINUTE) }),
      () => ({ status: 200, token: acsToken(Date.now() - MINUTE) }),
    ]);
    const errors: Error[] = [];
    const credential = createTokenCredential({ ...base, fetch: api.fetch, onError: (e) => errors.push(e), proactiveJitterMs: 1000 });
    const first = await credential.getToken();
    await vi.advanceTimersByTimeAsync(2 * MINUTE); // the first proactive refresh has failed by now
    await settle();
    expect(await credential.getToken()).toEqual(first);
    for (let i = 0; i < 30; i++) {
      await vi.advanceTimersByTimeAsync(30_000);
      await settle();
    }
    expect(unhandled).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e instanceof TokenApiError && e.code === "expired_token")).toBe(true);
    const error = await answered(credential.getToken());
    expect(error).toMatchObject({ code: "expired_token" });
    credential.dispose();
  });

  it("dispose() while retrying a 503: no request after it", async () => {
    const api = scriptedApi([() => ({ status: 503, retryAfter: "1" })]);
    const credential = createTokenCredential({ ...base, fetch: api.fetch, maxAttempts: 6 });
    const pending = credential.getToken().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.requests).toHaveLength(1);
    credential.dispose();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    await settle();
    expect(api.requests).toHaveLength(1);
    expect(await pending).toBeInstanceOf(Error);
    expect(unhandled).toEqual([]);
  });

  it("dispose() with a proactive refresh pending (timer or jittered start): no request after it", async () => {
    const api = scriptedApi([() => ({ status: 200, token: acsToken(Date.now() + 60 * MINUTE) })]);
    const credential = createTokenCredential({ ...base, fetch: api.fetch, proactiveJitterMs: 60_000, random: () => 0.9 });
    await credential.getToken();
    // The proactive refresh starts at expiry - 10 min and then waits 0.9 x 60 s before its request.
    await vi.advanceTimersByTimeAsync(50 * MINUTE + 10_000);
    expect(api.requests).toHaveLength(1);
    credential.dispose();
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    await settle();
    expect(api.requests).toHaveLength(1);
    expect(unhandled).toEqual([]);
    await expect(credential.getToken()).rejects.toThrow("The credential was disposed.");
  });

  it("a disposed credential started before any token makes no request at all", async () => {
    const api = scriptedApi([() => ({ status: 200, token: acsToken(Date.now() + 60 * MINUTE) })]);
    const credential = createTokenCredential({ ...base, fetch: api.fetch });
    credential.dispose();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(api.requests).toEqual([]);
  });
});
