// Conformance, chat participants: add, list and remove, and what a removed participant may still read, as the REST
// spec's examples (azure-rest-api-specs specification/communication/data-plane/Chat/stable/2025-03-15,
// "Participants_*.json") and Learn's chat concepts describe them, through the real @azure/communication-chat client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type AcsEvent, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { clientOptions, collect, failure, newChatUser, type ChatUser } from "./helpers";

let emulator: EmulatorHandle;
const events: AcsEvent[] = [];
let alice: ChatUser;
let bob: ChatUser;

beforeAll(async () => {
  emulator = await startEmulator({ events: { publish: (event) => events.push(event) } });
  alice = await newChatUser(emulator);
  bob = await newChatUser(emulator);
});
afterAll(async () => emulator.close());

describe("add and list (Participants_AddChatParticipants.json, Participants_ListChatParticipantsWithPageSize.json)", () => {
  it("adds with 201 and lists the participant with displayName and the default shareHistoryTime", async () => {
    const created = await alice.chat.createChatThread({ topic: "members" });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    const result = await thread.addParticipants({ participants: [{ id: bob.user, displayName: "Bob" }] });
    expect(result.invalidParticipants).toBeUndefined();
    const listed = await collect(thread.listParticipants());
    const entry = listed.find((p) => "communicationUserId" in p.id && p.id.communicationUserId === bob.user.communicationUserId);
    expect(entry?.displayName).toBe("Bob");
    expect(entry?.shareHistoryTime?.toISOString()).toBe("1970-01-01T00:00:00.000Z");
  });
});

describe("a removed participant", () => {
  // Learn chat concepts, "Chat Data": "Users that are removed from a chat thread are able to view previous message
  // history but can't send or receive new messages."
  // (https://learn.microsoft.com/azure/communication-services/concepts/chat/concepts)
  let threadId: string;
  let before: string;
  let after: string;

  beforeAll(async () => {
    const created = await alice.chat.createChatThread({ topic: "leaving" }, { participants: [{ id: bob.user }] });
    threadId = created.chatThread!.id;
    const thread = alice.chat.getChatThreadClient(threadId);
    before = (await thread.sendMessage({ content: "before the removal" })).id;
    await thread.removeParticipant(bob.user);
    after = (await thread.sendMessage({ content: "after the removal" })).id;
  });

  it("can still list the history up to their removal, the participantRemoved message included", async () => {
    const history = await collect(bob.chat.getChatThreadClient(threadId).listMessages());
    expect(history.map((m) => m.type)).toEqual(["participantRemoved", "text", "topicUpdated", "participantAdded"]);
    expect(history.map((m) => m.id)).toContain(before);
    expect(history.map((m) => m.id)).not.toContain(after);
  });

  it("can get an earlier message but not a later one (403)", async () => {
    const thread = bob.chat.getChatThreadClient(threadId);
    expect((await thread.getMessage(before)).content?.message).toBe("before the removal");
    expect((await failure(thread.getMessage(after))).statusCode).toBe(403);
  });

  it("cannot send (403) and receives no event for a later message", async () => {
    expect((await failure(bob.chat.getChatThreadClient(threadId).sendMessage({ content: "still here?" }))).statusCode).toBe(403);
    const toBob = events.filter(
      (e) => e.eventType === "Microsoft.Communication.ChatMessageReceived" && e.data.recipientId === bob.user.communicationUserId,
    );
    expect(toBob.map((e) => e.data.messageId)).toEqual([before]);
  });

  it("reads and writes in full again once added back", async () => {
    await alice.chat.getChatThreadClient(threadId).addParticipants({ participants: [{ id: bob.user }] });
    const thread = bob.chat.getChatThreadClient(threadId);
    expect((await thread.getMessage(after)).content?.message).toBe("after the removal");
    expect((await thread.sendMessage({ content: "back" })).id).toMatch(/^\d+$/);
  });
});

describe("size limits (Learn service-limits, Chat > Size Limits: 250 per thread, 200 per batch)", () => {
  it("refuses a batch of 201 and a 251st participant with 400 naming participants; 250 fit", async () => {
    const created = await alice.chat.createChatThread({ topic: "full" });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    const identity = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
    const users: CommunicationUserIdentifier[] = [];
    for (let i = 0; i < 250; i++) users.push(await identity.createUser());
    const batch = await failure(thread.addParticipants({ participants: users.slice(0, 201).map((id) => ({ id })) }));
    expect([batch.statusCode, batch.code, batch.message]).toEqual([400, "InvalidRequestBody", "At most 200 participants per request."]);
    await thread.addParticipants({ participants: users.slice(0, 200).map((id) => ({ id })) });
    await thread.addParticipants({ participants: users.slice(200, 249).map((id) => ({ id })) });
    expect((await collect(thread.listParticipants())).length).toBe(250);
    const over = await failure(thread.addParticipants({ participants: [{ id: users[249]! }] }));
    expect([over.statusCode, over.code, over.message]).toEqual([400, "InvalidRequestBody", "A thread has at most 250 participants."]);
  });
});
