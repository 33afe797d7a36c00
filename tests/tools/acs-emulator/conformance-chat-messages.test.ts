// Conformance, chat messages: send, list (order, startTime), update (merge patch) and delete, as the REST spec's
// examples (azure-rest-api-specs specification/communication/data-plane/Chat/stable/2025-03-15, "Messages_*.json") and
// the Learn chat quickstarts describe them, through the real @azure/communication-chat client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import { advanceClock, collect, newChatUser, rawRequest, type ChatUser } from "./helpers";

let emulator: EmulatorHandle;
let alice: ChatUser;

beforeAll(async () => {
  emulator = await startEmulator();
  alice = await newChatUser(emulator);
});
afterAll(async () => emulator.close());

describe("list (Messages_ListChatMessagesWithPageSize.json)", () => {
  it("lists newest first: user messages, then topicUpdated (seq 2) and participantAdded (seq 1)", async () => {
    const created = await alice.chat.createChatThread({ topic: "Lunch" });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    await thread.sendMessage({ content: "Good morning everyone!" });
    await thread.sendMessage({ content: "Let's use this chat to decide what to get for lunch today." });
    const messages = await collect(thread.listMessages({ maxPageSize: 5 }));
    expect(messages.map((m) => [m.sequenceId, m.type])).toEqual([
      ["4", "text"],
      ["3", "text"],
      ["2", "topicUpdated"],
      ["1", "participantAdded"],
    ]);
    expect(messages[0]?.version).toBe(messages[0]?.id);
  });
});

describe("startTime also returns messages edited or deleted after it", () => {
  // Learn chat quickstart (C#), "Receive chat messages from a chat thread": "If that offset is specified, you receive
  // messages that were received, updated, or deleted after it. Messages received before the offset time but edited or
  // removed after it are also returned." (https://learn.microsoft.com/azure/communication-services/quickstarts/chat/get-started)
  // Its own emulator: the test moves the clock, which only goes forward.
  let clocked: EmulatorHandle;
  beforeAll(async () => {
    clocked = await startEmulator();
  });
  afterAll(async () => clocked.close());

  it("returns the new message and the older ones edited or deleted since, not the untouched ones", async () => {
    const owner = await newChatUser(clocked);
    const created = await owner.chat.createChatThread({ topic: "incremental" });
    const thread = owner.chat.getChatThreadClient(created.chatThread!.id);
    const { id: edited } = await thread.sendMessage({ content: "one" });
    const { id: deleted } = await thread.sendMessage({ content: "two" });
    await thread.sendMessage({ content: "three (untouched)" });
    const before = new Date((await advanceClock(clocked, 10)) as string);
    const startTime = new Date(before.getTime() - 5000);
    await thread.updateMessage(edited, { content: "one, edited" });
    await thread.deleteMessage(deleted);
    const { id: fresh } = await thread.sendMessage({ content: "four" });

    const changed = await collect(thread.listMessages({ startTime }));
    expect(changed.map((m) => m.id)).toEqual([fresh, deleted, edited]);
    expect(changed.find((m) => m.id === edited)?.content?.message).toBe("one, edited");
    expect(changed.find((m) => m.id === edited)?.editedOn?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(changed.find((m) => m.id === deleted)?.deletedOn?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    // Without startTime every message comes back: 3 user messages before the mark, 1 after, 2 system messages.
    expect(await collect(thread.listMessages())).toHaveLength(6);
  });
});

describe("update is a merge patch (Messages_UpdateChatMessage.json: content-type application/merge-patch+json)", () => {
  it("merges metadata members, removes a member set to null, keeps the content when only metadata changes", async () => {
    const created = await alice.chat.createChatThread({ topic: "metadata" });
    const id = created.chatThread!.id;
    const thread = alice.chat.getChatThreadClient(id);
    const { id: messageId } = await thread.sendMessage({ content: "hello" }, { metadata: { someKey1: "a", tags: "t" } });
    // The spec example's body: {content, metadata: {someKey1, someKey2}}.
    await thread.updateMessage(messageId, {
      content: "Updated message content",
      metadata: { someKey1: "someValue1", someKey2: "someValue2" },
    });
    expect((await thread.getMessage(messageId)).metadata).toEqual({ someKey1: "someValue1", someKey2: "someValue2", tags: "t" });
    const patched = await rawRequest(
      emulator,
      "PATCH",
      `/chat/threads/${encodeURIComponent(id)}/messages/${messageId}?api-version=2025-03-15`,
      { authorization: `Bearer ${alice.token}`, "content-type": "application/merge-patch+json" },
      JSON.stringify({ metadata: { tags: null } }),
    );
    expect(patched.status).toBe(204);
    const message = await thread.getMessage(messageId);
    expect(message.metadata).toEqual({ someKey1: "someValue1", someKey2: "someValue2" });
    expect(message.content?.message).toBe("Updated message content");
  });
});
