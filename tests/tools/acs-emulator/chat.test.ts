// Chat API through @azure/communication-chat: the end-to-end flow, every operation, paging, scopes, 403/404, idempotency.
import { ChatClient } from "@azure/communication-chat";
import type { ChatMessage, ChatThreadClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { TokenScope } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../../tools/acs-emulator/index";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";
import { admin, clientOptions, rawRequest, failure } from "./helpers";

let emulator: EmulatorHandle;
let identity: CommunicationIdentityClient;

beforeAll(async () => {
  emulator = await startEmulator();
  identity = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
});
afterAll(async () => emulator.close());

interface ChatUser {
  user: CommunicationUserIdentifier;
  token: string;
  chat: ChatClient;
}

async function newChatUser(scopes: TokenScope[] = ["chat"]): Promise<ChatUser> {
  const { user, token } = await identity.createUserAndToken(scopes);
  return { user, token, chat: new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), clientOptions(emulator)) };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("end-to-end flow with only the public SDKs, the connection string and the CA", () => {
  it("two users, a thread with both, a message from each, both listed back newest first", async () => {
    const alice = await newChatUser();
    const bob = await newChatUser();
    const created = await alice.chat.createChatThread(
      { topic: "e2e" },
      {
        participants: [
          { id: alice.user, displayName: "Alice" },
          { id: bob.user, displayName: "Bob" },
        ],
      },
    );
    const threadId = created.chatThread?.id ?? "";
    expect(threadId).toMatch(/^19:[0-9a-f]{32}@thread\.v2$/);
    await alice.chat.getChatThreadClient(threadId).sendMessage({ content: "hello from alice" }, { senderDisplayName: "Alice" });
    await bob.chat.getChatThreadClient(threadId).sendMessage({ content: "hello from bob" });
    const messages = (await collect(alice.chat.getChatThreadClient(threadId).listMessages())).filter((m) => m.type === "text");
    expect(
      messages.map((m) => [m.content?.message, m.senderDisplayName, (m.sender as CommunicationUserIdentifier).communicationUserId]),
    ).toEqual([
      ["hello from bob", "", bob.user.communicationUserId],
      ["hello from alice", "Alice", alice.user.communicationUserId],
    ]);
  });
});

describe("threads", () => {
  let alice: ChatUser;
  let bob: ChatUser;
  let thread: ChatThreadClient;
  let threadId: string;

  beforeAll(async () => {
    alice = await newChatUser();
    bob = await newChatUser();
    const created = await alice.chat.createChatThread(
      { topic: "Design review" },
      { participants: [{ id: bob.user, displayName: "Bob" }], metadata: { team: "blue" } },
    );
    threadId = created.chatThread?.id ?? "";
    thread = alice.chat.getChatThreadClient(threadId);
  });

  it("writes participantAdded (seq 1) then topicUpdated (seq 2) and adds the creator", async () => {
    const system = (await collect(thread.listMessages())).filter((m) => m.type !== "text").reverse();
    expect(system.map((m) => [m.type, m.sequenceId])).toEqual([
      ["participantAdded", "1"],
      ["topicUpdated", "2"],
    ]);
    expect(system[0]?.content?.participants?.map((p) => (p.id as CommunicationUserIdentifier).communicationUserId).sort()).toEqual(
      [alice.user.communicationUserId, bob.user.communicationUserId].sort(),
    );
    expect(system[1]?.content?.topic).toBe("Design review");
    const participants = await collect(thread.listParticipants());
    expect(
      participants
        .map((p) => [(p.id as CommunicationUserIdentifier).communicationUserId, p.displayName ?? null, p.shareHistoryTime?.toISOString()])
        .sort(),
    ).toEqual(
      [
        [alice.user.communicationUserId, null, "1970-01-01T00:00:00.000Z"],
        [bob.user.communicationUserId, "Bob", "1970-01-01T00:00:00.000Z"],
      ].sort(),
    );
  });

  it("returns the properties, updates the topic and lists the thread", async () => {
    const properties = await thread.getProperties();
    expect([properties.topic, (properties.createdBy as CommunicationUserIdentifier).communicationUserId, properties.metadata]).toEqual([
      "Design review",
      alice.user.communicationUserId,
      { team: "blue" },
    ]);
    await thread.updateTopic("Design review v2");
    expect((await bob.chat.getChatThreadClient(threadId).getProperties()).topic).toBe("Design review v2");
    const listed = await collect(bob.chat.listChatThreads());
    expect(listed.map((t) => [t.id, t.topic])).toEqual([[threadId, "Design review v2"]]);
  });

  it("gets, edits and soft-deletes a message", async () => {
    const { id } = await thread.sendMessage({ content: "draft" }, { metadata: { k: "v" } });
    expect(id).toMatch(/^\d{13}$/);
    const sent = await bob.chat.getChatThreadClient(threadId).getMessage(id);
    expect([sent.content?.message, sent.version, sent.metadata]).toEqual(["draft", id, { k: "v" }]);
    await thread.updateMessage(id, { content: "final" });
    const edited = await thread.getMessage(id);
    expect([edited.content?.message, edited.editedOn instanceof Date, edited.version !== id]).toEqual(["final", true, true]);
    const bobEdit = await failure(bob.chat.getChatThreadClient(threadId).updateMessage(id, { content: "hijack" }));
    expect(bobEdit.statusCode).toBe(403);
    await thread.deleteMessage(id);
    const deleted = await thread.getMessage(id);
    expect(deleted.deletedOn instanceof Date).toBe(true);
  });

  it("adds and removes participants with system messages; unknown users are invalidParticipants", async () => {
    const carol = await newChatUser();
    const unknown = { communicationUserId: "8:acs:00000000-0000-0000-0000-000000000000_ghost" };
    const result = await thread.addParticipants({ participants: [{ id: carol.user, displayName: "Carol" }, { id: unknown }] });
    expect(result.invalidParticipants).toEqual([{ code: "403", message: "Permissions check failed", target: unknown.communicationUserId }]);
    expect((await carol.chat.getChatThreadClient(threadId).getProperties()).id).toBe(threadId);
    await thread.removeParticipant(carol.user);
    const removed = await failure(carol.chat.getChatThreadClient(threadId).getProperties());
    expect(removed.statusCode).toBe(403);
    const types = (await collect(thread.listMessages())).slice(0, 2).map((m) => m.type);
    expect(types).toEqual(["participantRemoved", "participantAdded"]);
  });

  it("sends typing notifications and read receipts", async () => {
    expect(await thread.sendTypingNotification({ senderDisplayName: "Alice" })).toBe(true);
    const { id } = await thread.sendMessage({ content: "read me" });
    await bob.chat.getChatThreadClient(threadId).sendReadReceipt({ chatMessageId: id });
    const receipts = await collect(thread.listReadReceipts());
    expect(receipts.map((r) => [(r.sender as CommunicationUserIdentifier).communicationUserId, r.chatMessageId])).toEqual([
      [bob.user.communicationUserId, id],
    ]);
  });

  it("answers 403 to a non-participant and 404 to an unknown thread", async () => {
    const outsider = await newChatUser();
    expect((await failure(outsider.chat.getChatThreadClient(threadId).getProperties())).statusCode).toBe(403);
    expect((await failure(outsider.chat.getChatThreadClient(threadId).sendMessage({ content: "x" }))).statusCode).toBe(403);
    expect(
      (await failure(alice.chat.getChatThreadClient("19:00000000000000000000000000000000@thread.v2").getProperties())).statusCode,
    ).toBe(404);
  });

  it("soft-deletes a thread: 404 afterwards, listed with deletedOn", async () => {
    const created = await alice.chat.createChatThread({ topic: "temporary" });
    const id = created.chatThread?.id ?? "";
    await alice.chat.deleteChatThread(id);
    expect((await failure(alice.chat.getChatThreadClient(id).getProperties())).statusCode).toBe(404);
    const listed = (await collect(alice.chat.listChatThreads())).find((t) => t.id === id);
    expect(listed?.deletedOn instanceof Date).toBe(true);
    const threads = await admin(emulator, "GET", "/threads");
    expect(threads.json).toEqual({ threads: expect.arrayContaining([{ id, deleted: true }]) as unknown });
  });
});

describe("paging", () => {
  it("pages messages newest first across several pages, and every nextLink carries the api-version", async () => {
    const alice = await newChatUser();
    const created = await alice.chat.createChatThread({ topic: "paging" });
    const thread = alice.chat.getChatThreadClient(created.chatThread?.id ?? "");
    for (let i = 0; i < 12; i++) await thread.sendMessage({ content: `m${i}` });
    const pages: ChatMessage[][] = [];
    for await (const chunk of thread.listMessages({ maxPageSize: 5 }).byPage()) pages.push(chunk);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 4]);
    expect(
      pages
        .flat()
        .filter((m) => m.type === "text")
        .map((m) => m.content?.message),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `m${11 - i}`));
    const raw = await rawRequest(
      emulator,
      "GET",
      `/chat/threads/${encodeURIComponent(created.chatThread?.id ?? "")}/messages?maxPageSize=5&api-version=2025-03-15`,
      { authorization: `Bearer ${alice.token}` },
    );
    const link = new URL((raw.json as { nextLink: string }).nextLink);
    expect([link.origin, link.searchParams.get("api-version"), link.searchParams.get("maxPageSize")]).toEqual([
      new URL(emulator.endpoint).origin,
      "2025-03-15",
      "5",
    ]);
  });

  it("keeps pages stable when a message arrives between two pages", async () => {
    const alice = await newChatUser();
    const created = await alice.chat.createChatThread({ topic: "moving head" });
    const thread = alice.chat.getChatThreadClient(created.chatThread?.id ?? "");
    for (let i = 0; i < 4; i++) await thread.sendMessage({ content: `m${i}` });
    const pages = thread.listMessages({ maxPageSize: 3 }).byPage();
    const first = (await pages.next()).value as ChatMessage[];
    await thread.sendMessage({ content: "late" });
    const rest: ChatMessage[] = [];
    for await (const chunk of pages) rest.push(...chunk);
    expect([...first, ...rest].map((m) => m.content?.message ?? m.type)).toEqual([
      "m3",
      "m2",
      "m1",
      "m0",
      "topicUpdated",
      "participantAdded",
    ]);
  });

  it("pages threads and participants", async () => {
    const alice = await newChatUser();
    const others = await Promise.all([1, 2, 3].map(() => newChatUser()));
    for (let i = 0; i < 3; i++)
      await alice.chat.createChatThread({ topic: `t${i}` }, { participants: others.map((o) => ({ id: o.user })) });
    const threadPages: number[] = [];
    for await (const chunk of alice.chat.listChatThreads({ maxPageSize: 2 }).byPage()) threadPages.push(chunk.length);
    expect(threadPages).toEqual([2, 1]);
    const threads = await collect(alice.chat.listChatThreads());
    const participantPages: number[] = [];
    for await (const chunk of alice.chat
      .getChatThreadClient(threads[0]?.id ?? "")
      .listParticipants({ maxPageSize: 3 })
      .byPage())
      participantPages.push(chunk.length);
    expect(participantPages).toEqual([3, 1]);
  });
});

describe("tokens and scopes on chat calls", () => {
  it("idempotent createChatThread with the same repeatability-request-id returns the same thread", async () => {
    const alice = await newChatUser();
    const first = await alice.chat.createChatThread({ topic: "once" }, { idempotencyToken: "fixed-request-id" });
    const second = await alice.chat.createChatThread({ topic: "once" }, { idempotencyToken: "fixed-request-id" });
    expect(second.chatThread?.id).toBe(first.chatThread?.id);
    expect((await collect(alice.chat.listChatThreads())).length).toBe(1);
  });

  it("refuses a voip-only token with 403 and lets chat.join post but not create threads", async () => {
    const voip = await newChatUser(["voip"]);
    expect((await failure(voip.chat.createChatThread({ topic: "no" }))).statusCode).toBe(403);
    const owner = await newChatUser();
    const joiner = await newChatUser(["chat.join"]);
    const created = await owner.chat.createChatThread({ topic: "join" }, { participants: [{ id: joiner.user }] });
    const { id } = await joiner.chat.getChatThreadClient(created.chatThread?.id ?? "").sendMessage({ content: "joined" });
    expect(id).toMatch(/^\d+$/);
    expect((await failure(joiner.chat.createChatThread({ topic: "no" }))).statusCode).toBe(403);
  });

  it("revoking tokens makes chat calls fail with 401; a token issued afterwards works", async () => {
    const alice = await newChatUser();
    await alice.chat.createChatThread({ topic: "before revoke" });
    await identity.revokeTokens(alice.user);
    expect((await failure(collect(alice.chat.listChatThreads()))).statusCode).toBe(401);
    const { token } = await identity.getToken(alice.user, ["chat"]);
    const fresh = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), clientOptions(emulator));
    expect((await collect(fresh.listChatThreads())).map((t) => t.topic)).toEqual(["before revoke"]);
  });

  it("deleting the user makes chat calls fail with 401", async () => {
    const alice = await newChatUser();
    await identity.deleteUser(alice.user);
    expect((await failure(alice.chat.createChatThread({ topic: "gone" }))).statusCode).toBe(401);
  });

  it("a tampered or expired-signature token gets 401", async () => {
    const alice = await newChatUser();
    const [head, body] = alice.token.split(".");
    const payload = JSON.parse(Buffer.from(body ?? "", "base64url").toString()) as Record<string, unknown>;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...payload, acsScope: "chat,voip" })).toString("base64url")}.${alice.token.split(".")[2]}`;
    const raw = await rawRequest(emulator, "GET", "/chat/threads?api-version=2025-03-15", { authorization: `Bearer ${forged}` });
    expect([raw.status, (raw.json as { error: { code: string } }).error.code]).toEqual([401, "InvalidAccessToken"]);
  });
});
