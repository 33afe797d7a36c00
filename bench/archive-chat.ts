// `npm run bench:archive-chat`: how fast the chat archive exports a large estate (messages per second), beside reading
// the same chat without archiving it, and whether the archive's counts match the source's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, main, type CommandSpec } from "../tools/cli-kit";
import { median, parseCount, summaryLines, type Figure } from "./lib/report";

const help = `Usage: npm run bench:archive-chat -- [--threads N] [--messages N] [--runs N] [--concurrency N] [--json]

Starts an ACS emulator and Azurite (blob) in this process, seeds --threads chat threads of --messages messages each
(10 identities, two per thread), then --runs times, alternating:
  measured   the archive-chat export (discover, read, write create-only JSONL segments, read back, verify,
             checkpoint) into fresh containers, and a second export over the same archive (must write nothing)
  baseline   reading the same threads and messages through the chat SDK, writing nothing
and prints messages per second for each beside the baseline, and the count check (seeded, listed by the source,
held by the archive). The emulator applies no throttling: Azure's per-user chat limits (service-limits, "Chat")
bound a real export far lower; see docs/runbooks/archive-chat.md.

Options:
  --threads N       threads (default 1000)
  --messages N      user messages per thread (default 50)
  --runs N          measured runs after one discarded warm-up read (default 3)
  --concurrency N   threads read at once (default 8, as npm run archive-chat)
  --json            print one JSON document instead of lines
  -h, --help        this text

Exit codes: 0 measured and every count matched, 1 a count differs or a run failed, 2 bad arguments.`;

const options = {
  threads: { type: "string" },
  messages: { type: "string" },
  runs: { type: "string" },
  concurrency: { type: "string" },
  json: { type: "boolean" },
} as const;

const IDENTITIES = 10;

async function measure(values: {
  threads?: string;
  messages?: string;
  runs?: string;
  concurrency?: string;
  json?: boolean;
}): Promise<number> {
  const threads = parseCount("threads", values.threads, 1000, 100_000);
  const messages = parseCount("messages", values.messages, 50, 10_000);
  const runs = parseCount("runs", values.runs, 3, 20);
  const concurrency = parseCount("concurrency", values.concurrency, 8, 64);
  const say = (line: string) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  const [{ ChatClient }, { AzureCommunicationTokenCredential }, { CommunicationIdentityClient }, { BlobServiceClient }] = await Promise.all(
    [
      import("@azure/communication-chat"),
      import("@azure/communication-common"),
      import("@azure/communication-identity"),
      import("@azure/storage-blob"),
    ],
  );
  const [{ startEmulator }, { startAzuriteEventStorage }, { ChatExporter }, source, { ArchiveStore }] = await Promise.all([
    import("../tools/acs-emulator/index"),
    import("../tools/local-dev/events"),
    import("../runbooks/lib/chat-archive/export"),
    import("../runbooks/lib/chat-archive/source"),
    import("../runbooks/lib/chat-archive/store"),
  ]);
  const dir = mkdtempSync(join(tmpdir(), "bench-archive-chat-"));
  const emulator = await startEmulator();
  const storage = await startAzuriteEventStorage(join(dir, "azurite"));
  try {
    const tls = { tlsOptions: { ca: emulator.caCertPem } };
    const identity = new CommunicationIdentityClient(emulator.connectionString, tls);
    const users = await Promise.all(Array.from({ length: IDENTITIES }, () => identity.createUserAndToken(["chat"])));
    const chat = users.map((u) => new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(u.token), tls));
    const seedStart = performance.now();
    let seeded = 0;
    await source.forEachLimited(
      Array.from({ length: threads }, (_, i) => i),
      32,
      async (i) => {
        const owner = i % IDENTITIES;
        const other = (i + 1) % IDENTITIES;
        const { chatThread } = await chat[owner]!.createChatThread(
          { topic: `bench ${i}` },
          { participants: [{ id: users[owner]!.user }, { id: users[other]!.user }] },
        );
        const thread = chat[owner]!.getChatThreadClient(chatThread!.id);
        for (let m = 0; m < messages; m++) await thread.sendMessage({ content: `thread ${i} message ${m}` });
        seeded += messages;
      },
    );
    say(`seeded ${threads} threads, ${seeded} messages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const reader = source.sdkChatReader(
      identity,
      (token) => new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), tls),
    );
    const ids = users.map((u) => u.user.communicationUserId);
    const sources = [source.mappingTableSource(async () => ids, reader, concurrency)];
    const blobs = BlobServiceClient.fromConnectionString(storage.connectionString);

    /** Baseline: discover and list every thread's messages, writing nothing. */
    const readOnly = async (): Promise<{ seconds: number; listed: number }> => {
      const t0 = performance.now();
      const found = await sources[0]!.discover();
      let listed = 0;
      await source.forEachLimited(found, concurrency, async (t) => {
        const { length } = await reader.messages(t.readers[0]!, t.threadId);
        listed += length;
      });
      return { seconds: (performance.now() - t0) / 1000, listed };
    };

    const warm = await readOnly();
    say(`warm-up read: ${warm.listed} messages listed (discarded)`);
    const exportRate: number[] = [];
    const rerunRate: number[] = [];
    const baseline: number[] = [];
    const checks: Array<{ run: number; seededUserMessages: number; source: number; archive: number; rerunWrote: number; ok: boolean }> = [];
    for (let run = 1; run <= runs; run++) {
      const store = new ArchiveStore(
        blobs.getContainerClient(`chat-archive-run${run}`),
        blobs.getContainerClient(`chat-archive-state-run${run}`),
      );
      await store.ensureContainers();
      const exporter = new ChatExporter({ store, reader, sources, concurrency });
      let t0 = performance.now();
      const first = await exporter.run();
      const firstSeconds = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const second = await exporter.run();
      const secondSeconds = (performance.now() - t0) / 1000;
      const read = await readOnly();
      exportRate.push(first.archivedMessages / firstSeconds);
      rerunRate.push(second.sourceMessages / secondSeconds);
      baseline.push(read.listed / read.seconds);
      const userMessages = first.sourceMessages - 2 * threads; // each thread also lists its two creation system messages
      const ok =
        first.ok &&
        second.ok &&
        first.threads === threads &&
        userMessages === seeded &&
        first.archivedMessages === first.sourceMessages &&
        second.recordsWritten === 0 &&
        read.listed === first.sourceMessages;
      checks.push({
        run,
        seededUserMessages: seeded,
        source: first.sourceMessages,
        archive: first.archivedMessages,
        rerunWrote: second.recordsWritten,
        ok,
      });
      say(
        `run ${run}: export ${exportRate.at(-1)!.toFixed(0)} msg/s (${first.archivedMessages} in ${firstSeconds.toFixed(1)} s), ` +
          `re-run ${rerunRate.at(-1)!.toFixed(0)} msg/s (wrote ${second.recordsWritten}), read only ${baseline.at(-1)!.toFixed(0)} msg/s; ` +
          `count check: ${threads} threads, seeded ${seeded} + ${2 * threads} system, source ${first.sourceMessages}, archive ${first.archivedMessages}: ${ok ? "OK" : "MISMATCH"}`,
      );
    }
    const figures: Figure[] = [
      { name: "export", unit: "msg/s", measured: exportRate, baselineName: "read only", baseline },
      { name: "re-run (nothing new)", unit: "msg/s", measured: rerunRate, baselineName: "read only", baseline },
    ];
    const allOk = checks.every((c) => c.ok);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ threads, messagesPerThread: messages, runs, concurrency, exportMsgPerSec: median(exportRate), rerunMsgPerSec: median(rerunRate), readOnlyMsgPerSec: median(baseline), checks, ok: allOk })}\n`,
      );
    } else {
      for (const line of summaryLines(runs, figures)) say(line);
      say(`count check: ${allOk ? "OK in every run" : "MISMATCH (see the run lines)"}`);
    }
    return allOk ? ExitCode.ok : ExitCode.failed;
  } finally {
    await emulator.close();
    await storage.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const archiveChatBench: CommandSpec<typeof options> = { help, options, run: measure };

if (require.main === module) main(archiveChatBench);
