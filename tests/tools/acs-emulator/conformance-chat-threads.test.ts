// Conformance, chat threads: create, get, update (merge patch) and retention, as the REST spec's examples
// (azure-rest-api-specs specification/communication/data-plane/Chat/stable/2025-03-15, "Threads_*.json"), Microsoft's
// own SDK tests and Learn describe them, through the real @azure/communication-chat client where it can express the call.
import type { ChatThreadItem } from "@azure/communication-chat";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { ChatClient } from "@azure/communication-chat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import { advanceClock, clientOptions, collect, failure, newChatUser, rawRequest, type ChatUser } from "./helpers";

let emulator: EmulatorHandle;
let alice: ChatUser;

beforeAll(async () => {
  emulator = await startEmulator();
  alice = await newChatUser(emulator);
});
afterAll(async () => emulator.close());

/** PATCH /chat/threads/{id} with a raw merge-patch body (the SDK's types cannot express a null member). */
async function patchThread(user: ChatUser, threadId: string, body: unknown): Promise<number> {
  const response = await rawRequest(
    emulator,
    "PATCH",
    `/chat/threads/${encodeURIComponent(threadId)}?api-version=2025-03-15`,
    { authorization: `Bearer ${user.token}`, "content-type": "application/merge-patch+json" },
    JSON.stringify(body),
  );
  return response.status;
}

describe("create and get (Threads_CreateChatThread.json, Threads_GetChatThread.json)", () => {
  it("returns the retention policy given at creation, in chatThread and in the properties", async () => {
    // Threads_CreateChatThread.json: request and 201 body both carry {kind: "threadCreationDate", deleteThreadAfterDays: 30}.
    const created = await alice.chat.createChatThread(
      { topic: "Lunch" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 30 } },
    );
    expect(created.chatThread?.topic).toBe("Lunch");
    expect(created.chatThread?.retentionPolicy).toEqual({ kind: "threadCreationDate", deleteThreadAfterDays: 30 });
    const properties = await alice.chat.getChatThreadClient(created.chatThread!.id).getProperties();
    expect(properties.retentionPolicy).toEqual({ kind: "threadCreationDate", deleteThreadAfterDays: 30 });
  });

  it("omits retentionPolicy and metadata for a thread created without them (Threads_GetChatThread.json has neither)", async () => {
    const created = await alice.chat.createChatThread({ topic: "plain" });
    const properties = await alice.chat.getChatThreadClient(created.chatThread!.id).getProperties();
    expect(properties.retentionPolicy).toBeUndefined();
    expect(properties.metadata).toBeUndefined();
  });
});

describe("update is a merge patch (spec ChatThread_UpdateChatThreadProperties consumes application/merge-patch+json; RFC 7396)", () => {
  it("retentionPolicy null leaves {kind: none}, as Microsoft's live test expects", async () => {
    // Azure/azure-sdk-for-js sdk/communication/communication-chat/test/public/chatThreadClient.spec.ts, "successfully
    // updates the thread retention policy to none retention plicy by setting null": updateProperties({retentionPolicy:
    // null}) then assert.deepEqual(thread.retentionPolicy, {kind: "none"}).
    const created = await alice.chat.createChatThread(
      { topic: "retention" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 90 } },
    );
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    await thread.updateProperties({ retentionPolicy: null as never });
    expect((await thread.getProperties()).retentionPolicy).toEqual({ kind: "none" });
  });

  it("a retentionPolicy object replaces the policy whole (the same test file: {kind: none} reads back deep-equal)", async () => {
    const created = await alice.chat.createChatThread(
      { topic: "retention" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 60 } },
    );
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    await thread.updateProperties({ retentionPolicy: { kind: "none" } });
    expect((await thread.getProperties()).retentionPolicy).toEqual({ kind: "none" });
    await thread.updateProperties({ retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 90 } });
    expect((await thread.getProperties()).retentionPolicy).toEqual({ kind: "threadCreationDate", deleteThreadAfterDays: 90 });
  });

  it("metadata merges member by member, a null member removes it, metadata null removes all (RFC 7396 section 2)", async () => {
    const created = await alice.chat.createChatThread(
      { topic: "metadata" },
      { metadata: { threadType: "primary", secondaryThread: "test-id" } },
    );
    const id = created.chatThread!.id;
    const thread = alice.chat.getChatThreadClient(id);
    // The SDK's own call: {metadata: {threadType: "secondary"}} (chatThreadClient.spec.ts "successfully updates the thread metadata").
    await thread.updateProperties({ metadata: { threadType: "secondary" } });
    expect((await thread.getProperties()).metadata).toEqual({ threadType: "secondary", secondaryThread: "test-id" });
    expect(await patchThread(alice, id, { metadata: { secondaryThread: null } })).toBe(204);
    expect((await thread.getProperties()).metadata).toEqual({ threadType: "secondary" });
    expect(await patchThread(alice, id, { metadata: null })).toBe(204);
    expect((await thread.getProperties()).metadata).toBeUndefined();
    // Members not in the patch are left alone: the topic survived every call.
    expect((await thread.getProperties()).topic).toBe("metadata");
  });

  it("refuses to remove the topic (null) and a metadata value that is not a string, naming the field", async () => {
    const created = await alice.chat.createChatThread({ topic: "strict" });
    const id = created.chatThread!.id;
    const topicNull = await rawRequest(
      emulator,
      "PATCH",
      `/chat/threads/${encodeURIComponent(id)}?api-version=2025-03-15`,
      { authorization: `Bearer ${alice.token}`, "content-type": "application/merge-patch+json" },
      JSON.stringify({ topic: null }),
    );
    expect(topicNull.status).toBe(400);
    expect(topicNull.json).toEqual({
      error: { code: "InvalidRequestBody", message: "`topic` cannot be removed; give a new topic.", target: "topic" },
    });
    const badValue = await rawRequest(
      emulator,
      "PATCH",
      `/chat/threads/${encodeURIComponent(id)}?api-version=2025-03-15`,
      { authorization: `Bearer ${alice.token}`, "content-type": "application/merge-patch+json" },
      JSON.stringify({ metadata: { n: 1 } }),
    );
    expect(badValue.status).toBe(400);
    expect((badValue.json as { error: { target: string } }).error.target).toBe("metadata.n");
  });
});

describe("retention policy validation (Learn: automatic deletion between 30 and 90 days)", () => {
  // https://learn.microsoft.com/azure/communication-services/concepts/chat/concepts ("Chat Data" and "Service limits":
  // "When creating a chat thread, you can set the retention policy between 30 and 90 days") and service-limits "Chat storage".
  it.each([5, 29, 91, 30.5])("refuses deleteThreadAfterDays %s with 400 naming the field", async (days) => {
    const error = await failure(
      alice.chat.createChatThread({ topic: "bad" }, { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: days } }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("InvalidRequestBody");
    expect(error.message).toBe("`retentionPolicy.deleteThreadAfterDays` must be an integer from 30 to 90.");
  });

  it.each([30, 90])("accepts %s days at the bounds", async (days) => {
    const created = await alice.chat.createChatThread(
      { topic: "bounds" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: days } },
    );
    expect(created.chatThread?.retentionPolicy).toEqual({ kind: "threadCreationDate", deleteThreadAfterDays: days });
  });

  it("refuses an unknown kind and an out-of-range update with 400, and keeps the old policy", async () => {
    const created = await alice.chat.createChatThread(
      { topic: "update" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 45 } },
    );
    const id = created.chatThread!.id;
    expect(await patchThread(alice, id, { retentionPolicy: { kind: "forever" } })).toBe(400);
    expect(await patchThread(alice, id, { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 5 } })).toBe(400);
    const properties = await alice.chat.getChatThreadClient(id).getProperties();
    expect(properties.retentionPolicy).toEqual({ kind: "threadCreationDate", deleteThreadAfterDays: 45 });
  });
});

describe("retention policy enforcement on the emulator's clock", () => {
  // Learn chat concepts, "Chat Data": "After you delete a chat thread (by policy or by a Delete API request), it can't be
  // retrieved"; the policy deletes the thread deleteThreadAfterDays after its creation (spec ChatRetentionPolicy).
  // Its own emulator: the clock only moves forward and would move this file's other emulator too.
  let clocked: EmulatorHandle;
  beforeAll(async () => {
    clocked = await startEmulator();
  });
  afterAll(async () => clocked.close());

  /** A fresh token after a clock move: the old one expired with the emulator's clock. */
  async function chatAs(user: ChatUser): Promise<ChatClient> {
    const identity = new CommunicationIdentityClient(clocked.connectionString, clientOptions(clocked));
    const { token } = await identity.getToken(user.user, ["chat"]);
    return new ChatClient(clocked.endpoint, new AzureCommunicationTokenCredential(token), clientOptions(clocked));
  }

  it("deletes a 30-day thread at createdOn + 30 days, not before; a thread changed to none stays", async () => {
    const owner = await newChatUser(clocked);
    const doomed = await owner.chat.createChatThread(
      { topic: "30 days" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 30 } },
    );
    const kept = await owner.chat.createChatThread(
      { topic: "kept" },
      { retentionPolicy: { kind: "threadCreationDate", deleteThreadAfterDays: 30 } },
    );
    await owner.chat.getChatThreadClient(kept.chatThread!.id).updateProperties({ retentionPolicy: { kind: "none" } });
    const doomedId = doomed.chatThread!.id;
    const createdOn = doomed.chatThread!.createdOn;

    await advanceClock(clocked, 30 * 24 * 3600 - 60);
    let chat = await chatAs(owner);
    expect((await chat.getChatThreadClient(doomedId).getProperties()).topic).toBe("30 days");

    await advanceClock(clocked, 61);
    chat = await chatAs(owner);
    expect((await failure(chat.getChatThreadClient(doomedId).getProperties())).statusCode).toBe(404);
    expect((await failure(collect(chat.getChatThreadClient(doomedId).listMessages()))).statusCode).toBe(404);
    const listed: ChatThreadItem[] = await collect(chat.listChatThreads());
    const item = listed.find((t) => t.id === doomedId);
    expect(item?.deletedOn?.toISOString()).toBe(new Date(createdOn.getTime() + 30 * 24 * 3600 * 1000).toISOString());
    expect((await chat.getChatThreadClient(kept.chatThread!.id).getProperties()).topic).toBe("kept");
  });
});
