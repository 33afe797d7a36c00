// `npm run dev` wires email and events from Pulumi.dev.yaml: env.json names the senders and each subscription's queue;
// the real Email SDK sends from the dev sender, its delivery report and a chat message's ChatMessageReceived arrive
// on their queues in Event Grid's format (read with @azure/storage-queue), and a failing destination dead-letters.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { EmailClient } from "@azure/communication-email";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { readStackPlatformConfig } from "../../../tools/local-dev/events";
import { startDevProcess, type DevProcess } from "../../support/dev-process";

const root = join(__dirname, "..", "..", "..");

interface EnvJson {
  connectionString: string;
  caCertPath: string;
  acsEndpoint: string;
  adminUrl: string;
  email: { senderAddresses: string[]; testRecipient: string };
  events: {
    storageConnectionString: string;
    deadLetterContainerName: string;
    subscriptions: { name: string; eventTypes: string[]; queueName?: string }[];
  };
}

let dataDir: string;
let dev: DevProcess | undefined;
let env: EnvJson;
let queues: QueueServiceClient;
let tls: { tlsOptions: { ca: string } };

async function eventsOn(queueName: string, count: number, timeoutMs = 30_000): Promise<Record<string, unknown>[]> {
  const queue = queues.getQueueClient(queueName);
  const events: Record<string, unknown>[] = [];
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
    for (const m of receivedMessageItems) {
      events.push(JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")) as Record<string, unknown>);
      await queue.deleteMessage(m.messageId, m.popReceipt);
    }
    if (receivedMessageItems.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  return events;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "local-dev-events-"));
  // Its own process group, stopped whole in afterAll (the tsx wrapper used before left 4 orphans under load).
  dev = await startDevProcess(["--data-dir", dataDir]);
  env = JSON.parse(readFileSync(join(dataDir, "env.json"), "utf8")) as EnvJson;
  queues = QueueServiceClient.fromConnectionString(env.events.storageConnectionString);
  tls = { tlsOptions: { ca: readFileSync(env.caCertPath, "utf8") } };
}, 200_000);

afterAll(async () => {
  await dev?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run dev: email and event routing from the dev stack", () => {
  it("env.json names the dev stack's subscriptions with their queues, and Azurite holds those queues and the dead-letter container", async () => {
    const routing = readStackPlatformConfig(join(root, "Pulumi.dev.yaml")).eventRouting;
    expect(env.events.subscriptions).toEqual(
      routing.subscriptions.map((s) => ({ name: s.name, eventTypes: s.eventTypes, queueName: s.name })),
    );
    expect(env.events.deadLetterContainerName).toBe(routing.deadLetterContainerName);
    const names: string[] = [];
    for await (const q of queues.listQueues()) names.push(q.name);
    expect(names.sort()).toEqual(["chat-messages", "email-delivery", "sms-delivery"]);
    expect(
      await BlobServiceClient.fromConnectionString(env.events.storageConnectionString).getContainerClient("deadletters").exists(),
    ).toBe(true);
    // The dev stack's one Azure-managed domain with its DoNotReply sender.
    expect(env.email.senderAddresses).toEqual([expect.stringMatching(/^DoNotReply@[0-9a-f-]{36}\.azurecomm\.net$/)]);
  });

  it("the Email SDK sends from the dev sender; its EmailDeliveryReportReceived lands Base64 on email-delivery", async () => {
    const email = new EmailClient(env.connectionString, tls);
    const poller = await email.beginSend(
      {
        senderAddress: env.email.senderAddresses[0]!,
        recipients: { to: [{ address: env.email.testRecipient }] },
        content: { subject: "hi", plainText: "hello" },
      },
      { updateIntervalInMs: 100 },
    );
    const result = await poller.pollUntilDone();
    expect(result.status).toBe("Succeeded");
    const [report] = await eventsOn("email-delivery", 1);
    expect(report).toMatchObject({
      eventType: "Microsoft.Communication.EmailDeliveryReportReceived",
      dataVersion: "1.0",
      metadataVersion: "1",
      topic: expect.stringMatching(
        /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Communication\/communicationServices\/[^/]+$/,
      ),
      data: { messageId: result.id, sender: env.email.senderAddresses[0], recipient: env.email.testRecipient, status: "Delivered" },
    });
  });

  it("a chat message produces ChatMessageReceived on chat-messages; with the queue failing it dead-letters into the container", async () => {
    const identity = new CommunicationIdentityClient(env.connectionString, tls);
    const alice = await identity.createUserAndToken(["chat"]);
    const bob = await identity.createUserAndToken(["chat"]);
    const chat = new ChatClient(env.acsEndpoint, new AzureCommunicationTokenCredential(alice.token), tls);
    const { chatThread } = await chat.createChatThread({ topic: "events" }, { participants: [{ id: alice.user }, { id: bob.user }] });
    const thread = chat.getChatThreadClient(chatThread!.id);
    const sent = await thread.sendMessage({ content: "to the queue" });
    const [received] = await eventsOn("chat-messages", 1);
    expect(received).toMatchObject({
      eventType: "Microsoft.Communication.ChatMessageReceived",
      data: { messageId: sent.id, recipientId: bob.user.communicationUserId },
    });

    // 403 from the destination is not retried: dead-lettered after the local 1 s delay.
    const fault = await fetch(`${env.adminUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operation: "deliverEvent:chat-messages", status: 403, count: 1 }),
    });
    expect(fault.status).toBe(201);
    const lost = await thread.sendMessage({ content: "to the dead letters" });
    const container = BlobServiceClient.fromConnectionString(env.events.storageConnectionString).getContainerClient("deadletters");
    let blobName: string | undefined;
    const deadline = Date.now() + 10_000;
    while (!blobName && Date.now() < deadline) {
      for await (const b of container.listBlobsFlat({ prefix: "CHAT-MESSAGES/" })) blobName = b.name;
      if (!blobName) await new Promise((r) => setTimeout(r, 200));
    }
    expect(blobName).toMatch(/^CHAT-MESSAGES\/\d{4}\/\d{1,2}\/\d{1,2}\/\d{1,2}\/[0-9a-f-]{36}\.json$/);
    const [dead] = JSON.parse((await container.getBlobClient(blobName!).downloadToBuffer()).toString("utf8")) as Record<string, unknown>[];
    expect(dead).toMatchObject({
      eventType: "Microsoft.Communication.ChatMessageReceived",
      data: { messageId: lost.id },
      deadLetterReason: "MaxDeliveryAttemptsExceeded",
      deliveryAttempts: 1,
      lastDeliveryOutcome: "Forbidden",
    });
    expect(await eventsOn("chat-messages", 1, 500)).toEqual([]);
  });
});
