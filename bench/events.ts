// `npm run bench:events`: how long a chat message takes to reach its storage queue as ChatMessageReceived, and what
// Event Grid delivery adds to sendMessage; medians of several runs against an emulator with and without delivery.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { QueueServiceClient } from "@azure/storage-queue";
import { startAzuriteEventStorage, provisionEventStorage } from "../tools/local-dev/events";
import { decodeQueueMessage, startEmulator, type EmulatedSubscription, type EmulatorHandle } from "../tools/acs-emulator/index";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, messages: { type: "string", default: "50" }, json: { type: "boolean" } } });
const runs = Number(values.runs);
const messages = Number(values.messages);

const median = (numbers: number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function chatThread(emulator: EmulatorHandle) {
  const tls = { tlsOptions: { ca: emulator.caCertPem } };
  const identity = new CommunicationIdentityClient(emulator.connectionString, tls);
  const alice = await identity.createUserAndToken(["chat"]);
  const bob = await identity.createUserAndToken(["chat"]);
  const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(alice.token), tls);
  const { chatThread: thread } = await chat.createChatThread({ topic: "bench" }, { participants: [{ id: alice.user }, { id: bob.user }] });
  return chat.getChatThreadClient(thread!.id);
}

/** Median sendMessage latency (ms) over `messages` sequential sends. */
async function sendLatency(thread: Awaited<ReturnType<typeof chatThread>>): Promise<{ median: number; sentAt: Map<string, number> }> {
  const took: number[] = [];
  const sentAt = new Map<string, number>();
  for (let i = 0; i < messages; i++) {
    const t0 = performance.now();
    const { id } = await thread.sendMessage({ content: `m${i}` });
    took.push(performance.now() - t0);
    sentAt.set(id, t0);
  }
  return { median: median(took), sentAt };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-events-"));
  const storage = await startAzuriteEventStorage(join(dir, "azurite"));
  const subscriptions: EmulatedSubscription[] = [{ name: "chat-messages", includedEventTypes: ["Microsoft.Communication.ChatMessageReceived"], queueName: "chat-messages", maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440, deadLetterContainerName: "deadletters" }];
  await provisionEventStorage(storage.connectionString, subscriptions, "deadletters");
  const queue = QueueServiceClient.fromConnectionString(storage.connectionString).getQueueClient("chat-messages");
  const plain = await startEmulator();
  const routed = await startEmulator({ eventGrid: { subscriptions, storageConnectionString: storage.connectionString } });
  try {
    const plainThread = await chatThread(plain);
    const routedThread = await chatThread(routed);
    await sendLatency(plainThread); // warm-up
    const baseline: number[] = [];
    const withDelivery: number[] = [];
    const arrival: number[] = [];
    for (let run = 1; run <= runs; run++) {
      baseline.push((await sendLatency(plainThread)).median);
      // A consumer polls the queue while the messages are sent, as an app would; arrival = first receive that returns
      // the event, measured from the start of its sendMessage.
      const receivedAt = new Map<string, number>();
      const consumer = (async () => {
        while (receivedAt.size < messages) {
          const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
          const now = performance.now();
          for (const m of receivedMessageItems) receivedAt.set(String(decodeQueueMessage(m.messageText).data.messageId), now);
          await Promise.all(receivedMessageItems.map((m) => queue.deleteMessage(m.messageId, m.popReceipt)));
          if (receivedMessageItems.length === 0) await new Promise((r) => setTimeout(r, 2));
        }
      })();
      const { median: sendMedian, sentAt } = await sendLatency(routedThread);
      withDelivery.push(sendMedian);
      await consumer;
      arrival.push(median([...sentAt].map(([id, t0]) => (receivedAt.get(id) ?? Number.NaN) - t0)));
      if (!values.json) process.stdout.write(`run ${run}: sendMessage ${baseline.at(-1)!.toFixed(1)} ms without delivery, ${sendMedian.toFixed(1)} ms with; message -> queue median ${arrival.at(-1)!.toFixed(1)} ms\n`);
    }
    const summary = {
      runs, messagesPerRun: messages,
      medianSendMsWithoutDelivery: Number(median(baseline).toFixed(1)),
      medianSendMsWithDelivery: Number(median(withDelivery).toFixed(1)),
      medianMessageToQueueMs: Number(median(arrival).toFixed(1)),
    };
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n`
      : `median over ${runs} runs of ${messages} messages: sendMessage ${summary.medianSendMsWithoutDelivery} ms (baseline, no delivery) vs ${summary.medianSendMsWithDelivery} ms (Event Grid delivery on); message to queue ${summary.medianMessageToQueueMs} ms\n`);
  } finally {
    await plain.close();
    await routed.close();
    await storage.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
