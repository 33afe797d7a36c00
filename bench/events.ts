// `npm run bench:events`: how long a chat message takes to reach its storage queue as ChatMessageReceived, and what
// Event Grid delivery adds to sendMessage; medians of several runs against an emulator with and without delivery.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatedSubscription, EmulatorHandle } from "../tools/acs-emulator/index";
import { ExitCode, main, type CommandSpec } from "../tools/cli-kit";
import { median, parseCount } from "./lib/report";

const help = `Usage: npm run bench:events -- [--runs N] [--messages N] [--json]

Starts Azurite (queues, blobs) and two ACS emulators in this process, one without and one with Event Grid delivery
to a storage queue subscribed to ChatMessageReceived, then --runs times sends --messages chat messages through each:
  measured   sendMessage latency with Event Grid delivery on, and message -> queue arrival
  baseline   sendMessage latency of the emulator without delivery
and prints the medians side by side.

Options:
  --runs N       runs (default 5)
  --messages N   messages per run (default 50)
  --json         print one JSON document instead of lines
  -h, --help     this text

Exit codes: 0 measured, 1 a run failed, 2 bad arguments.`;

const options = { runs: { type: "string" }, messages: { type: "string" }, json: { type: "boolean" } } as const;

async function chatThread(emulator: EmulatorHandle) {
  const [{ ChatClient }, { AzureCommunicationTokenCredential }, { CommunicationIdentityClient }] = await Promise.all([
    import("@azure/communication-chat"),
    import("@azure/communication-common"),
    import("@azure/communication-identity"),
  ]);
  const tls = { tlsOptions: { ca: emulator.caCertPem } };
  const identity = new CommunicationIdentityClient(emulator.connectionString, tls);
  const alice = await identity.createUserAndToken(["chat"]);
  const bob = await identity.createUserAndToken(["chat"]);
  const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(alice.token), tls);
  const { chatThread: thread } = await chat.createChatThread({ topic: "bench" }, { participants: [{ id: alice.user }, { id: bob.user }] });
  return chat.getChatThreadClient(thread!.id);
}

/** Median sendMessage latency (ms) over `messages` sequential sends. */
async function sendLatency(
  thread: Awaited<ReturnType<typeof chatThread>>,
  messages: number,
): Promise<{ median: number; sentAt: Map<string, number> }> {
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

async function measure(values: { runs?: string; messages?: string; json?: boolean }): Promise<number> {
  const runs = parseCount("runs", values.runs, 5, 50);
  const messages = parseCount("messages", values.messages, 50, 10_000);
  const [{ QueueServiceClient }, { startAzuriteEventStorage, provisionEventStorage }, { decodeQueueMessage, startEmulator }] =
    await Promise.all([import("@azure/storage-queue"), import("../tools/local-dev/events"), import("../tools/acs-emulator/index")]);
  const dir = mkdtempSync(join(tmpdir(), "bench-events-"));
  const storage = await startAzuriteEventStorage(join(dir, "azurite"));
  const subscriptions: EmulatedSubscription[] = [
    {
      name: "chat-messages",
      includedEventTypes: ["Microsoft.Communication.ChatMessageReceived"],
      queueName: "chat-messages",
      maxDeliveryAttempts: 30,
      eventTimeToLiveInMinutes: 1440,
      deadLetterContainerName: "deadletters",
    },
  ];
  await provisionEventStorage(storage.connectionString, subscriptions, "deadletters");
  const queue = QueueServiceClient.fromConnectionString(storage.connectionString).getQueueClient("chat-messages");
  const plain = await startEmulator();
  const routed = await startEmulator({ eventGrid: { subscriptions, storageConnectionString: storage.connectionString } });
  try {
    const plainThread = await chatThread(plain);
    const routedThread = await chatThread(routed);
    await sendLatency(plainThread, messages); // warm-up
    const baseline: number[] = [];
    const withDelivery: number[] = [];
    const arrival: number[] = [];
    for (let run = 1; run <= runs; run++) {
      baseline.push((await sendLatency(plainThread, messages)).median);
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
      const { median: sendMedian, sentAt } = await sendLatency(routedThread, messages);
      withDelivery.push(sendMedian);
      await consumer;
      arrival.push(median([...sentAt].map(([id, t0]) => (receivedAt.get(id) ?? Number.NaN) - t0)));
      if (!values.json)
        process.stdout.write(
          `run ${run}: sendMessage ${baseline.at(-1)!.toFixed(1)} ms without delivery, ${sendMedian.toFixed(1)} ms with; message -> queue median ${arrival.at(-1)!.toFixed(1)} ms\n`,
        );
    }
    const summary = {
      runs,
      messagesPerRun: messages,
      medianSendMsWithoutDelivery: Number(median(baseline).toFixed(1)),
      medianSendMsWithDelivery: Number(median(withDelivery).toFixed(1)),
      medianMessageToQueueMs: Number(median(arrival).toFixed(1)),
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(summary)}\n`
        : `median over ${runs} runs of ${messages} messages: sendMessage ${summary.medianSendMsWithoutDelivery} ms (baseline, no delivery) vs ${summary.medianSendMsWithDelivery} ms (Event Grid delivery on); message to queue ${summary.medianMessageToQueueMs} ms\n`,
    );
    return ExitCode.ok;
  } finally {
    await plain.close();
    await routed.close();
    await storage.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const eventsBench: CommandSpec<typeof options> = { help, options, run: measure };

if (require.main === module) main(eventsBench);
