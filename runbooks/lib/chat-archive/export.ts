// The chat export: discovers every reachable thread, reads it as its best-placed participant, appends what the archive
// lacks as one create-only segment, verifies the archive against the source and checkpoints the thread.
//
// The archive is its own ledger: a thread's segments folded give the latest archived hash of every message, so a
// re-run writes nothing already held, and a run killed between writing a segment and its checkpoint finds the segment
// on restart (create-only name taken) and folds it in instead of writing it twice.
import { randomBytes } from "node:crypto";
import { fold, newRecords, contentHash, type ArchivedState, type ParticipantSnapshot, type ThreadProperties } from "./records";
import { forEachLimited, type ChatReader, type DiscoveredThread, type ThreadSource } from "./source";
import type { ArchiveStore, ThreadCheckpoint } from "./store";

export interface ThreadResult {
  threadId: string;
  status: ThreadCheckpoint["status"] | "skipped";
  /** Records this run added to the archive (0 on a re-run with no change). */
  written: number;
  sourceMessages: number;
  archivedMessages: number;
  detail?: string;
}

export interface ExportProgress {
  phase: "discover" | "export";
  done: number;
  total: number;
  messages: number;
}

export interface ExportOptions {
  store: ArchiveStore;
  reader: ChatReader;
  sources: ThreadSource[];
  concurrency: number;
  now?: () => Date;
  /** Check only: read and compare, write neither segments nor checkpoints (decommission, `--dry-run`). */
  checkOnly?: boolean;
  onProgress?: (progress: ExportProgress) => void;
  onThread?: (result: ThreadResult) => void;
}

export interface ExportReport {
  runId: string;
  /** The previous run had not finished: its verified threads were skipped. */
  resumed: boolean;
  threads: number;
  recordsWritten: number;
  sourceMessages: number;
  archivedMessages: number;
  verified: number;
  skipped: number;
  deleted: number;
  /** Threads whose archive differs from the source after the export (or, when checking, that lack something). */
  incomplete: ThreadResult[];
  unreachable: ThreadResult[];
  ok: boolean;
}

const statusCode = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** The participant whose history reaches furthest back (no shareHistoryTime = from the start) among `readers`. */
export function bestReader(readers: string[], participants: ParticipantSnapshot[]): string | undefined {
  const since = new Map(participants.map((p) => [p.id, p.shareHistoryTime ? Date.parse(p.shareHistoryTime) : 0]));
  const members = readers.filter((r) => since.has(r));
  return members.sort((a, b) => (since.get(a) as number) - (since.get(b) as number))[0];
}

/** What a check of one thread against the archive found: the message ids the archive lacks or holds in an older state. */
export function compareWithSource(state: ArchivedState, messages: { id: string; hash: string }[]): string[] {
  return messages.filter((m) => state.messages.get(m.id) !== m.hash).map((m) => m.id);
}

export class ChatExporter {
  private readonly now: () => Date;

  constructor(private readonly options: ExportOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Every thread every source lists, merged by id (readers concatenated). */
  async discover(): Promise<DiscoveredThread[]> {
    const merged = new Map<string, DiscoveredThread>();
    for (const source of this.options.sources) {
      for (const thread of await source.discover((n) => this.options.onProgress?.({ phase: "discover", done: n, total: 0, messages: 0 }))) {
        const known = merged.get(thread.threadId);
        if (known) known.readers.push(...thread.readers.filter((r) => !known.readers.includes(r)));
        else merged.set(thread.threadId, { ...thread, readers: [...thread.readers] });
      }
    }
    return [...merged.values()];
  }

  /** The bulk export (or, with checkOnly, the completeness check). */
  async run(): Promise<ExportReport> {
    const { store, checkOnly } = this.options;
    const previous = await store.getRun();
    const resumed = previous !== undefined && previous.finishedAt === undefined;
    const runId = resumed ? previous.runId : `${this.now().toISOString().replace(/[:.]/g, "")}-${randomBytes(3).toString("hex")}`;
    const startedAt = resumed ? previous.startedAt : this.now().toISOString();
    if (!checkOnly && !resumed) await store.putRun({ runId, startedAt });

    const threads = await this.discover();
    const results: ThreadResult[] = [];
    let messages = 0;
    await forEachLimited(threads, this.options.concurrency, async (thread) => {
      const result = await this.exportThread(thread, runId, resumed);
      results.push(result);
      messages += result.sourceMessages;
      this.options.onThread?.(result);
      this.options.onProgress?.({ phase: "export", done: results.length, total: threads.length, messages });
    });

    const count = (status: ThreadResult["status"]) => results.filter((r) => r.status === status).length;
    const incomplete = results.filter((r) => r.status === "mismatch" || (checkOnly && r.written > 0));
    const unreachable = results.filter((r) => r.status === "unreachable");
    const report: ExportReport = {
      runId,
      resumed,
      threads: threads.length,
      recordsWritten: checkOnly ? 0 : results.reduce((n, r) => n + r.written, 0),
      sourceMessages: results.reduce((n, r) => n + r.sourceMessages, 0),
      archivedMessages: results.reduce((n, r) => n + r.archivedMessages, 0),
      verified: count("verified"),
      skipped: count("skipped"),
      deleted: count("deleted"),
      incomplete,
      unreachable,
      ok: incomplete.length === 0 && unreachable.length === 0,
    };
    if (!checkOnly && report.ok) {
      await store.putRun({ runId, startedAt, finishedAt: this.now().toISOString(), threads: threads.length });
    }
    return report;
  }

  /** Reads one thread and brings its archive up to date; the unit `--follow` repeats per event. */
  async exportThread(thread: DiscoveredThread, runId: string, resumed = false): Promise<ThreadResult> {
    const { store, checkOnly } = this.options;
    if (resumed) {
      const checkpoint = await store.getCheckpoint(thread.threadId);
      if (checkpoint?.runId === runId && (checkpoint.status === "verified" || checkpoint.status === "deleted")) {
        return {
          threadId: thread.threadId,
          status: "skipped",
          written: 0,
          sourceMessages: checkpoint.sourceMessages,
          archivedMessages: checkpoint.archivedMessages,
        };
      }
    }
    const read = await this.readThread(thread);
    const observedAt = this.now().toISOString();
    let archived = await store.readThread(thread.threadId);
    let written = 0;
    let pending = newRecords(archived.state, { threadId: thread.threadId, ...read }, observedAt);
    if (checkOnly) written = pending.length;
    else {
      // Create-only: a name already taken means an earlier (interrupted) run wrote it; fold it in and diff again.
      while (pending.length > 0) {
        const index = archived.segments;
        const outcome = await store.createSegment(thread.threadId, index, pending);
        if (outcome === "created") {
          written += pending.length;
          // Verify from storage, not from memory: fold in the segment as read back.
          const back = await store.readSegmentOf(thread.threadId, index);
          archived = { state: fold(archived.state, back), segments: index + 1, records: [...archived.records, ...back] };
        } else archived = await store.readThread(thread.threadId);
        pending = newRecords(archived.state, { threadId: thread.threadId, ...read }, observedAt);
      }
    }
    const sourceMessages = read.messages.length;
    const missing = compareWithSource(
      archived.state,
      read.messages.map((m) => ({ id: m.id, hash: contentHash(m) })),
    );
    const status: ThreadCheckpoint["status"] = read.unreachable
      ? "unreachable"
      : read.deleted
        ? "deleted"
        : missing.length > 0 && !checkOnly
          ? "mismatch"
          : "verified";
    const detail = read.unreachable
      ? read.unreachable
      : missing.length > 0
        ? `${missing.length} of ${sourceMessages} messages not archived in their latest version`
        : undefined;
    const result: ThreadResult = {
      threadId: thread.threadId,
      status,
      written,
      sourceMessages,
      archivedMessages: archived.state.messages.size,
      ...(detail ? { detail } : {}),
    };
    if (!checkOnly) {
      const lastSequenceId = read.messages.reduce<string | undefined>(
        (max, m) => (max === undefined || Number(m.sequenceId) > Number(max) ? m.sequenceId : max),
        undefined,
      );
      await store.putCheckpoint({
        threadId: thread.threadId,
        runId,
        status,
        sourceMessages,
        archivedMessages: result.archivedMessages,
        ...(lastSequenceId ? { lastSequenceId } : {}),
        ...(detail ? { detail } : {}),
        at: observedAt,
      });
    }
    return result;
  }

  /**
   * Properties and members through the first reader the service still lets in (a removed member may be refused),
   * then the messages as the member whose shareHistoryTime reaches furthest back.
   */
  private async readThread(thread: DiscoveredThread): Promise<{
    properties: ThreadProperties;
    participants?: ParticipantSnapshot[];
    messages: Awaited<ReturnType<ChatReader["messages"]>>;
    deleted?: boolean;
    unreachable?: string;
  }> {
    const { reader } = this.options;
    const listed: ThreadProperties = {
      id: thread.threadId,
      topic: thread.topic,
      ...(thread.deletedOn ? { deletedOn: thread.deletedOn } : {}),
    };
    // "The ListMessages API can't return the history of a thread if the thread is deleted" (chat concepts).
    if (thread.deletedOn) return { properties: listed, messages: [], deleted: true };
    const refusals: string[] = [];
    for (const userId of thread.readers) {
      let properties: ThreadProperties;
      let participants: ParticipantSnapshot[];
      try {
        properties = await reader.properties(userId, thread.threadId);
        participants = await reader.participants(userId, thread.threadId);
      } catch (error) {
        if (statusCode(error) === 404) return { properties: listed, messages: [], deleted: true };
        if (statusCode(error) === 403 || statusCode(error) === 401) {
          refusals.push(`${statusCode(error)}`);
          continue;
        }
        throw error;
      }
      const best = bestReader(thread.readers, participants) ?? userId;
      return { properties, participants, messages: await reader.messages(best, thread.threadId) };
    }
    return {
      properties: listed,
      messages: [],
      unreachable: `none of the ${thread.readers.length} mapped identities listing it may read it (HTTP ${refusals.join(", ")})`,
    };
  }
}
