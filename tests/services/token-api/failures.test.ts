// Failures injected in the emulator and in storage map to 429/503 with Retry-After, never 500, and the API recovers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { REVOCATION_BOUND_MS, TOKEN_API_DEFAULTS } from "../../../services/token-api/src/settings";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
beforeAll(async () => {
  // Short limits, so timeouts and deadlines show within seconds; the per-attempt cap (1.5 s) still below the deadline
  // (2.5 s). 400 ms was short enough for an ordinary ACS call on a loaded machine to time out and fail a test that is
  // about something else.
  env = await startTestEnvironment({
    tokenApiEnv: { UPSTREAM_TIMEOUT_MS: "1500", REQUEST_DEADLINE_MS: "2500", UPSTREAM_MAX_RETRIES: "2" },
  });
  // A cold process's first request (JWKS, the mapping table, code not yet compiled) is the slowest: do it here, and
  // again if a loaded machine made it miss the short deadline, so the first test measures what it is about.
  const warmUp = await env.oidc.mintToken("failures-warm-up");
  for (let attempt = 0; attempt < 5 && (await env.call("POST", "/api/token", { jwt: warmUp })).status !== 200; attempt++);
});
afterAll(async () => env?.stop());
// A fault a failed test did not consume must not fail the next one.
afterEach(async () => env?.clearFaults());

/** /readyz caches its checks for 2 s (READINESS_CACHE_MS in services/token-api/src/app.ts): a change shows within it. */
// An outcome to wait for, not a bound: generous, so a loaded machine only makes it slower.
const readinessPoll = { timeout: 30_000, interval: 100 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let users = 0;
const newUser = () => env.oidc.mintToken(`failure-user-${++users}`);

describe("upstream failures", () => {
  it("passes an ACS 429 on as 429 with its Retry-After", async () => {
    await env.fault({ operation: "issueAccessToken", status: 429, retryAfterSeconds: 7, count: 1 });
    const response = await env.call("POST", "/api/token", { jwt: await newUser() });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.body).toEqual({
      error: { code: "upstream_throttled", message: "Azure Communication Services is throttling requests; retry later." },
    });
  });

  it("retries a single ACS 503 and succeeds", async () => {
    const errorsBefore = await env.upstreamErrors();
    await env.fault({ operation: "issueAccessToken", status: 503, count: 1 });
    const response = await env.call("POST", "/api/token", { jwt: await newUser() });
    expect(response.status).toBe(200);
    expect((await env.upstreamErrors()) - errorsBefore).toBe(1);
  });

  it("retries a persistent ACS 503 a bounded number of times, then answers 503 with Retry-After", async () => {
    const errorsBefore = await env.upstreamErrors();
    await env.fault({ operation: "issueAccessToken", status: 503, retryAfterSeconds: 3, count: 3 });
    const response = await env.call("POST", "/api/token", { jwt: await newUser() });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(response.body).toEqual({
      error: { code: "acs_unavailable", message: "Azure Communication Services is unavailable; retry later." },
    });
    expect((await env.upstreamErrors()) - errorsBefore).toBe(3);
    await env.clearFaults();
  });

  it("a createUser slower than the deadline: 503 in time, then the identity ACS created is mapped, never orphaned", async () => {
    await env.fault({ operation: "createUser", delayMs: 4000, count: 1 });
    const idsBefore = new Set((await env.identities()).map((identity) => identity.id));
    const createCallsBefore = await env.upstreamCalls("CreateIdentity");
    const sub = `failure-user-${++users}`;
    const jwt = await env.oidc.mintToken(sub);
    const started = Date.now();
    const response = await env.call("POST", "/api/token", { jwt });
    // The deadline (2.5 s) answered, not createUser: the 503 came before the 4 s createUser could have ended. An
    // order, not a margin over the deadline that a loaded machine eats.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.body).toEqual({
      error: { code: "acs_unavailable", message: "Creating the caller's ACS identity is taking long; retry shortly." },
    });
    // The retry joins the creation still running (it ends 4 s after the first request) instead of starting another.
    const after = await env.call("POST", "/api/token", { jwt });
    expect(after.status).toBe(200);
    // The row holds the identity the caller was answered with; it is the one identity this test created, and live.
    const mapped = await env.mappedIdentity(sub);
    expect(mapped).toBe(after.body.acsUserId);
    const created = (await env.identities()).filter((identity) => !idsBefore.has(identity.id));
    expect(created).toEqual([{ id: mapped, deleted: false }]);
    expect((await env.upstreamCalls("CreateIdentity")) - createCallsBefore).toBe(1);
  });

  it("answers 503 for a dropped connection after retries", async () => {
    await env.fault({ operation: "revokeAccessTokens", drop: true, count: 3 });
    const jwt = await newUser();
    expect((await env.call("POST", "/api/token", { jwt })).status).toBe(200);
    const response = await env.call("POST", "/api/token/revoke", { jwt });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe("acs_unavailable");
    await env.clearFaults();
  });
});

describe("mapping store failures", () => {
  // The bug: the insert's TableNotFound was taken for "someone else's row", the re-read failed the same way, and the
  // request ended 503 with the new identity kept as "outcome unknown" although nothing had been written.
  it("the table deleted while an identity is created: it is created again, the identity mapped, the request answered", async () => {
    await env.fault({ operation: "createUser", delayMs: 1000, count: 1 });
    const sub = `failure-user-${++users}`;
    const pending = env.call("POST", "/api/token", { jwt: await env.oidc.mintToken(sub) });
    await sleep(400);
    await TableClient.fromConnectionString(env.azurite.connectionString, TOKEN_API_DEFAULTS.mappingTableName, {
      allowInsecureConnection: true,
    }).deleteTable();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await env.mappedIdentity(sub)).toBe(response.body.acsUserId);
  });

  it("answers 503 while Azurite is stopped and recovers after it restarts", async () => {
    const cachedUser = await env.oidc.mintToken("cached-before-outage");
    const cached = await env.call("POST", "/api/token", { jwt: cachedUser });
    expect(cached.status).toBe(200);
    const cachedAt = Date.now();

    await env.azurite.stop();
    try {
      const response = await env.call("POST", "/api/token", { jwt: await newUser() });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(response.body).toEqual({
        error: { code: "mapping_store_unavailable", message: "The identity mapping store is unavailable; retry later." },
      });
      // Fail closed: once its last row read is older than the bound, a cached token is not served without one.
      await sleep(Math.max(0, cachedAt + REVOCATION_BOUND_MS + 100 - Date.now()));
      const cachedAgain = await env.call("POST", "/api/token", { jwt: cachedUser });
      expect(cachedAgain.status).toBe(503);
      expect(cachedAgain.headers.get("retry-after")).toBe("5");
      expect(cachedAgain.body).toEqual({
        error: { code: "mapping_store_unavailable", message: "The identity mapping store is unavailable; retry later." },
      });
      expect((await env.call("DELETE", "/api/me", { jwt: cachedUser })).status).toBe(503);
      // /readyz caches its checks for 2 s: poll until the cached answer expires instead of sleeping past it.
      await expect
        .poll(async () => {
          const ready = await env.call("GET", "/readyz");
          return { status: ready.status, body: ready.body.status, checks: ready.body.checks };
        }, readinessPoll)
        .toEqual({ status: 503, body: "not-ready", checks: { mappingStore: "unavailable", acs: "ok", secret: "ok" } });
    } finally {
      await env.azurite.start();
    }
    const recovered = await env.call("POST", "/api/token", { jwt: await newUser() });
    expect(recovered.status).toBe(200);
    await expect.poll(async () => (await env.call("GET", "/readyz")).status, readinessPoll).toBe(200);
  });
});
