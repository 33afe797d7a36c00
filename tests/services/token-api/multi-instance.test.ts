// Two token API processes on one Azurite, emulator and issuer: revoke and erase hold across instances, and partial
// failures (a lost insert answer, a slow createUser, a persistent 401 Denied, an unreachable JWKS) end retry-fixable.
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REVOCATION_BOUND_MS } from "../../../services/token-api/src/settings";
import { tokenApiInstance, type TokenApiInstance } from "../../../tools/local-dev/instances";
import { startStorageProxy, type StorageProxy } from "./fixtures/storage-proxy";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({ instances: 2 });
}, 120_000);
afterAll(async () => env?.stop());
afterEach(async () => {
  await env.clearFaults();
  env.oidc.setAvailable(true);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let users = 0;
const newUser = () => env.oidc.mintToken(`multi-${++users}-${Date.now()}`);
const token = (jwt: string, instance: number) => env.call("POST", "/api/token", { jwt, instance });

/** Whether ACS (the emulator) accepts the token for a chat call. */
async function chatAccepts(acsToken: string): Promise<boolean> {
  const chat = new ChatClient(env.emulator.endpoint, new AzureCommunicationTokenCredential(acsToken), {
    tlsOptions: { ca: env.emulator.caCertPem },
  } as never);
  try {
    // A call the default least-privilege scopes (chat.join.limited) allow: listing the user's threads.
    await chat.listChatThreads().byPage().next();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 401) return false;
    throw error;
  }
}

/**
 * Asks `instance` every 25 ms until its answer is not `stale`. `ms`: when the fresh answer arrived, after `since`
 * (reported only: it includes however long a loaded machine took to answer). `lastStaleAskedMs`: when the last
 * request that still got the stale token was sent, after `since` (-1: none). That is what the bound is about, free of
 * load: a request sent at s and answered stale was served at some time >= s, and the service promises no stale
 * answer later than REVOCATION_BOUND_MS after the change (its freshness clock starts before each table read).
 */
async function msUntilFresh(
  jwt: string,
  instance: number,
  stale: string,
  since: number,
): Promise<{ ms: number; lastStaleAskedMs: number; body: { token: string; acsUserId: string } }> {
  let lastStaleAskedMs = -1;
  for (;;) {
    const asked = Date.now();
    const response = await token(jwt, instance);
    expect(response.status).toBe(200);
    if (response.body.token !== stale) return { ms: Date.now() - since, lastStaleAskedMs, body: response.body };
    lastStaleAskedMs = asked - since;
    await sleep(25);
  }
}

describe("state shared by two instances", () => {
  it("each instance answers from its own process", async () => {
    const ids = await Promise.all([0, 1].map(async (i) => (await env.call("GET", "/readyz", { instance: i })).body.instance));
    expect(ids).toEqual(["local-0", "local-1"]);
    // The entry point alternates between them.
    const viaEntry = await Promise.all([1, 2, 3, 4].map(async () => (await env.call("GET", "/readyz")).body.instance));
    expect(new Set(viaEntry)).toEqual(new Set(["local-0", "local-1"]));
  });

  it("a revoke through one instance: the other stops handing out the revoked token within the bound", async () => {
    const jwt = await newUser();
    const onOne = await token(jwt, 1);
    expect((await token(jwt, 1)).body.token).toBe(onOne.body.token); // cached on instance 1
    expect(await chatAccepts(onOne.body.token)).toBe(true);

    expect((await env.call("POST", "/api/token/revoke", { jwt, instance: 0 })).status).toBe(204);
    const answered = Date.now();
    expect(await chatAccepts(onOne.body.token)).toBe(false);
    const fresh = await msUntilFresh(jwt, 1, onOne.body.token, answered);
    expect(fresh.lastStaleAskedMs).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
    expect(fresh.body.acsUserId).toBe(onOne.body.acsUserId);
    expect(await chatAccepts(fresh.body.token)).toBe(true);
    console.log(`revoke on instance 0 -> instance 1 serves a new token after ${fresh.ms} ms (bound ${REVOCATION_BOUND_MS} ms)`);
    // After the bound, whatever either instance returns works.
    await sleep(REVOCATION_BOUND_MS);
    for (const instance of [0, 1]) expect(await chatAccepts((await token(jwt, instance)).body.token)).toBe(true);
  });

  it("an erase through one instance: the other never hands out the erased identity's token after the bound", async () => {
    const jwt = await newUser();
    const onOne = await token(jwt, 1);
    const erasedId = onOne.body.acsUserId as string;
    expect((await env.call("DELETE", "/api/me", { jwt, instance: 0 })).status).toBe(204);
    const answered = Date.now();
    expect((await env.identities()).find((identity) => identity.id === erasedId)).toEqual({ id: erasedId, deleted: true });
    const fresh = await msUntilFresh(jwt, 1, onOne.body.token, answered);
    expect(fresh.lastStaleAskedMs).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
    expect(fresh.body.acsUserId).not.toBe(erasedId);
    expect(await chatAccepts(fresh.body.token)).toBe(true);
    console.log(`erase on instance 0 -> instance 1 maps a new identity after ${fresh.ms} ms (bound ${REVOCATION_BOUND_MS} ms)`);
    // Both instances now agree on the one new identity.
    await sleep(REVOCATION_BOUND_MS);
    expect((await token(jwt, 0)).body.acsUserId).toBe(fresh.body.acsUserId);
  });

  it("first requests of one user on both instances at once: one identity mapped, the loser's deleted", async () => {
    await env.fault({ operation: "createUser", delayMs: 1500, count: 2 });
    const before = (await env.identities()).length;
    const jwt = await newUser();
    const [a, b] = await Promise.all([token(jwt, 0), token(jwt, 1)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.acsUserId).toBe(b.body.acsUserId);
    // The loser's identity is deleted after both answered: wait for that outcome rather than a fixed 500 ms.
    await expect
      .poll(
        async () =>
          (await env.identities())
            .slice(before)
            .map((identity) => identity.deleted)
            .sort(),
        { timeout: 30_000, interval: 100 },
      )
      .toEqual([false, true]);
    const created = (await env.identities()).slice(before);
    expect(created.filter((identity) => !identity.deleted)).toEqual([{ id: a.body.acsUserId, deleted: false }]);
  });
});

describe("partial failures", () => {
  it("a createUser slower than the deadline on instance 0, the retry on instance 1: one mapped identity, the loser deleted", async () => {
    // Short deadlines, so the slow createUser (6 s) outlives the first request (3 s) without a long test; 3 s, not
    // less, so the retry's own work (JWKS, createUser, insert) fits in it on a loaded machine too.
    const fast = { ...env.tokenApi.env, REQUEST_DEADLINE_MS: "3000" };
    const a: TokenApiInstance = await tokenApiInstance({ id: "local-slow-a", env: fast });
    const b: TokenApiInstance = await tokenApiInstance({ id: "local-slow-b", env: fast });
    try {
      await Promise.all([a.start(), b.start()]);
      const sub = `multi-slow-${++users}-${Date.now()}`;
      const jwt = await env.oidc.mintToken(sub);
      const ask = async (instance: TokenApiInstance) => {
        const response = await fetch(`${instance.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
        return {
          status: response.status,
          body: (await response.json()) as { acsUserId?: string; token?: string; error?: { code: string } },
        };
      };
      const idsBefore = new Set((await env.identities()).map((identity) => identity.id));
      const createCallsBefore = await env.upstreamCalls("CreateIdentity");
      await env.fault({ operation: "createUser", delayMs: 6000, count: 1 });
      const started = Date.now();
      const first = await ask(a);
      expect(first.status).toBe(503);
      expect(first.body.error?.code).toBe("acs_unavailable");
      // The deadline answered, not createUser: the 503 came before the 6 s createUser could have ended (an order;
      // a margin over the deadline is what a loaded machine ate, 2,269 vs 2,250 ms).
      expect(Date.now() - started).toBeLessThan(6000);
      // The retry lands on the other instance, which knows nothing of the creation still running on instance 0.
      const retry = await ask(b);
      expect(retry.status).toBe(200);
      // Instance 0's creation ends 6 s after the first request and loses the conditional insert; on a loaded machine
      // later than that, so wait for its outcome (its identity deleted), not for a fixed time.
      const mapped = await env.mappedIdentity(sub);
      expect(mapped).toBe(retry.body.acsUserId);
      const createdSince = async () => (await env.identities()).filter((identity) => !idsBefore.has(identity.id));
      await expect
        .poll(async () => (await createdSince()).map((identity) => identity.deleted).sort(), { timeout: 30_000, interval: 100 })
        .toEqual([false, true]);
      expect((await env.upstreamCalls("CreateIdentity")) - createCallsBefore).toBe(2);
      expect((await createdSince()).filter((identity) => !identity.deleted)).toEqual([{ id: mapped, deleted: false }]);
      // Instance 0 now serves the mapped identity too, and its token works.
      const onA = await ask(a);
      expect(onA.body.acsUserId).toBe(mapped);
      expect(await chatAccepts(onA.body.token!)).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("an insert that commits but whose answer is lost keeps the identity it mapped", async () => {
    const proxy: StorageProxy = await startStorageProxy(env.azurite.connectionString);
    const extra: TokenApiInstance = await tokenApiInstance({
      id: "local-proxied",
      env: { ...env.tokenApi.env, MAPPING_TABLE_CONNECTION_STRING: proxy.connectionString },
    });
    try {
      await extra.start();
      const jwt = await newUser();
      proxy.loseNextAnswer("POST", /^\/devstoreaccount1\/acsidentities(\?|$)/);
      const response = await fetch(`${extra.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
      expect(proxy.lost()).toBe(1);
      // The re-read shows the committed row holds this identity: the request succeeds and nothing is deleted.
      expect(response.status).toBe(200);
      const { acsUserId } = (await response.json()) as { acsUserId: string };
      expect((await env.identities()).find((identity) => identity.id === acsUserId)).toEqual({ id: acsUserId, deleted: false });
      const elsewhere = await token(jwt, 0);
      expect(elsewhere.body.acsUserId).toBe(acsUserId);
      expect(await chatAccepts(elsewhere.body.token)).toBe(true);
    } finally {
      await extra.stop();
      await proxy.close();
    }
  });

  // The bug: a revoke asks for a row read no older than 0 ms and compared the read's start with the time it
  // finished, so any read taking 1 ms or more was repeated until the request deadline (503 mapping_store_unavailable).
  it("a revoke on a store that answers in 50 ms reads the row twice (its identity, then the ETag to advance) and succeeds", async () => {
    const proxy: StorageProxy = await startStorageProxy(env.azurite.connectionString);
    const extra: TokenApiInstance = await tokenApiInstance({
      id: "local-slow-store",
      env: { ...env.tokenApi.env, MAPPING_TABLE_CONNECTION_STRING: proxy.connectionString },
    });
    const rowReads = () => proxy.requests("GET", /^\/devstoreaccount1\/acsidentities\(PartitionKey=/);
    try {
      await extra.start();
      const jwt = await newUser();
      const first = await fetch(`${extra.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
      expect(first.status).toBe(200);
      proxy.delayAnswers(50);
      const readsBefore = rowReads();
      const revoked = await fetch(`${extra.url}/api/token/revoke`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
      expect({ status: revoked.status, rowReads: rowReads() - readsBefore }).toEqual({ status: 204, rowReads: 2 });
    } finally {
      proxy.delayAnswers(0);
      await extra.stop();
      await proxy.close();
    }
  });

  it("one instance that cannot read the store after another answered a revoke: 503, never the revoked token", async () => {
    const proxy: StorageProxy = await startStorageProxy(env.azurite.connectionString);
    const b: TokenApiInstance = await tokenApiInstance({
      id: "local-cut-off",
      env: { ...env.tokenApi.env, MAPPING_TABLE_CONNECTION_STRING: proxy.connectionString, REQUEST_DEADLINE_MS: "1500" },
    });
    try {
      await b.start();
      const jwt = await newUser();
      const onB = async () => {
        const response = await fetch(`${b.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
        return {
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          body: (await response.json()) as { token?: string; error?: { code: string } },
        };
      };
      // Set-up: a new user's first request (JWKS, createUser, insert) can miss B's short deadline on a loaded
      // machine; like a client, ask again (a retry repairs it).
      let first = await onB();
      for (let attempt = 1; first.status !== 200 && attempt < 5; attempt++) first = await onB();
      expect(first.status).toBe(200);
      expect((await onB()).body.token).toBe(first.body.token); // cached on B
      expect((await env.call("POST", "/api/token/revoke", { jwt, instance: 0 })).status).toBe(204);
      expect(await chatAccepts(first.body.token!)).toBe(false);
      // B's last row read is now older than the bound, and only B's path to the store hangs.
      await sleep(REVOCATION_BOUND_MS + 200);
      proxy.delayAnswers(20_000);
      const cutOff = await onB();
      expect(cutOff).toEqual({
        status: 503,
        retryAfter: "5",
        body: { error: { code: "mapping_store_unavailable", message: "The identity mapping store is unavailable; retry later." } },
      });
      proxy.delayAnswers(0);
      const recovered = await onB();
      expect(recovered.status).toBe(200);
      expect(recovered.body.token).not.toBe(first.body.token);
      expect(await chatAccepts(recovered.body.token!)).toBe(true);
    } finally {
      proxy.delayAnswers(0);
      await b.stop();
      await proxy.close();
    }
  });

  it("a storage account that hangs: a new user's request ends with 503 at REQUEST_DEADLINE_MS, before the longer per-attempt cap", async () => {
    const proxy: StorageProxy = await startStorageProxy(env.azurite.connectionString);
    const extra: TokenApiInstance = await tokenApiInstance({
      id: "local-hung",
      env: {
        ...env.tokenApi.env,
        MAPPING_TABLE_CONNECTION_STRING: proxy.connectionString,
        REQUEST_DEADLINE_MS: "1500",
        UPSTREAM_TIMEOUT_MS: "3000",
      },
    });
    try {
      await extra.start();
      proxy.delayAnswers(20_000);
      const started = Date.now();
      const response = await fetch(`${extra.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${await newUser()}` } });
      const elapsed = Date.now() - started;
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("mapping_store_unavailable");
      // The per-attempt cap (3000 ms) is longer than the deadline (1500 ms): the deadline wins, so the 503 comes
      // before the first attempt could have been given up on.
      expect(elapsed).toBeLessThan(3000);
      console.log(`hung storage: 503 after ${elapsed} ms (deadline 1500 ms)`);
    } finally {
      proxy.delayAnswers(0);
      await extra.stop();
      await proxy.close();
    }
  });

  it("a mapping that points at a deleted identity is repaired by the next request, not a 503 forever", async () => {
    const jwt = await newUser();
    const first = await token(jwt, 0);
    // Delete the identity behind the service's back (what the old lost-insert cleanup did).
    const { CommunicationIdentityClient } = await import("@azure/communication-identity");
    await new CommunicationIdentityClient(env.emulator.connectionString, {
      tlsOptions: { ca: env.emulator.caCertPem },
    } as never).deleteUser({ communicationUserId: first.body.acsUserId });
    const repaired = await env.call("POST", "/api/token", { jwt, instance: 1, body: { lifetimeMinutes: 61 } });
    expect(repaired.status).toBe(200);
    expect(repaired.body.acsUserId).not.toBe(first.body.acsUserId);
    expect(await chatAccepts(repaired.body.token)).toBe(true);
  });

  it("ACS answering 401 Denied to every call: 503 within the request deadline, then at once", async () => {
    const jwt = await newUser();
    await env.fault({ operation: "issueAccessToken", status: 401 });
    const started = Date.now();
    const first = await token(jwt, 0);
    const firstMs = Date.now() - started;
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("5");
    expect(first.body).toEqual({
      error: { code: "acs_unavailable", message: "Azure Communication Services refused the service's credential; retry later." },
    });
    // Within the request deadline (8 s), with the slack a loaded machine needs to answer at all.
    expect(firstMs).toBeLessThan(8000 + 4000);
    // "Then at once": the next request makes one attempt, no retry loop (counted, not timed).
    const callsBefore = await env.upstreamCalls("IssueAccessToken");
    const again = Date.now();
    expect((await token(jwt, 0)).status).toBe(503);
    const secondMs = Date.now() - again;
    expect(await env.upstreamCalls("IssueAccessToken")).toBe(callsBefore + 1);
    console.log(`persistent Denied: first 503 after ${firstMs} ms, next after ${secondMs} ms (deadline 8000 ms)`);
    await env.clearFaults();
    expect((await token(jwt, 0)).status).toBe(200);
  });

  it("the issuer's JWKS unreachable: 503 idp_unavailable with Retry-After, not 401; recovers", async () => {
    // A fresh instance has never fetched the JWKS.
    const cold = await tokenApiInstance({ id: "local-cold", env: env.tokenApi.env });
    try {
      await cold.start();
      env.oidc.setAvailable(false);
      const jwt = await newUser();
      const response = await fetch(`${cold.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(response.headers.get("www-authenticate")).toBeNull();
      expect(await response.json()).toEqual({
        error: { code: "idp_unavailable", message: "The identity provider's signing keys cannot be fetched; retry later." },
      });
      env.oidc.setAvailable(true);
      expect((await fetch(`${cold.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
    } finally {
      await cold.stop();
    }
  });
});
