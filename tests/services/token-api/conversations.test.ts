// The conversations API against real processes (Azurite, the ACS emulator, the local OIDC issuer, two token API
// instances): the order/1234 flow with the real chat SDK, removal taking effect at ACS, and 50 concurrent PUTs.
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { DEFAULT_MANAGE_ROLE } from "../../../services/token-api/src/conversations/limits";
import { SERVER_IDENTITY } from "../../../services/token-api/src/conversations/service";
import { mappingKeys } from "../../../services/token-api/src/mappingStore";
import { TOKEN_API_DEFAULTS } from "../../../services/token-api/src/settings";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({ instances: 2 });
}, 120_000);
afterAll(async () => env?.stop());

const serviceJwt = () => env.oidc.mintToken("order-backend", { scp: undefined, roles: [DEFAULT_MANAGE_ROLE] });
const chatFor = async (sub: string) => {
  const minted = await env.call("POST", "/api/token", { jwt: await env.oidc.mintToken(sub) });
  expect(minted.status).toBe(200);
  return {
    acsUserId: minted.body.acsUserId as string,
    chat: new ChatClient(env.emulator.endpoint, new AzureCommunicationTokenCredential(minted.body.token), {
      tlsOptions: { ca: env.emulator.caCertPem },
    } as never),
  };
};
/** Every thread the emulator holds (the admin view), deleted ones included. */
const threads = async () =>
  ((await (await fetch(`${env.emulator.adminUrl}/threads`)).json()) as { threads: Array<{ id: string; deleted: boolean }> }).threads;

describe("conversations", () => {
  it("order/1234: two users send and read; a third gets 404 and cannot read; a removed user's next call fails", async () => {
    const jwt = await serviceJwt();
    const created = await env.call("PUT", "/api/conversations/order/1234", {
      jwt,
      body: {
        topic: "Order 1234",
        participants: [
          { subject: "alice", displayName: "Alice" },
          { subject: "bob", displayName: "Bob" },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: "order",
      id: "1234",
      topic: "Order 1234",
      participants: [
        { subject: "alice", displayName: "Alice" },
        { subject: "bob", displayName: "Bob" },
      ],
      retentionDays: null,
    });
    expect(created.body.threadId).toMatch(/^19:.+@thread\.v2$/);
    const again = await env.call("PUT", "/api/conversations/order/1234", { jwt, body: { topic: "Order 1234" }, instance: 1 });
    expect([again.status, again.body.threadId]).toEqual([200, created.body.threadId]);

    const alice = await chatFor("alice");
    const bob = await chatFor("bob");
    const threadId = created.body.threadId as string;
    await alice.chat.getChatThreadClient(threadId).sendMessage({ content: "hi from alice" });
    await bob.chat.getChatThreadClient(threadId).sendMessage({ content: "hi from bob" });
    const seen: string[] = [];
    for await (const message of bob.chat.getChatThreadClient(threadId).listMessages()) {
      if (message.type === "text") seen.push(message.content!.message!);
    }
    expect(seen.sort()).toEqual(["hi from alice", "hi from bob"]);

    // End users: their own list and document; a stranger gets 404 for it and for one that does not exist.
    const aliceJwt = await env.oidc.mintToken("alice");
    const list = await env.call("GET", "/api/conversations", { jwt: aliceJwt });
    expect(list.body).toEqual({ items: [{ type: "order", id: "1234", threadId, topic: "Order 1234" }] });
    // A `next` that is not one of Table Storage's continuation tokens: 400 naming it, not a 503.
    const forged = await env.call("GET", "/api/conversations?next=bm90LWpzb24", { jwt: aliceJwt });
    expect([forged.status, forged.body.error.details]).toEqual([
      400,
      [{ field: "next", message: "is not a continuation token from an earlier page" }],
    ]);
    expect((await env.call("GET", "/api/conversations/order/1234", { jwt: aliceJwt })).status).toBe(200);
    const carol = await chatFor("carol");
    const carolJwt = await env.oidc.mintToken("carol");
    const hidden = await env.call("GET", "/api/conversations/order/1234", { jwt: carolJwt });
    const missing = await env.call("GET", "/api/conversations/order/9999", { jwt: carolJwt });
    expect([hidden.status, hidden.body]).toEqual([404, { error: { code: "not_found", message: "No such conversation." } }]);
    expect([missing.status, missing.body]).toEqual([hidden.status, hidden.body]);
    const carolRead = await carol.chat
      .getChatThreadClient(threadId)
      .getProperties()
      .catch((error: { statusCode?: number }) => error);
    expect((carolRead as { statusCode?: number }).statusCode).toBe(403);

    // Removal takes effect at ACS: bob's next send fails; the records no longer list him.
    const removed = await env.call("DELETE", "/api/conversations/order/1234/participants/bob", { jwt, instance: 1 });
    expect(removed.status).toBe(204);
    const bobSend = await bob.chat
      .getChatThreadClient(threadId)
      .sendMessage({ content: "still here?" })
      .catch((error: { statusCode?: number }) => error);
    expect((bobSend as { statusCode?: number }).statusCode).toBe(403);
    expect((await env.call("GET", "/api/conversations/order/1234", { jwt: await env.oidc.mintToken("bob") })).status).toBe(404);
    expect((await env.call("GET", "/api/conversations", { jwt: await env.oidc.mintToken("bob") })).body).toEqual({ items: [] });

    // Delete: the thread and the records go; a second delete is a no-op.
    expect((await env.call("DELETE", "/api/conversations/order/1234", { jwt })).status).toBe(204);
    expect((await threads()).filter((t) => t.id === threadId)).toEqual([{ id: threadId, deleted: true }]);
    expect((await env.call("GET", "/api/conversations/order/1234", { jwt })).status).toBe(404);
    expect((await env.call("GET", "/api/conversations", { jwt: aliceJwt })).body).toEqual({ items: [] });
    expect((await env.call("DELETE", "/api/conversations/order/1234", { jwt })).status).toBe(204);
  });

  it("50 concurrent PUTs of one conversation over both instances: one thread, one record, no orphan thread", async () => {
    const jwt = await serviceJwt();
    const before = new Set((await threads()).map((t) => t.id));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        env.call("PUT", "/api/conversations/order/race-1", {
          jwt,
          instance: i % 2,
          body: { topic: "Race", participants: [{ subject: `racer-${i % 5}` }] },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(49).fill(200), 201].sort());
    const threadIds = new Set(answers.map((a) => a.body.threadId));
    expect(threadIds.size).toBe(1);
    // Exactly one new thread in the emulator, the one every answer names, and it is live (no orphan, none deleted).
    const created = (await threads()).filter((t) => !before.has(t.id));
    expect(created).toEqual([{ id: [...threadIds][0], deleted: false }]);
    const document = await env.call("GET", "/api/conversations/order/race-1", { jwt });
    expect(document.body.participants.map((p: { subject: string }) => p.subject)).toEqual([
      "racer-0",
      "racer-1",
      "racer-2",
      "racer-3",
      "racer-4",
    ]);
  }, 60_000);

  it("a 429 from the emulator reaches the caller with its Retry-After; the retry completes the add", async () => {
    const jwt = await serviceJwt();
    expect((await env.call("PUT", "/api/conversations/order/throttled", { jwt, body: { topic: "Throttled" } })).status).toBe(201);
    await env.fault({ operation: "addChatParticipants", status: 429, retryAfterSeconds: 9, count: 1 });
    const throttled = await env.call("PUT", "/api/conversations/order/throttled/participants/dora", { jwt, body: {} });
    expect([throttled.status, throttled.headers.get("retry-after"), throttled.body.error.code]).toEqual([429, "9", "upstream_throttled"]);
    const retried = await env.call("PUT", "/api/conversations/order/throttled/participants/dora", { jwt, body: {} });
    expect([retried.status, retried.body.participants]).toEqual([200, [{ subject: "dora", displayName: "" }]]);
    await env.clearFaults();
  });

  it("hostile tokens: another issuer or audience, expired (also replayed after expiry) -> 401; a user token on a service route -> 403", async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const role = { scp: undefined, roles: [DEFAULT_MANAGE_ROLE] };
    const body = { topic: "Hostile" };
    const cases: Array<[string, string, number]> = [
      ["other issuer", await env.oidc.mintToken("order-backend", { ...role, iss: "https://login.evil.example/v2.0" }), 401],
      ["other audience", await env.oidc.mintToken("order-backend", { ...role, aud: "api://some-other-api" }), 401],
      ["expired", await env.oidc.mintToken("order-backend", { ...role, iat: now() - 7200, nbf: now() - 7200, exp: now() - 120 }), 401],
      ["a user token", await env.oidc.mintToken("alice"), 403],
      ["a role of another name", await env.oidc.mintToken("order-backend", { scp: undefined, roles: ["conversations.read"] }), 403],
    ];
    for (const [name, jwt, status] of cases) {
      const response = await env.call("PUT", "/api/conversations/order/hostile", { jwt, body });
      expect([name, response.status]).toEqual([name, status]);
    }
    // Replayed: the same service token is accepted again (a bearer token is valid until exp, on any instance), and
    // that one token cannot reach another route family: it is refused where an end user's scope is needed.
    const replayed = await serviceJwt();
    for (const instance of [0, 1, 0]) {
      expect((await env.call("GET", "/api/conversations/order/hostile", { jwt: replayed, instance })).status).toBe(404);
    }
    expect((await env.call("GET", "/api/conversations", { jwt: replayed })).status).toBe(403);
    expect((await env.call("POST", "/api/token", { jwt: replayed })).status).toBe(401);
  });

  it("the server identity is one mapping row, the same on both instances and after a restart of every instance", async () => {
    const table = TableClient.fromConnectionString(env.azurite.connectionString, TOKEN_API_DEFAULTS.mappingTableName, {
      allowInsecureConnection: true,
    });
    const { partitionKey, rowKey } = mappingKeys(SERVER_IDENTITY);
    const before = (await table.getEntity<{ acsUserId: string }>(partitionKey, rowKey)).acsUserId;
    await env.tokenApi.stop();
    await env.tokenApi.start();
    const jwt = await serviceJwt();
    for (const instance of [0, 1]) {
      const response = await env.call("PUT", `/api/conversations/order/after-restart-${instance}`, {
        jwt,
        instance,
        body: { topic: "After" },
      });
      expect(response.status).toBe(201);
    }
    expect((await table.getEntity<{ acsUserId: string }>(partitionKey, rowKey)).acsUserId).toBe(before);
    const identities = await env.identities();
    expect(identities.filter((identity) => identity.id === before)).toEqual([{ id: before, deleted: false }]);
  }, 90_000);
});

describe("conversations with the emulator's ACS limits on (npm run dev -- --acs-limits)", () => {
  let limited: TestEnvironment;
  beforeAll(async () => {
    limited = await startTestEnvironment({ acsLimits: true });
  }, 120_000);
  afterAll(async () => limited?.stop());

  it("the 11th conversation created within 10 s gets ACS's 429 with its Retry-After (create thread: 10 per 10 s per user, the server identity)", async () => {
    const jwt = await limited.oidc.mintToken("order-backend", { scp: undefined, roles: [DEFAULT_MANAGE_ROLE] });
    const answers = [];
    for (let i = 0; i < 11; i++)
      answers.push(await limited.call("PUT", `/api/conversations/order/limit-${i}`, { jwt, body: { topic: `Limit ${i}` } }));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(201));
    const throttled = answers[10]!;
    expect([throttled.status, throttled.body.error.code]).toEqual([429, "upstream_throttled"]);
    const retryAfter = Number(throttled.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
  });
});
