// Conformance, events: what a consumer of the local storage queues must survive. Event Grid delivers at least once and
// promises no order ("duplicates may still be received", Learn "Event Grid message delivery and retry",
// https://learn.microsoft.com/azure/event-grid/delivery-and-retry), so the emulator's `duplicate` and `reorder`
// delivery faults make both happen, at a configurable rate, on real Azurite queues.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueServiceClient } from "@azure/storage-queue";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  decodeQueueMessage,
  startEmulator,
  type DeliveryRecord,
  type EmulatedSubscription,
  type EmulatorHandle,
  type EventGridEvent,
} from "../../../tools/acs-emulator/index";
import { provisionEventStorage, startAzuriteEventStorage, type AzuriteEventStorage } from "../../../tools/local-dev/events";
import { admin, newChatUser } from "./helpers";

const QUEUE = "chat-in-thread";
const subscriptions: EmulatedSubscription[] = [
  {
    name: "chat-in-thread",
    includedEventTypes: ["Microsoft.Communication.ChatMessageReceivedInThread"],
    queueName: QUEUE,
    maxDeliveryAttempts: 3,
    eventTimeToLiveInMinutes: 60,
  },
];

let dir: string;
let storage: AzuriteEventStorage;
let emulator: EmulatorHandle;
let queues: QueueServiceClient;

/** What a queue consumer reads, in queue order: receive, decode, delete. */
async function consume(): Promise<EventGridEvent[]> {
  const queue = queues.getQueueClient(QUEUE);
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

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "conformance-events-"));
  storage = await startAzuriteEventStorage(join(dir, "azurite"));
  await provisionEventStorage(storage.connectionString, subscriptions, "deadletters");
  queues = QueueServiceClient.fromConnectionString(storage.connectionString);
  emulator = await startEmulator({ eventGrid: { subscriptions, storageConnectionString: storage.connectionString } });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await storage?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await admin(emulator, "DELETE", "/faults");
  await emulator.eventGrid!.settled();
  await consume();
});

async function thread() {
  const alice = await newChatUser(emulator);
  const created = await alice.chat.createChatThread({ topic: "events" });
  return alice.chat.getChatThreadClient(created.chatThread!.id);
}

describe("at-least-once: duplicated deliveries", () => {
  it("with duplicate at fraction 0.5, every second event reaches the queue twice with the same id", async () => {
    const fault = await admin(emulator, "POST", "/faults", { operation: "deliverEvent:chat-in-thread", duplicate: true, fraction: 0.5 });
    expect(fault.status).toBe(201);
    const chat = await thread();
    const sent: string[] = [];
    for (const content of ["m1", "m2", "m3", "m4"]) {
      sent.push((await chat.sendMessage({ content })).id);
      await emulator.eventGrid!.settled();
    }
    const seen = await consume();
    expect(seen.map((e) => e.data.messageId)).toEqual([sent[0], sent[1], sent[1], sent[2], sent[3], sent[3]]);
    // A duplicate is the same Event Grid event (same id), so a consumer can de-duplicate on id or on (threadId, messageId, version).
    expect(new Set(seen.map((e) => e.id)).size).toBe(4);
    const records = (await admin(emulator, "GET", "/event-deliveries")).json as { deliveries: DeliveryRecord[] };
    expect(records.deliveries.slice(-4).map((d) => d.duplicated === true)).toEqual([false, true, false, true]);
  });
});

describe("no order promised: reordered deliveries", () => {
  it("a held delivery is overtaken by the next one to the same queue: the consumer reads m2 before m1", async () => {
    await admin(emulator, "POST", "/faults", { operation: "deliverEvent:chat-in-thread", reorder: true, count: 1 });
    const chat = await thread();
    const first = (await chat.sendMessage({ content: "m1" })).id;
    const second = (await chat.sendMessage({ content: "m2" })).id;
    await emulator.eventGrid!.settled();
    const seen = await consume();
    expect(seen.map((e) => e.data.messageId)).toEqual([second, first]);
    // eventTime still tells the true order, which is what a consumer must sort by.
    expect(Date.parse(seen[1]!.eventTime)).toBeLessThanOrEqual(Date.parse(seen[0]!.eventTime));
  });

  it("duplicate and reorder together: the consumer sees m1 twice, both after m2", async () => {
    await admin(emulator, "POST", "/faults", { operation: "deliverEvent", reorder: true, duplicate: true, count: 1 });
    const chat = await thread();
    const first = (await chat.sendMessage({ content: "m1" })).id;
    const second = (await chat.sendMessage({ content: "m2" })).id;
    await emulator.eventGrid!.settled();
    expect((await consume()).map((e) => e.data.messageId)).toEqual([second, first, first]);
  });
});

describe("the fault's validation", () => {
  it("refuses duplicate or reorder on an API operation, naming the field", async () => {
    const refused = await admin(emulator, "POST", "/faults", { operation: "sendMessage", duplicate: true });
    expect(refused).toEqual({
      status: 400,
      json: {
        error: {
          code: "InvalidFault",
          message: "`duplicate` applies to event deliveries only: operation deliverEvent or deliverEvent:<subscription>.",
          target: "duplicate",
        },
      },
    });
    expect((await admin(emulator, "POST", "/faults", { operation: "deliverEvent", reorder: "yes" })).status).toBe(400);
  });
});
