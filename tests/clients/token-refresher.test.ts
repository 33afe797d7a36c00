// The client token helper with the real AzureCommunicationTokenCredential against the real local environment (token
// API, emulator, OIDC issuer): first fetch, proactive refresh on the credential's timer (fake timers), 401 -> sign in
// again, 429 with Retry-After, and many clients at once.
import { TOKEN_API_DEFAULTS } from "../../services/token-api/src/settings";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import {
  createTokenCredential,
  createTokenRefresher,
  retryAfterMs,
  SignInRequiredError,
  TokenApiError,
} from "../../clients/token-refresher/index";
import { startTestEnvironment, type TestEnvironment } from "../services/token-api/helpers";

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
}, 60_000);
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  vi.useRealTimers();
  await env.clearFaults();
});

/** A fetch that counts the calls to the token API (the requests themselves are real). */
function countingFetch(): { fetch: typeof fetch; calls: { status: number }[] } {
  const calls: { status: number }[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      calls.push({ status: response.status });
      return response;
    },
  };
}

const expOf = (token: string): number =>
  (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { exp: number }).exp * 1000;

describe("token refresher with the real credential", () => {
  it("fetches an ACS token through the token API with the caller's own token, and the credential accepts it", async () => {
    const seen: boolean[] = [];
    const credential = createTokenCredential({
      tokenApiUrl: env.tokenApiUrl,
      getAccessToken: async ({ forceRefresh }) => {
        seen.push(forceRefresh);
        return env.oidc.mintToken("client-basic");
      },
    });
    const token = await credential.getToken();
    expect(token.token.split(".")).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBe(expOf(token.token));
    // The local token API issues the deployed default lifetime (services/token-api/src/settings.ts).
    const left = token.expiresOnTimestamp - Date.now();
    expect(left).toBeGreaterThan((TOKEN_API_DEFAULTS.defaultLifetimeMinutes - 1) * 60_000);
    expect(left).toBeLessThanOrEqual(TOKEN_API_DEFAULTS.defaultLifetimeMinutes * 60_000);
    expect(seen).toEqual([false]);
    // The credential works where the SDKs take one: the (least-privilege) user lists their threads with it.
    const chat = new ChatClient(env.emulator.endpoint, credential, { tlsOptions: { ca: env.emulator.caCertPem } });
    const threads: unknown[] = [];
    for await (const thread of chat.listChatThreads()) threads.push(thread);
    expect(threads).toEqual([]);
    credential.dispose();
  });

  it("refreshes proactively on its own timer 10 minutes before expiry, jittered, without the app asking", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    const counting = countingFetch();
    const jitters: number[] = [];
    const credential = createTokenCredential({
      tokenApiUrl: env.tokenApiUrl,
      getAccessToken: async () => env.oidc.mintToken("client-proactive"),
      fetch: counting.fetch,
      proactiveJitterMs: 60_000,
      random: () => {
        jitters.push(0.5);
        return 0.5;
      },
    });
    const first = await credential.getToken();
    expect(counting.calls).toHaveLength(1);
    // The timer fires at exp - 10 min; the refresher then waits its jitter (0.5 x 60 s) before calling the API.
    const untilRefresh = first.expiresOnTimestamp - Date.now() - 10 * 60_000;
    await vi.advanceTimersByTimeAsync(untilRefresh + 29_000);
    expect(counting.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.waitFor(() => expect(counting.calls).toHaveLength(2));
    expect(jitters).toEqual([0.5]);
    expect((await credential.getToken()).token.split(".")).toHaveLength(3);
    credential.dispose();
  });

  it("401: asks the app for a fresh sign-in token once, then fails with SignInRequiredError", async () => {
    const asked: boolean[] = [];
    const credential = createTokenCredential({
      tokenApiUrl: env.tokenApiUrl,
      // A token for another audience: the token API answers 401 however often it is retried.
      getAccessToken: async ({ forceRefresh }) => {
        asked.push(forceRefresh);
        return env.oidc.mintToken("client-401", { aud: "api://someone-else" });
      },
    });
    const error = await credential.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SignInRequiredError);
    expect((error as SignInRequiredError).message).toMatch(
      /^The token API rejected the sign-in \(401 \w+\); the user must sign in again\.$/,
    );
    expect(asked).toEqual([false, true]);
    credential.dispose();
  });

  it("401 with a stale caller token recovers with the refreshed one", async () => {
    const credential = createTokenCredential({
      tokenApiUrl: env.tokenApiUrl,
      getAccessToken: async ({ forceRefresh }) => env.oidc.mintToken("client-stale", {}, forceRefresh ? {} : { ttlSeconds: -120 }),
    });
    expect((await credential.getToken()).token.split(".")).toHaveLength(3);
    credential.dispose();
  });

  it("429: waits at least the Retry-After the API sends (plus jitter), then succeeds", async () => {
    await env.fault({ operation: "issueAccessToken", status: 429, retryAfterSeconds: 7, count: 2 });
    const waits: number[] = [];
    const counting = countingFetch();
    const refresher = createTokenRefresher({
      tokenApiUrl: env.tokenApiUrl,
      getAccessToken: async () => env.oidc.mintToken("client-429"),
      fetch: counting.fetch,
      random: () => 0.25,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const credential = new AzureCommunicationTokenCredential({ tokenRefresher: refresher });
    expect((await credential.getToken()).token.split(".")).toHaveLength(3);
    expect(counting.calls.map((c) => c.status)).toEqual([429, 429, 200]);
    // Retry-After 7 s, plus full jitter of 0.25 x 500 ms and 0.25 x 1000 ms.
    expect(waits).toEqual([7000 + 125, 7000 + 250]);
  });

  it("429 that never ends: gives up after maxAttempts with a TokenApiError naming the status", async () => {
    await env.fault({ operation: "issueAccessToken", status: 429, retryAfterSeconds: 1 });
    const refresher = createTokenRefresher({
      tokenApiUrl: env.tokenApiUrl,
      getAccessToken: async () => env.oidc.mintToken("client-429-forever"),
      maxAttempts: 3,
      sleep: async () => undefined,
    });
    const error = await refresher().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenApiError);
    expect(error).toMatchObject({ status: 429, code: "upstream_throttled", attempts: 3 });
  });

  // The bug: after the last failed attempt it still slept its backoff (up to maxDelayMs) before giving up.
  it("an unreachable token API: gives up after maxAttempts, waiting only between attempts", async () => {
    const { freePort } = await import("../../tools/local-dev/azurite");
    const closed = await freePort();
    const waits: number[] = [];
    const refresher = createTokenRefresher({
      tokenApiUrl: `http://127.0.0.1:${closed}`,
      getAccessToken: async () => env.oidc.mintToken("client-unreachable"),
      maxAttempts: 3,
      sleep: async (ms) => void waits.push(ms),
    });
    const error = await refresher().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenApiError);
    expect(error).toMatchObject({ status: undefined, code: "ECONNREFUSED", attempts: 3 });
    expect(waits).toHaveLength(2);
  });

  it("many clients starting at once: throttled ones back off by Retry-After with spread-out jitter, and all get tokens", async () => {
    const clients = 40;
    await env.fault({ operation: "issueAccessToken", status: 429, retryAfterSeconds: 1, count: 15 });
    const counting = countingFetch();
    const waits: number[] = [];
    const initial: number[] = [];
    const credentials = Array.from({ length: clients }, (_, i) =>
      createTokenCredential({
        tokenApiUrl: env.tokenApiUrl,
        getAccessToken: async () => env.oidc.mintToken(`client-many-${i}`),
        fetch: counting.fetch,
        initialJitterMs: 500,
        // More attempts than there are faults, so however the 15 429s fall among the clients none runs out.
        maxAttempts: 20,
        sleep: async (ms) => {
          // Backoff sleeps are >= 1000 (Retry-After); the start jitter is < 500.
          (ms < 500 ? initial : waits).push(ms);
        },
      }),
    );
    const tokens = await Promise.all(credentials.map((c) => c.getToken()));
    expect(tokens.every((t) => t.token.split(".").length === 3)).toBe(true);
    expect(counting.calls.filter((c) => c.status === 429)).toHaveLength(15);
    expect(counting.calls.filter((c) => c.status === 200)).toHaveLength(clients);
    expect(waits).toHaveLength(15);
    // Never before Retry-After (1 s); full jitter on top, at most 500 ms x 2^(n-1) after a client's n-th 429. How the
    // 15 faults fall among the 40 clients depends on timing, so n is not fixed.
    expect(waits.filter((ms) => ms < 1000 || ms >= 1000 + 500 * 2 ** 14)).toEqual([]);
    // Jitter spreads the retries and the starts: no two clients wait exactly alike.
    expect(new Set(waits).size).toBe(15);
    expect(initial).toHaveLength(clients);
    expect(new Set(initial).size).toBe(clients);
    for (const c of credentials) c.dispose();
  });

  it("a proactive refresh that fails keeps the current token and reports the error instead of failing the SDK's timer", async () => {
    const first = await createTokenRefresher({
      tokenApiUrl: env.tokenApiUrl,
      getAccessToken: async () => env.oidc.mintToken("client-keep"),
    })();
    const errors: Error[] = [];
    const refresher = createTokenRefresher({
      tokenApiUrl: env.tokenApiUrl,
      initialToken: first,
      getAccessToken: async () => env.oidc.mintToken("client-keep", { aud: "api://someone-else" }),
      onError: (e) => errors.push(e),
      sleep: async () => undefined,
    });
    expect(await refresher()).toBe(first);
    expect(errors.map((e) => e.name)).toEqual(["SignInRequiredError"]);
  });
});

describe("retryAfterMs", () => {
  it("reads delta-seconds and HTTP dates; ignores junk", () => {
    const now = Date.parse("2026-12-01T12:00:00Z");
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs("Tue, 01 Dec 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Tue, 01 Dec 2026 11:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
