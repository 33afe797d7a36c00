// The conversations routes in process (app.inject, fake store/chat/identities): authorization, ACS limits with their
// exact errors, path tricks, partial failures repaired by a retry, 429 passed on with Retry-After, threads gone.
import { afterEach, describe, expect, it } from "vitest";
import { UpstreamThrottledError } from "../../../services/token-api/src/errors";
import { ServiceUnavailableError } from "../../../services/token-api/src/errors";
import { conversationApp } from "./conversationFakes";

type App = Awaited<ReturnType<typeof conversationApp>>;
let current: App | undefined;
afterEach(async () => current?.app.close());
const start = async (...args: Parameters<typeof conversationApp>) => (current = await conversationApp(...args));

const call = (t: App, method: string, url: string, token?: string, payload?: unknown) =>
  t.app.inject({
    method: method as "GET",
    url,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(payload !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(payload !== undefined ? { payload: typeof payload === "string" ? payload : JSON.stringify(payload) } : {}),
  });
const detail = (response: { json(): unknown }) =>
  (response.json() as { error: { code: string; details?: Array<{ field: string; message: string }> } }).error;

const people = (n: number, prefix = "user") => Array.from({ length: n }, (_, i) => ({ subject: `${prefix}-${i}` }));

describe("conversations routes: authorization", () => {
  it("without the role every service route answers 403 (end-user token or a token with neither), and 401 without a token", async () => {
    const t = await start();
    const routes: Array<[string, string, unknown?]> = [
      ["PUT", "/api/conversations/order/1", { topic: "x" }],
      ["DELETE", "/api/conversations/order/1"],
      ["PUT", "/api/conversations/order/1/participants/alice", {}],
      ["POST", "/api/conversations/order/1/participants", { participants: [{ subject: "alice" }] }],
      ["DELETE", "/api/conversations/order/1/participants/alice"],
    ];
    for (const [method, url, body] of routes) {
      for (const token of ["user:alice", "plain:someone"]) {
        const response = await call(t, method, url, token, body);
        expect([method, url, token, response.statusCode, detail(response).code]).toEqual([method, url, token, 403, "forbidden"]);
      }
      expect((await call(t, method, url, undefined, body)).statusCode).toBe(401);
      expect((await call(t, method, url, "garbage", body)).statusCode).toBe(401);
    }
    // Refused before the body is read: a role-less caller learns nothing from validation errors either.
    expect((await call(t, "PUT", "/api/conversations/order/1", "user:alice", { nonsense: true })).statusCode).toBe(403);
    // End-user routes need the end-user scope.
    expect((await call(t, "GET", "/api/conversations", "plain:someone")).statusCode).toBe(403);
    expect((await call(t, "GET", "/api/conversations", "service")).statusCode).toBe(403);
    expect(t.chat.creations).toBe(0);
  });

  it("end users see only their own conversations: another id's or type's answers 404 like a missing one", async () => {
    const t = await start();
    expect(
      (await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "One", participants: [{ subject: "alice" }] })).statusCode,
    ).toBe(201);
    expect(
      (await call(t, "PUT", "/api/conversations/order/2", "service", { topic: "Two", participants: [{ subject: "bob" }] })).statusCode,
    ).toBe(201);
    expect(
      (await call(t, "PUT", "/api/conversations/case/1", "service", { topic: "Case", participants: [{ subject: "bob" }] })).statusCode,
    ).toBe(201);
    const mine = await call(t, "GET", "/api/conversations/order/1", "user:alice");
    expect([mine.statusCode, mine.json().participants]).toEqual([200, [{ subject: "alice", displayName: "" }]]);
    const answers = await Promise.all(
      ["/api/conversations/order/2", "/api/conversations/case/1", "/api/conversations/order/404"].map((url) =>
        call(t, "GET", url, "user:alice"),
      ),
    );
    expect(answers.map((a) => [a.statusCode, a.body])).toEqual(
      Array(3).fill([404, JSON.stringify({ error: { code: "not_found", message: "No such conversation." } })]),
    );
    const list = await call(t, "GET", "/api/conversations", "user:bob");
    expect(
      list
        .json()
        .items.map((i: { type: string; id: string }) => `${i.type}/${i.id}`)
        .sort(),
    ).toEqual(["case/1", "order/2"]);
  });

  it("join: a holder of the type's join role joins any conversation of it; others get 403", async () => {
    const t = await start({ CONVERSATIONS_JOIN_ROLES: "case=support.agent|support.lead" });
    await call(t, "PUT", "/api/conversations/case/7", "service", { topic: "Case 7", participants: [{ subject: "customer" }] });
    const refused = await call(t, "POST", "/api/conversations/case/7/join", "user:mallory", {});
    expect([refused.statusCode, detail(refused).code]).toEqual([403, "forbidden"]);
    const otherType = await call(t, "POST", "/api/conversations/order/7/join", "user:agent:support.agent", {});
    expect(otherType.statusCode).toBe(403);
    const joined = await call(t, "POST", "/api/conversations/case/7/join", "user:agent:support.lead", { displayName: "Agent" });
    expect([joined.statusCode, joined.json().participants]).toEqual([
      200,
      [
        { subject: "agent", displayName: "Agent" },
        { subject: "customer", displayName: "" },
      ],
    ]);
    const missing = await call(t, "POST", "/api/conversations/case/8/join", "user:agent:support.agent", {});
    expect(missing.statusCode).toBe(404);
  });
});

describe("conversations routes: ACS limits and input", () => {
  it.each([
    ["topic too long", { topic: "x".repeat(257) }, "topic", "Too big: expected string to have <=256 characters"],
    ["empty topic", { topic: "  " }, "topic", "Too small: expected string to have >=1 characters"],
    [
      "retention below 30 days",
      { topic: "t", retentionDays: 29 },
      "retentionDays",
      "must be 30..90 days (ACS retention policy), or null for none",
    ],
    [
      "retention above 90 days",
      { topic: "t", retentionDays: 91 },
      "retentionDays",
      "must be 30..90 days (ACS retention policy), or null for none",
    ],
    [
      "201 participants in one request",
      { topic: "t", participants: people(201) },
      "participants",
      'at most 200 per request (ACS: "Batch of participants" 200)',
    ],
    [
      "a participant listed twice",
      { topic: "t", participants: [{ subject: "a" }, { subject: "a" }] },
      "participants.1.subject",
      "is listed twice",
    ],
    [
      "17 metadata entries",
      { topic: "t", metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) },
      "metadata",
      "at most 16 entries",
    ],
    ["an unknown field", { topic: "t", owner: "me" }, "owner", "is not a known field"],
  ])("%s: 400 naming the field", async (_name, body, field, message) => {
    const t = await start();
    const response = await call(t, "PUT", "/api/conversations/order/1", "service", body);
    expect(response.statusCode).toBe(400);
    expect(detail(response).details).toEqual([{ field, message }]);
    expect(t.chat.creations).toBe(0);
  });

  it("retention 30..90 or none reaches ACS as a retention policy", async () => {
    const t = await start();
    await call(t, "PUT", "/api/conversations/order/30", "service", { topic: "t", retentionDays: 30 });
    await call(t, "PUT", "/api/conversations/order/none", "service", { topic: "t", retentionDays: null });
    expect([...t.chat.threads.values()].map((thread) => thread.spec.retentionDays)).toEqual([30, null]);
  });

  it("250 per thread: 249 app participants (the platform is the 250th); one more is 409 naming the limit", async () => {
    const t = await start();
    expect((await call(t, "PUT", "/api/conversations/order/big", "service", { topic: "big", participants: people(200) })).statusCode).toBe(
      201,
    );
    const more = await call(t, "POST", "/api/conversations/order/big/participants", "service", { participants: people(49, "more") });
    expect([more.statusCode, more.json().participants.length]).toEqual([200, 249]);
    const over = await call(t, "PUT", "/api/conversations/order/big/participants/one-too-many", "service", {});
    expect(over.statusCode).toBe(409);
    expect(detail(over)).toEqual({
      code: "limit_exceeded",
      message:
        "participants: a conversation holds at most 249 participants (ACS allows 250 per thread, one is the platform); it has 249, this adds 1",
      details: [
        {
          field: "participants",
          message:
            "a conversation holds at most 249 participants (ACS allows 250 per thread, one is the platform); it has 249, this adds 1",
        },
      ],
    });
    // Re-adding someone already in does not count.
    expect((await call(t, "PUT", "/api/conversations/order/big/participants/user-0", "service", {})).statusCode).toBe(200);
  });

  it("path tricks in type, id and subject are refused with 400 naming the segment, never reaching ACS", async () => {
    const t = await start();
    const cases: Array<[string, number, string?]> = [
      ["/api/conversations/Order/1", 400, "type"],
      ["/api/conversations/order%2F1/2", 400, "type"],
      ["/api/conversations/..%2Forder/1", 400, "type"],
      ["/api/conversations/order/a%2Fb", 400, "id"],
      ["/api/conversations/order/a%20b", 400, "id"],
      [`/api/conversations/order/${"x".repeat(129)}`, 400, "id"],
      ["/api/conversations/order/..", 404],
      ["/api/conversations/order/1/participants/a%20b", 400, "subject"],
      ["/api/conversations/order/1/participants/%0Aadmin", 400, "subject"],
    ];
    for (const [url, status, field] of cases) {
      const method = url.includes("/participants/") ? "PUT" : "PUT";
      const response = await call(t, method, url, "service", url.includes("/participants/") ? {} : { topic: "t" });
      expect([url, response.statusCode, field ? detail(response).details?.[0]?.field : undefined]).toEqual([url, status, field]);
    }
    expect(t.chat.creations).toBe(0);
  });

  it("an oversized body is 413 and an oversized batch 400, before any work", async () => {
    const t = await start();
    const huge = {
      topic: "t",
      participants: people(200).map((p) => ({ ...p, displayName: "n".repeat(256) })),
      padding: "x".repeat(170_000),
    };
    const response = await call(t, "PUT", "/api/conversations/order/1", "service", huge);
    expect([response.statusCode, detail(response).code]).toEqual([413, "payload_too_large"]);
    const batch = await call(t, "POST", "/api/conversations/order/1/participants", "service", { participants: people(201) });
    expect(batch.statusCode).toBe(400);
    expect(t.chat.creations).toBe(0);
  });
});

describe("conversations routes: ACS answers and partial failures", () => {
  it("a 429 from ACS reaches the caller with its Retry-After", async () => {
    const t = await start();
    t.chat.failures.set("createThread", [new UpstreamThrottledError(7)]);
    const response = await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t" });
    expect([response.statusCode, response.headers["retry-after"], detail(response).code]).toEqual([429, "7", "upstream_throttled"]);
    // The record stays `creating` with its token; the retry creates exactly one thread.
    const retried = await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t" });
    expect(retried.statusCode).toBe(200);
    expect(t.chat.liveThreads()).toEqual([retried.json().threadId]);
  });

  it("thread created but the record not updated: the retry finds the same thread (same creation token)", async () => {
    const t = await start();
    t.conversationStore.failNext.add("replace");
    expect((await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t" })).statusCode).toBe(500);
    const retried = await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t", participants: [{ subject: "alice" }] });
    expect(retried.statusCode).toBe(200);
    expect(t.chat.creations).toBe(1);
    expect(t.chat.liveThreads()).toEqual([retried.json().threadId]);
  });

  it("participant add failed at ACS, or its record not written: a retry of the same request completes it", async () => {
    const t = await start();
    t.chat.failures.set("addMembers", [new ServiceUnavailableError("acs_unavailable", "down")]);
    const first = await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t", participants: [{ subject: "alice" }] });
    expect(first.statusCode).toBe(503);
    t.conversationStore.failNext.add("putParticipant");
    expect(
      (await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t", participants: [{ subject: "alice" }] })).statusCode,
    ).toBe(500);
    const done = await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t", participants: [{ subject: "alice" }] });
    expect([done.statusCode, done.json().participants]).toEqual([200, [{ subject: "alice", displayName: "" }]]);
    const alice = t.conversationStore.parts.get("order\n1")!.get("alice")!.acsUserId;
    expect([...t.chat.threads.get(done.json().threadId)!.members]).toEqual([alice]);
  });

  it("a thread ACS no longer has: reported as gone (410), and a PUT re-creates it with everyone the records list", async () => {
    let now = Date.parse("2026-12-07T12:00:00Z");
    const t = await start({}, () => now);
    const created = await call(t, "PUT", "/api/conversations/order/1", "service", {
      topic: "t",
      retentionDays: 30,
      participants: [{ subject: "alice" }],
    });
    now += 31 * 24 * 3600 * 1000;
    const gone = await call(t, "GET", "/api/conversations/order/1", "service");
    expect([gone.statusCode, detail(gone).code]).toEqual([410, "thread_gone"]);
    expect((await call(t, "GET", "/api/conversations/order/1", "user:alice")).statusCode).toBe(410);
    // Deleted by hand (no retention): found out at the next PUT, which re-creates it.
    await t.chat.deleteThread(created.json().threadId);
    const again = await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "t" });
    expect(again.statusCode).toBe(201);
    expect(again.json().threadId).not.toBe(created.json().threadId);
    expect(again.json().participants).toEqual([{ subject: "alice", displayName: "" }]);
    expect(t.chat.threads.get(again.json().threadId)!.members.size).toBe(1);
  });

  it("DELETE /api/me removes the user from every conversation (at ACS and in the records)", async () => {
    const t = await start();
    await call(t, "PUT", "/api/conversations/order/1", "service", { topic: "a", participants: [{ subject: "alice" }, { subject: "bob" }] });
    await call(t, "PUT", "/api/conversations/case/2", "service", { topic: "b", participants: [{ subject: "alice" }] });
    expect((await call(t, "DELETE", "/api/me", "user:alice")).statusCode).toBe(204);
    expect((await call(t, "GET", "/api/conversations", "user:alice")).json()).toEqual({ items: [] });
    const doc = await call(t, "GET", "/api/conversations/order/1", "service");
    expect(doc.json().participants).toEqual([{ subject: "bob", displayName: "" }]);
    expect([...t.chat.threads.values()].map((thread) => thread.members.size)).toEqual([1, 0]);
  });

  it("GET /api/conversations pages with next; a forged next is refused", async () => {
    const t = await start();
    for (const id of ["1", "2", "3"])
      await call(t, "PUT", `/api/conversations/order/${id}`, "service", { topic: id, participants: [{ subject: "alice" }] });
    const first = await call(t, "GET", "/api/conversations?limit=2", "user:alice");
    expect(first.json().items).toHaveLength(2);
    const second = await call(t, "GET", `/api/conversations?limit=2&next=${first.json().next}`, "user:alice");
    expect([second.json().items.length, second.json().next]).toEqual([1, undefined]);
    const forged = await call(t, "GET", "/api/conversations?next=%7B%22a%22%7D", "user:alice");
    expect([forged.statusCode, detail(forged).details?.[0]?.field]).toEqual([400, "next"]);
    expect((await call(t, "GET", "/api/conversations?limit=101", "user:alice")).statusCode).toBe(400);
  });
});

describe("one gate for every route (src/gate.ts)", () => {
  it("a user's token and conversation requests share one per-user budget", async () => {
    const t = await start({ RATE_LIMIT_PER_USER_PER_MINUTE: "3" });
    expect((await call(t, "POST", "/api/token", "user:alice")).statusCode).toBe(200);
    expect((await call(t, "POST", "/api/token", "user:alice")).statusCode).toBe(200);
    expect((await call(t, "GET", "/api/conversations", "user:alice")).statusCode).toBe(200);
    // The fourth request of the minute, whichever route: a budget per route group would still answer 200 here.
    const listed = await call(t, "GET", "/api/conversations", "user:alice");
    expect([listed.statusCode, detail(listed).code]).toEqual([429, "rate_limited"]);
    expect(Number(listed.headers["retry-after"])).toBeGreaterThan(0);
    expect((await call(t, "POST", "/api/token", "user:alice")).statusCode).toBe(429);
    // Another user's budget is untouched.
    expect((await call(t, "GET", "/api/conversations", "user:bob")).statusCode).toBe(200);
  });

  it("failed authentications on the token route count against the address on the conversation routes too", async () => {
    const t = await start({ RATE_LIMIT_PER_IP_PER_MINUTE: "2" });
    expect((await call(t, "POST", "/api/token", "garbage")).statusCode).toBe(401);
    expect((await call(t, "POST", "/api/token", "garbage")).statusCode).toBe(401);
    // A token this instance has not verified before, from the same address past its limit: refused before any check.
    const gated = await call(t, "GET", "/api/conversations", "user:carol");
    expect([gated.statusCode, detail(gated).code]).toEqual([429, "rate_limited"]);
    expect((await call(t, "PUT", "/api/conversations/order/9", "service", { topic: "x" })).statusCode).toBe(429);
  });
});
