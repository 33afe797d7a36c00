// The chat archive's record model: one JSONL line per thread snapshot, participant snapshot or message version, each
// keyed by a hash of its content so the bulk export, a re-run and `--follow` never write the same state twice.
import { createHash } from "node:crypto";

/** Thread properties as GetChatThreadProperties returns them (Chat REST 2025-03-15 `ChatThreadProperties`). */
export interface ThreadProperties {
  id: string;
  topic: string;
  createdOn?: string;
  createdBy?: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
  retentionPolicy?: Record<string, unknown>;
}

export interface ParticipantSnapshot {
  id: string;
  displayName?: string;
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}

/** One version of a message as ListChatMessages returns it (latest edit, `deletedOn` once deleted). */
export interface MessageVersion {
  id: string;
  type: string;
  sequenceId: string;
  version: string;
  createdOn: string;
  editedOn?: string;
  deletedOn?: string;
  senderId?: string;
  senderDisplayName?: string;
  content?: Record<string, unknown>;
  metadata?: Record<string, string>;
}

export type ArchiveRecord =
  | { kind: "thread"; threadId: string; hash: string; observedAt: string; properties: ThreadProperties }
  | { kind: "participants"; threadId: string; hash: string; observedAt: string; participants: ParticipantSnapshot[] }
  | { kind: "message"; threadId: string; hash: string; observedAt: string; message: MessageVersion };

/** JSON with sorted keys and no undefined members, so equal content hashes equally whatever the SDK's key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export const contentHash = (value: unknown): string => createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 32);

/** Blob-name-safe, fixed-length folder name of a thread (thread ids contain `:` and `@`). */
export const threadFolder = (threadId: string): string => createHash("sha256").update(threadId).digest("hex");

/** What the archive holds for one thread: the latest archived hash of each message, of the properties and of the members. */
export interface ArchivedState {
  messages: Map<string, string>;
  thread?: string;
  participants?: string;
  records: number;
}

export const emptyState = (): ArchivedState => ({ messages: new Map(), records: 0 });

/** Folds records (segment order = write order) into what the archive holds. */
export function fold(state: ArchivedState, records: ArchiveRecord[]): ArchivedState {
  for (const record of records) {
    state.records++;
    if (record.kind === "message") state.messages.set(record.message.id, record.hash);
    else if (record.kind === "thread") state.thread = record.hash;
    else state.participants = record.hash;
  }
  return state;
}

/** The records a fresh read of a thread adds to `state`: only content the archive does not hold as its latest. */
export function newRecords(
  state: ArchivedState,
  read: { threadId: string; properties: ThreadProperties; participants?: ParticipantSnapshot[]; messages: MessageVersion[] },
  observedAt: string,
): ArchiveRecord[] {
  const out: ArchiveRecord[] = [];
  const threadHash = contentHash(read.properties);
  if (state.thread !== threadHash) {
    out.push({ kind: "thread", threadId: read.threadId, hash: threadHash, observedAt, properties: read.properties });
  }
  if (read.participants) {
    const sorted = [...read.participants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const hash = contentHash(sorted);
    if (state.participants !== hash) out.push({ kind: "participants", threadId: read.threadId, hash, observedAt, participants: sorted });
  }
  // Oldest first, so a reader of the JSONL sees the conversation in order (the API lists newest first).
  const messages = [...read.messages].sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId));
  for (const message of messages) {
    const hash = contentHash(message);
    if (state.messages.get(message.id) !== hash) out.push({ kind: "message", threadId: read.threadId, hash, observedAt, message });
  }
  return out;
}

/** Parses one segment's JSONL, naming the line that is not a record. */
export function parseSegment(text: string, name: string): ArchiveRecord[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        const record = JSON.parse(line) as ArchiveRecord;
        if (!["thread", "participants", "message"].includes(record.kind)) throw new Error(`unknown kind ${String(record.kind)}`);
        return record;
      } catch (error) {
        throw new Error(`segment ${name} line ${i + 1} is not an archive record: ${(error as Error).message}`);
      }
    });
}

export const toJsonl = (records: ArchiveRecord[]): string => records.map((r) => JSON.stringify(r)).join("\n") + "\n";
