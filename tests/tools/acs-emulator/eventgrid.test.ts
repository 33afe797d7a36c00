// Event Grid delivery: chat operations through the real SDK land in real Azurite queues as Base64 Event Grid events,
// filtered per subscription, retried, and dead-lettered into the blob container when the destination keeps failing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { EventGridDelivery } from "../../../tools/acs-emulator/eventgrid";
import { FaultInjector } from "../../../tools/acs-emulator/faults";
import {
  decodeQueueMessage,
  startEmulator,
  type EmulatedSubscription,
  type EmulatorHandle,
  type EventGridEvent,
} from "../../../tools/acs-emulator/index";
import { provisionEventStorage, startAzuriteEventStorage, type AzuriteEventStorage } from "../../../tools/local-dev/events";
import { ACS_EVENT_TYPES } from "../../../components/event-routing/config";
import { admin, clientOptions } from "./helpers";

const CONTAINER = "deadletters";
const subscriptions: EmulatedSubscription[] = [
  {
    name: "chat-messages",
    includedEventTypes: ["Microsoft.Communication.ChatMessageReceived"],
    queueName: "chat-messages",
    maxDeliveryAttempts: 3,
    eventTimeToLiveInMinutes: 60,
    deadLetterContainerName: CONTAINER,
  },
  {
    name: "chat-threads",
    includedEventTypes: ["Microsoft.Communication.ChatThreadCreated", "Microsoft.Communication.ChatMessageReceivedInThread"],
    queueName: "chat-threads",
    maxDeliveryAttempts: 30,
    eventTimeToLiveInMinutes: 1440,
    deadLetterContainerName: CONTAINER,
  },
  // Its queue is never created: every attempt gets 404 QueueNotFound.
  {
    name: "Broken-Route",
    includedEventTypes: ["Microsoft.Communication.ChatThreadDeleted"],
    queueName: "no-such-queue",
    maxDeliveryAttempts: 2,
    eventTimeToLiveInMinutes: 60,
    deadLetterContainerName: CONTAINER,
  },
];

let dir: string;
let storage: AzuriteEventStorage;
let emulator: EmulatorHandle;
let queues: QueueServiceClient;

async function drain(queueName: string): Promise<EventGridEvent[]> {
  const queue = queues.getQueueClient(queueName);
  const events: EventGridEvent[] = [];
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
    if (receivedMessageItems.length === 0) return events;
    for (const m of receivedMessageItems) {
      events.push(decodeQueueMessage(m.messageText));
      await queue.deleteMessage(m.messageId, m.popReceipt);
    }
  }
}

async function chatPair() {
  const identity = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
  const alice = await identity.createUserAndToken(["chat"]);
  const bob = await identity.createUserAndToken(["chat"]);
  const chat = (token: string) => new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), clientOptions(emulator));
  const created = await chat(alice.token).createChatThread(
    { topic: "events" },
    {
      participants: [
        { id: alice.user, displayName: "Alice" },
        { id: bob.user, displayName: "Bob" },
      ],
    },
  );
  const threadId = created.chatThread!.id;
  return { alice, bob, threadId, aliceThread: chat(alice.token).getChatThreadClient(threadId), aliceChat: chat(alice.token) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "eventgrid-test-"));
  storage = await startAzuriteEventStorage(join(dir, "azurite"));
  await provisionEventStorage(
    storage.connectionString,
    subscriptions.filter((s) => s.queueName !== "no-such-queue"),
    CONTAINER,
  );
  queues = QueueServiceClient.fromConnectionString(storage.connectionString);
  emulator = await startEmulator({
    eventGrid: { subscriptions, storageConnectionString: storage.connectionString, retryDelaysMs: [50], deadLetterDelayMs: 50 },
  });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await storage?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await admin(emulator, "DELETE", "/faults");
  await emulator.eventGrid!.settled();
  for (const s of subscriptions) if (s.queueName !== "no-such-queue") await drain(s.queueName);
});

describe("Event Grid delivery to storage queues", () => {
  it("delivers ChatMessageReceived for the recipient only, Base64 JSON in the Event Grid schema with the documented data", async () => {
    const { alice, bob, threadId, aliceThread } = await chatPair();
    const sent = await aliceThread.sendMessage({ content: "hello bob" }, { senderDisplayName: "Alice", metadata: { k: "v" } });
    await emulator.eventGrid!.settled();

    const raw = (await queues.getQueueClient("chat-messages").peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
    expect(raw).toHaveLength(1);
    // The message text is Base64, not JSON: a consumer must decode it first.
    expect(() => JSON.parse(raw[0]!.messageText)).toThrow();
    const [event] = await drain("chat-messages");
    const topic = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroupName}/providers/Microsoft.Communication/communicationServices/${emulator.serviceName}`;
    expect(Object.keys(event!).sort()).toEqual([
      "data",
      "dataVersion",
      "eventTime",
      "eventType",
      "id",
      "metadataVersion",
      "subject",
      "topic",
    ]);
    expect(event).toMatchObject({
      topic,
      eventType: "Microsoft.Communication.ChatMessageReceived",
      dataVersion: "1.0",
      metadataVersion: "1",
      subject: `thread/${threadId}/sender/${alice.user.communicationUserId}/recipient/${bob.user.communicationUserId}`,
    });
    expect(event!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(event!.eventTime))).toBe(false);
    expect(event!.data).toEqual({
      messageId: sent.id,
      messageBody: "hello bob",
      metadata: { k: "v" },
      type: "Text",
      version: Number(sent.id),
      senderId: alice.user.communicationUserId,
      senderCommunicationIdentifier: { rawId: alice.user.communicationUserId, communicationUser: { id: alice.user.communicationUserId } },
      senderDisplayName: "Alice",
      composeTime: new Date(Number(sent.id)).toISOString(),
      recipientId: bob.user.communicationUserId,
      recipientCommunicationIdentifier: { rawId: bob.user.communicationUserId, communicationUser: { id: bob.user.communicationUserId } },
      threadId,
      transactionId: expect.any(String),
    });
  });

  it("honours includedEventTypes: each queue gets only its subscription's types", async () => {
    const { threadId, aliceThread } = await chatPair();
    await aliceThread.sendMessage({ content: "one" });
    await emulator.eventGrid!.settled();
    const threadEvents = await drain("chat-threads");
    expect(threadEvents.map((e) => e.eventType).sort()).toEqual([
      "Microsoft.Communication.ChatMessageReceivedInThread",
      "Microsoft.Communication.ChatThreadCreated",
    ]);
    expect(threadEvents.every((e) => e.data.threadId === threadId)).toBe(true);
    expect((await drain("chat-messages")).map((e) => e.eventType)).toEqual(["Microsoft.Communication.ChatMessageReceived"]);
  });

  it("retries a failing delivery (injected 503) and delivers on the next attempt", async () => {
    await admin(emulator, "POST", "/faults", { operation: "deliverEvent:chat-messages", status: 503, count: 2 });
    const { aliceThread } = await chatPair();
    const sent = await aliceThread.sendMessage({ content: "retry me" });
    await emulator.eventGrid!.settled();
    const record = (await deliveries()).filter((d) => d.subscription === "chat-messages").at(-1);
    expect(record).toMatchObject({ status: "delivered", attempts: 3, lastOutcome: "Delivered" });
    expect((await drain("chat-messages")).map((e) => e.data.messageId)).toEqual([sent.id]);
  });

  it("a * fault on the APIs does not fail deliveries", async () => {
    const { aliceThread } = await chatPair();
    await admin(emulator, "POST", "/faults", { operation: "*", delayMs: 1 });
    await aliceThread.sendMessage({ content: "still delivered" });
    await emulator.eventGrid!.settled();
    expect(await drain("chat-messages")).toHaveLength(1);
  });

  it("dead-letters into the container after maxDeliveryAttempts when the queue is missing, named as Azure names it", async () => {
    const { aliceChat, threadId } = await chatPair();
    await aliceChat.deleteChatThread(threadId);
    await emulator.eventGrid!.settled();
    const record = (await deliveries()).filter((d) => d.subscription === "Broken-Route").at(-1)!;
    expect(record.status).toBe("deadLettered");
    expect(record).toMatchObject({ attempts: 2, lastOutcome: "NotFound" });
    const container = BlobServiceClient.fromConnectionString(storage.connectionString).getContainerClient(CONTAINER);
    const now = new Date();
    const blobName = record.deadLetterBlob!.slice(CONTAINER.length + 1);
    expect(blobName).toMatch(
      new RegExp(`^BROKEN-ROUTE/${now.getUTCFullYear()}/${now.getUTCMonth() + 1}/\\d{1,2}/\\d{1,2}/[0-9a-f-]{36}\\.json$`),
    );
    const body = JSON.parse((await container.getBlobClient(blobName).downloadToBuffer()).toString("utf8")) as Record<string, unknown>[];
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      eventType: "Microsoft.Communication.ChatThreadDeleted",
      subject: expect.stringMatching(new RegExp(`^thread/${threadId.replace(/[.]/g, "\\.")}/deletedBy/`)),
      deadLetterReason: "MaxDeliveryAttemptsExceeded",
      deliveryAttempts: 2,
      lastDeliveryOutcome: "NotFound",
      publishTime: expect.any(String),
      lastDeliveryAttemptTime: expect.any(String),
    });
  });

  it("every chat operation raises its documented user-level and thread-level events, to the right recipients", async () => {
    const all = {
      name: "all-chat",
      includedEventTypes: ACS_EVENT_TYPES.filter((t) => t.includes(".Chat")),
      queueName: "chat-all",
      maxDeliveryAttempts: 3,
      eventTimeToLiveInMinutes: 60,
    };
    await provisionEventStorage(storage.connectionString, [all], CONTAINER);
    expect((await admin(emulator, "PUT", "/event-subscriptions", { subscriptions: [...subscriptions, all] })).status).toBe(200);
    try {
      const { alice, bob, threadId, aliceThread, aliceChat } = await chatPair();
      const carol = await new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator)).createUser();
      const sent = await aliceThread.sendMessage({ content: "v1" });
      await aliceThread.updateMessage(sent.id, { content: "v2" });
      await aliceThread.deleteMessage(sent.id);
      await aliceThread.updateTopic("new topic");
      await aliceThread.addParticipants({ participants: [{ id: carol, displayName: "Carol" }] });
      await aliceThread.removeParticipant(carol);
      await aliceChat.deleteChatThread(threadId);
      await emulator.eventGrid!.settled();
      const events = (await drain("chat-all")).filter((e) => e.data.threadId === threadId);
      const count = (type: string) => events.filter((e) => e.eventType === `Microsoft.Communication.${type}`).length;
      expect(
        Object.fromEntries(
          all.includedEventTypes.map((t) => [t.replace("Microsoft.Communication.", ""), count(t.replace("Microsoft.Communication.", ""))]),
        ),
      ).toEqual({
        ChatMessageReceived: 1,
        ChatMessageEdited: 1,
        ChatMessageDeleted: 1,
        ChatThreadCreatedWithUser: 1,
        ChatThreadWithUserDeleted: 1,
        ChatThreadPropertiesUpdatedPerUser: 1,
        ChatParticipantAddedToThreadWithUser: 2,
        ChatParticipantRemovedFromThreadWithUser: 2,
        ChatThreadCreated: 1,
        ChatThreadDeleted: 1,
        ChatThreadParticipantAdded: 1,
        ChatThreadParticipantRemoved: 1,
        ChatMessageReceivedInThread: 1,
        ChatThreadPropertiesUpdated: 1,
        ChatMessageEditedInThread: 1,
        ChatMessageDeletedInThread: 1,
      });
      const one = (type: string) => events.find((e) => e.eventType === `Microsoft.Communication.${type}`)!;
      const [a, b, c] = [alice.user.communicationUserId, bob.user.communicationUserId, carol.communicationUserId];
      expect(one("ChatMessageEdited")).toMatchObject({
        subject: `thread/${threadId}/sender/${a}/recipient/${b}`,
        data: { messageId: sent.id, messageBody: "v2", editTime: expect.any(String) },
      });
      expect(one("ChatMessageDeletedInThread")).toMatchObject({
        subject: `thread/${threadId}/sender/${a}`,
        data: { messageId: sent.id, deleteTime: expect.any(String) },
      });
      expect(one("ChatThreadCreatedWithUser")).toMatchObject({
        subject: `thread/${threadId}/createdBy/${a}/recipient/${b}`,
        data: { createdBy: a, properties: { topic: "events" }, recipientId: b },
      });
      expect(one("ChatThreadPropertiesUpdated")).toMatchObject({
        subject: `thread/${threadId}/editedBy/${a}`,
        data: { properties: { topic: "new topic" } },
      });
      expect(one("ChatThreadParticipantAdded")).toMatchObject({
        subject: `thread/${threadId}/participantadded/${c}`,
        data: { participantAdded: { displayName: "Carol", participantCommunicationIdentifier: { rawId: c } } },
      });
      expect(
        events
          .filter((e) => e.eventType.endsWith("ChatParticipantRemovedFromThreadWithUser"))
          .map((e) => e.subject)
          .sort(),
      ).toEqual(
        [`thread/${threadId}/participantRemoved/${c}/recipient/${b}`, `thread/${threadId}/participantRemoved/${c}/recipient/${c}`].sort(),
      );
      expect(one("ChatThreadWithUserDeleted")).toMatchObject({
        subject: `thread/${threadId}/deletedBy/${a}/recipient/${b}`,
        data: { deletedBy: a, deleteTime: expect.any(String) },
      });
    } finally {
      await admin(emulator, "PUT", "/event-subscriptions", { subscriptions });
    }
  });

  it("rejects an invalid subscription list over the admin API, naming the field", async () => {
    const bad = await admin(emulator, "PUT", "/event-subscriptions", { subscriptions: [{ ...subscriptions[0], maxDeliveryAttempts: 31 }] });
    expect(bad).toEqual({
      status: 400,
      json: {
        error: { code: "InvalidSubscriptions", message: "subscriptions[0].maxDeliveryAttempts: Too big: expected number to be <=30" },
      },
    });
  });

  it("does not retry a 400 from the destination: dead-lettered after one attempt", async () => {
    await admin(emulator, "POST", "/faults", { operation: "deliverEvent:chat-messages", status: 400, count: 1 });
    const { aliceThread } = await chatPair();
    await aliceThread.sendMessage({ content: "bad request" });
    await emulator.eventGrid!.settled();
    const record = (await deliveries()).filter((d) => d.subscription === "chat-messages").at(-1)!;
    expect(record).toMatchObject({ status: "deadLettered", attempts: 1, lastOutcome: "BadRequest" });
    expect(await drain("chat-messages")).toHaveLength(0);
  });
});

describe("Event Grid time-to-live", () => {
  it("checks the TTL when the next attempt is due and dead-letters with TimeToLiveExceeded", async () => {
    let now = Date.parse("2026-12-01T10:00:00Z");
    const faults = new FaultInjector();
    faults.add({ operation: "deliverEvent", status: 503 });
    const delivery = new EventGridDelivery(
      {
        subscriptions: [
          {
            name: "ttl-route",
            includedEventTypes: ["Microsoft.Communication.ChatMessageReceived"],
            queueName: "chat-messages",
            maxDeliveryAttempts: 30,
            eventTimeToLiveInMinutes: 1,
            deadLetterContainerName: CONTAINER,
          },
        ],
        storageConnectionString: storage.connectionString,
        retryDelaysMs: [20],
        deadLetterDelayMs: 0,
      },
      {
        topic: () => "/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/c",
        faults,
        now: () => now,
      },
    );
    delivery.publish({
      eventType: "Microsoft.Communication.ChatMessageReceived",
      subject: "thread/t/sender/a/recipient/b",
      data: { messageId: "1" },
    });
    // The first attempt fails (503, retried); by the time the retry is due, 61 s have passed.
    while (delivery.records[0]?.attempts !== 1 || delivery.records[0]?.lastOutcome !== "Busy") await new Promise((r) => setTimeout(r, 5));
    now += 61_000;
    await delivery.settled();
    expect(delivery.records[0]).toMatchObject({ status: "deadLettered", attempts: 1, lastOutcome: "Busy" });
    expect(delivery.records[0]!.deadLetterBlob).toMatch(/^deadletters\/TTL-ROUTE\/2026\/12\/1\/10\/[0-9a-f-]{36}\.json$/);
    const blob = BlobServiceClient.fromConnectionString(storage.connectionString)
      .getContainerClient(CONTAINER)
      .getBlobClient(delivery.records[0]!.deadLetterBlob!.slice(CONTAINER.length + 1));
    const [dead] = JSON.parse((await blob.downloadToBuffer()).toString("utf8")) as Record<string, unknown>[];
    expect(dead).toMatchObject({
      deadLetterReason: "TimeToLiveExceeded",
      deliveryAttempts: 1,
      lastDeliveryOutcome: "Busy",
      publishTime: "2026-12-01T10:00:00.000Z",
      lastDeliveryAttemptTime: "2026-12-01T10:00:00.000Z",
    });
    await delivery.close();
  });
});

interface Delivery {
  subscription: string;
  status: string;
  attempts: number;
  lastOutcome?: string;
  deadLetterBlob?: string;
}
async function deliveries(): Promise<Delivery[]> {
  return ((await admin(emulator, "GET", "/event-deliveries")).json as { deliveries: Delivery[] }).deliveries;
}
