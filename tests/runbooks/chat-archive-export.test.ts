// The chat export's logic in process, with an in-memory archive and chat source: what a run writes, skips, verifies and
// reports, including a segment name taken by an interrupted run, a removed reader, deleted and unreachable threads.
import { describe, expect, it } from "vitest";
import { ChatExporter, bestReader } from "../../runbooks/lib/chat-archive/export";
import {
  canonicalJson,
  contentHash,
  emptyState,
  fold,
  newRecords,
  parseSegment,
  type ArchiveRecord,
  type MessageVersion,
} from "../../runbooks/lib/chat-archive/records";
import type { ChatReader, DiscoveredThread, ThreadSource } from "../../runbooks/lib/chat-archive/source";
import type { ArchiveStore, RunRecord, ThreadCheckpoint } from "../../runbooks/lib/chat-archive/store";
import { archiveCheck, phoneCheck } from "../../runbooks/decommission";
import { parseConcurrency } from "../../runbooks/archive-chat";
import { followEvents } from "../../runbooks/lib/chat-archive/follow";
import type { QueueMessage } from "../../runbooks/lib/event-checks";

const httpError = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });

/** An archive in memory with ArchiveStore's behaviour: create-only segments, mutable checkpoints and run record. */
class MemoryStore {
  segments = new Map<string, ArchiveRecord[][]>();
  checkpoints = new Map<string, ThreadCheckpoint>();
  run?: RunRecord;
  creates = 0;
  /** Runs just before a create: lets a test play "another writer took this name". */
  beforeCreate?: (threadId: string, index: number) => void;
  async readThread(threadId: string) {
    const segs = this.segments.get(threadId) ?? [];
    const records = segs.flat();
    return { state: fold(emptyState(), records), segments: segs.length, records };
  }
  async createSegment(threadId: string, index: number, records: ArchiveRecord[]) {
    this.beforeCreate?.(threadId, index);
    this.creates++;
    const segs = this.segments.get(threadId) ?? [];
    if (segs.length > index) return "exists" as const;
    segs.push(JSON.parse(JSON.stringify(records)) as ArchiveRecord[]);
    this.segments.set(threadId, segs);
    return "created" as const;
  }
  async readSegmentOf(threadId: string, index: number) {
    return this.segments.get(threadId)?.[index] ?? [];
  }
  async getCheckpoint(threadId: string) {
    return this.checkpoints.get(threadId);
  }
  async putCheckpoint(c: ThreadCheckpoint) {
    this.checkpoints.set(c.threadId, c);
  }
  async getRun() {
    return this.run;
  }
  async putRun(r: RunRecord) {
    this.run = r;
  }
}

const message = (id: string, seq: number, text: string, extra: Partial<MessageVersion> = {}): MessageVersion => ({
  id,
  type: "text",
  sequenceId: String(seq),
  version: id,
  createdOn: "2026-12-01T10:00:00.000Z",
  senderId: "8:acs:alice",
  content: { message: text },
  ...extra,
});

/** Chat as ACS would list it: per thread its members (with shareHistoryTime) and messages; `refuse` answers 403 to a reader. */
function memoryChat(
  threads: Record<string, { members: Record<string, string | undefined>; messages: MessageVersion[]; deleted?: boolean }>,
) {
  const refuse = new Set<string>();
  const reads: string[] = [];
  const reader: ChatReader = {
    listThreads: async (userId) =>
      Object.entries(threads)
        .filter(([, t]) => userId in t.members)
        .map(([id, t]) => ({ id, topic: `topic ${id}`, ...(t.deleted ? { deletedOn: "2026-12-02T00:00:00.000Z" } : {}) })),
    properties: async (userId, threadId) => {
      if (refuse.has(userId)) throw httpError(403);
      return { id: threadId, topic: `topic ${threadId}`, createdOn: "2026-12-01T09:00:00.000Z" };
    },
    participants: async (_u, threadId) =>
      Object.entries(threads[threadId]!.members).map(([id, since]) => ({ id, ...(since ? { shareHistoryTime: since } : {}) })),
    messages: async (userId, threadId) => {
      reads.push(`${threadId} as ${userId}`);
      return threads[threadId]!.messages.map((m) => ({ ...m }));
    },
    message: async () => {
      throw new Error("not used");
    },
  };
  const users = [...new Set(Object.values(threads).flatMap((t) => Object.keys(t.members)))];
  const source: ThreadSource = {
    name: "memory",
    discover: async () => {
      const found = new Map<string, DiscoveredThread>();
      for (const u of users)
        for (const t of await reader.listThreads(u)) {
          const known = found.get(t.id);
          if (known) known.readers.push(u);
          else found.set(t.id, { threadId: t.id, topic: t.topic, deletedOn: t.deletedOn, readers: [u] });
        }
      return [...found.values()];
    },
  };
  return { reader, source, refuse, reads };
}

const exporterFor = (store: MemoryStore, chat: ReturnType<typeof memoryChat>, checkOnly = false) =>
  new ChatExporter({
    store: store as unknown as ArchiveStore,
    reader: chat.reader,
    sources: [chat.source],
    concurrency: 2,
    checkOnly,
    now: () => new Date("2026-12-07T12:00:00.000Z"),
  });

describe("records", () => {
  it("hash content whatever the key order, ignoring undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { y: 1, x: 0 }] } })).toBe('{"a":{"c":[2,{"x":0,"y":1}]},"b":1}');
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
  });

  it("add only what the archive does not hold as latest: new messages, edits, deletions, changed members", () => {
    const m1 = message("1", 1, "hello");
    const base = { threadId: "t", properties: { id: "t", topic: "x" }, participants: [{ id: "a" }], messages: [m1] };
    const first = newRecords(emptyState(), base, "now");
    expect(first.map((r) => r.kind)).toEqual(["thread", "participants", "message"]);
    const state = fold(emptyState(), first);
    expect(newRecords(state, base, "later")).toEqual([]);
    const edited = { ...m1, editedOn: "2026-12-03T00:00:00.000Z", version: "2", content: { message: "hello!" } };
    const deleted = message("2", 2, "bye", { deletedOn: "2026-12-04T00:00:00.000Z" });
    const next = newRecords(state, { ...base, participants: [{ id: "a" }, { id: "b" }], messages: [deleted, edited] }, "later");
    expect(next.map((r) => (r.kind === "message" ? `message ${r.message.id}` : r.kind))).toEqual([
      "participants",
      "message 1",
      "message 2",
    ]);
  });

  it("name the segment and line that is not a record", () => {
    expect(() => parseSegment('{"kind":"thread"}\nnot json\n', "threads/x/000000.jsonl")).toThrow(
      /^segment threads\/x\/000000\.jsonl line 2 is not an archive record: /,
    );
    expect(() => parseSegment('{"kind":"other"}', "s")).toThrow("segment s line 1 is not an archive record: unknown kind other");
  });
});

describe("ChatExporter", () => {
  it("archives every thread once, verifies it, and a re-run writes nothing", async () => {
    const chat = memoryChat({
      t1: { members: { a: undefined, b: undefined }, messages: [message("1", 1, "one"), message("2", 2, "two")] },
      t2: { members: { b: undefined }, messages: [message("3", 1, "three")] },
    });
    const store = new MemoryStore();
    const first = await exporterFor(store, chat).run();
    expect(first).toMatchObject({
      ok: true,
      threads: 2,
      verified: 2,
      recordsWritten: 2 + 2 + 2 + 1,
      sourceMessages: 3,
      archivedMessages: 3,
    });
    expect(store.run?.finishedAt).toBe("2026-12-07T12:00:00.000Z");
    const again = await exporterFor(store, chat).run();
    expect(again).toMatchObject({ ok: true, recordsWritten: 0, resumed: false });
    expect(store.creates).toBe(2);
  });

  it("a segment name taken between read and write (an interrupted run's) is folded in, not written twice", async () => {
    const chat = memoryChat({ t1: { members: { a: undefined }, messages: [message("1", 1, "one")] } });
    const store = new MemoryStore();
    store.beforeCreate = (threadId, index) => {
      store.beforeCreate = undefined;
      const read = {
        threadId,
        properties: { id: threadId, topic: `topic ${threadId}`, createdOn: "2026-12-01T09:00:00.000Z" },
        participants: [{ id: "a" }],
        messages: [message("1", 1, "one")],
      };
      store.segments.set(threadId, [newRecords(emptyState(), read, "earlier")]);
      expect(index).toBe(0);
    };
    const report = await exporterFor(store, chat).run();
    expect(report).toMatchObject({ ok: true, recordsWritten: 0, verified: 1 });
    expect(
      store.segments
        .get("t1")!
        .flat()
        .filter((r) => r.kind === "message"),
    ).toHaveLength(1);
  });

  it("resumes an unfinished run: threads its run verified are skipped, the rest exported", async () => {
    const chat = memoryChat({
      t1: { members: { a: undefined }, messages: [message("1", 1, "one")] },
      t2: { members: { a: undefined }, messages: [message("2", 1, "two")] },
    });
    const store = new MemoryStore();
    store.run = { runId: "run-1", startedAt: "2026-12-07T11:00:00.000Z" };
    store.checkpoints.set("t1", { threadId: "t1", runId: "run-1", status: "verified", sourceMessages: 1, archivedMessages: 1, at: "x" });
    const report = await exporterFor(store, chat).run();
    expect(report).toMatchObject({ ok: true, resumed: true, runId: "run-1", skipped: 1, verified: 1 });
    expect(chat.reads).toEqual(["t2 as a"]);
    expect(store.run).toEqual({
      runId: "run-1",
      startedAt: "2026-12-07T11:00:00.000Z",
      finishedAt: "2026-12-07T12:00:00.000Z",
      threads: 2,
    });
  });

  it("reads as the member whose history reaches furthest back; a refused reader is passed over", async () => {
    expect(
      bestReader(
        ["a", "b", "c"],
        [{ id: "a", shareHistoryTime: "2026-12-02T00:00:00Z" }, { id: "b" }, { id: "c", shareHistoryTime: "2026-12-01T00:00:00Z" }],
      ),
    ).toBe("b");
    const chat = memoryChat({
      t1: { members: { a: "2026-12-05T00:00:00Z", b: "2026-12-01T00:00:00Z" }, messages: [message("1", 1, "one")] },
    });
    chat.refuse.add("a");
    await exporterFor(new MemoryStore(), chat).run();
    expect(chat.reads).toEqual(["t1 as b"]);
  });

  it("reports a thread nobody may read as unreachable (exit 1), and a deleted one as deleted", async () => {
    const chat = memoryChat({
      t1: { members: { a: undefined }, messages: [message("1", 1, "one")] },
      gone: { members: { a: undefined }, messages: [], deleted: true },
    });
    chat.refuse.add("a");
    const report = await exporterFor(new MemoryStore(), chat).run();
    expect(report.ok).toBe(false);
    expect(report.deleted).toBe(1);
    expect(report.unreachable).toEqual([
      {
        threadId: "t1",
        status: "unreachable",
        written: 1,
        sourceMessages: 0,
        archivedMessages: 0,
        detail: "none of the 1 mapped identities listing it may read it (HTTP 403)",
      },
    ]);
  });

  it("checkOnly writes nothing and names each thread with records to add", async () => {
    const chat = memoryChat({ t1: { members: { a: undefined }, messages: [message("1", 1, "one")] } });
    const store = new MemoryStore();
    const report = await exporterFor(store, chat, true).run();
    expect(report.ok).toBe(false);
    expect(report.incomplete.map((r) => [r.threadId, r.written])).toEqual([["t1", 3]]);
    expect([store.creates, store.checkpoints.size, store.run]).toEqual([0, 0, undefined]);
    expect(archiveCheck(report)).toEqual({
      name: "chat-archive",
      title: "chat archive complete",
      ok: false,
      detail: "1 of 1 threads not archived: t1 (3 records to add); run npm run archive-chat",
    });
  });
});

describe("decommission checks and archive-chat flags", () => {
  it("phone numbers: none passes, any attached fails naming them", () => {
    expect(phoneCheck([])).toEqual({ name: "phone-numbers", title: "phone numbers", ok: true, detail: "none attached to the resource" });
    expect(phoneCheck(["+14255550100"]).detail).toBe("1 still attached: +14255550100; release or port them before the destroy");
  });

  it("--concurrency takes 1 to 64", () => {
    expect(parseConcurrency(undefined)).toBe(8);
    expect(parseConcurrency("16")).toBe(16);
    expect(() => parseConcurrency("0")).toThrow('--concurrency must be an integer from 1 to 64, got "0"');
  });
});

describe("followEvents", () => {
  const event = (n: number, eventType: string, data: Record<string, unknown>): QueueMessage => ({
    messageId: `q${n}`,
    popReceipt: `p${n}`,
    messageText: Buffer.from(JSON.stringify({ id: `e${n}`, eventType, data })).toString("base64"),
  });

  it("reads each named thread once per batch whatever the duplicates and order, archives the latest state, deletes the events", async () => {
    const messages = [message("1", 1, "one")];
    const chat = memoryChat({ t1: { members: { a: undefined, b: undefined }, messages } });
    const store = new MemoryStore();
    const exporter = exporterFor(store, chat);
    await exporter.run();
    chat.reads.length = 0;
    // After the export: message 2 sent, then edited; its events arrive reordered and twice (per recipient, redelivered).
    messages.push(message("2", 2, "two (edited)", { editedOn: "2026-12-07T12:01:00.000Z", version: "3" }));
    const batches = [
      [
        event(1, "Microsoft.Communication.ChatMessageEdited", { threadId: "t1", messageId: "2" }),
        event(2, "Microsoft.Communication.ChatMessageReceived", { threadId: "t1", messageId: "2" }),
        event(3, "Microsoft.Communication.ChatMessageReceived", { threadId: "t1", messageId: "2" }),
        event(4, "Microsoft.Communication.EmailDeliveryReportReceived", { messageId: "x" }),
      ],
      [event(5, "Microsoft.Communication.ChatMessageReceived", { threadId: "t1", messageId: "2" })],
    ];
    const deleted: string[] = [];
    const report = await followEvents({
      exporter,
      queue: { receive: async () => batches.shift() ?? [], delete: async (m) => void deleted.push(m.messageId) },
      known: new Map((await exporter.discover()).map((t) => [t.threadId, t])),
      stopped: () => batches.length === 0 && deleted.length === 5,
      pollIntervalMs: 0,
    });
    expect(report).toEqual({ events: 5, threads: 2, recordsWritten: 1, ignored: 1 });
    expect(chat.reads).toEqual(["t1 as a", "t1 as a"]);
    expect(deleted.sort()).toEqual(["q1", "q2", "q3", "q4", "q5"]);
    const archived = store.segments
      .get("t1")!
      .flat()
      .filter((r) => r.kind === "message");
    expect(archived.map((r) => (r.kind === "message" ? `${r.message.id}:${String(r.message.content?.message)}` : ""))).toEqual([
      "1:one",
      "2:two (edited)",
    ]);
  });
});
