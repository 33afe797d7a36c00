// Conversations, their participants and each user's conversation list, in the identity mapping's Table Storage table,
// written with ETags and conditional inserts like the mapping (mappingStore.ts), so every instance sees one state.
import { createHash, randomUUID } from "node:crypto";
import { odata } from "@azure/data-tables";
import type { Deadline } from "../deadline";
import { ServiceUnavailableError, ValidationError } from "../errors";
import { isTableNotFound, openTable, statusOf, type TableAccessOptions } from "../tableAccess";

/** One conversation's record. `threadId` is empty while `state` is `creating` (the thread may or may not exist yet). */
export interface ConversationRecord {
  type: string;
  id: string;
  topic: string;
  state: "creating" | "ready";
  threadId: string;
  /** The `repeatability-request-id` every creation attempt of this record sends, so all of them get one thread. */
  createToken: string;
  retentionDays: number | null;
  metadata: Record<string, string>;
  createdAt: string;
  etag: string;
}

export interface ParticipantRecord {
  subject: string;
  displayName: string;
  acsUserId: string;
}

export interface MembershipItem {
  type: string;
  id: string;
  threadId: string;
  topic: string;
}

export interface ConversationStore {
  get(type: string, id: string, deadline: Deadline): Promise<ConversationRecord | undefined>;
  /** Conditional insert of a `creating` record; resolves to the record that holds and whether it is ours. */
  insert(record: Omit<ConversationRecord, "etag">, deadline: Deadline): Promise<{ record: ConversationRecord; won: boolean }>;
  /** Conditional replace (ETag); resolves to the record that holds afterwards and whether ours was written. */
  replace(record: ConversationRecord, deadline: Deadline): Promise<{ record: ConversationRecord | undefined; won: boolean }>;
  remove(type: string, id: string, deadline: Deadline): Promise<void>;
  participants(type: string, id: string, deadline: Deadline): Promise<ParticipantRecord[]>;
  participant(type: string, id: string, subject: string, deadline: Deadline): Promise<ParticipantRecord | undefined>;
  /** Upserts the participant row and the user's membership row (both idempotent). */
  putParticipant(conversation: ConversationRecord, participant: ParticipantRecord, deadline: Deadline): Promise<void>;
  /** Deletes both rows; missing rows count as deleted. */
  removeParticipant(type: string, id: string, subject: string, deadline: Deadline): Promise<void>;
  /** The user's conversations, a page at a time (`next` is opaque). */
  memberships(
    subject: string,
    limit: number,
    next: string | undefined,
    deadline: Deadline,
  ): Promise<{ items: MembershipItem[]; next?: string }>;
}

const hash = (value: string) => createHash("sha256").update(value).digest("hex");
/** Keys avoid the characters Table Storage forbids in keys (/ \ # ? and control characters): hashes, plain values kept as properties. */
const conversationKeys = (type: string, id: string) => ({ partitionKey: `conversation.${type}`, rowKey: hash(id) });
const participantPartition = (type: string, id: string) => `participants.${type}.${hash(id)}`;
const membershipPartition = (subject: string) => `memberships.${hash(subject)}`;
const membershipRow = (type: string, id: string) => `${type}.${hash(id)}`;

const unavailable = () => new ServiceUnavailableError("mapping_store_unavailable", "The conversation store is unavailable; retry later.");

interface ConversationEntity {
  kind: string;
  type: string;
  id: string;
  topic: string;
  state: string;
  threadId: string;
  createToken: string;
  retentionDays: number;
  metadata: string;
  createdAt: string;
}

const toRecord = (e: ConversationEntity & { etag?: string }): ConversationRecord => ({
  type: e.type,
  id: e.id,
  topic: e.topic,
  state: e.state === "ready" ? "ready" : "creating",
  threadId: e.threadId ?? "",
  createToken: e.createToken,
  retentionDays: typeof e.retentionDays === "number" && e.retentionDays > 0 ? e.retentionDays : null,
  metadata: e.metadata ? (JSON.parse(e.metadata) as Record<string, string>) : {},
  createdAt: e.createdAt,
  etag: e.etag ?? "",
});

const toEntity = (r: Omit<ConversationRecord, "etag">) => ({
  ...conversationKeys(r.type, r.id),
  kind: "conversation",
  type: r.type,
  id: r.id,
  topic: r.topic,
  state: r.state,
  threadId: r.threadId,
  createToken: r.createToken,
  retentionDays: r.retentionDays ?? 0,
  metadata: JSON.stringify(r.metadata),
  createdAt: r.createdAt,
});

/** Where the conversation table lives (tableAccess.ts). */
export type TableConversationStoreOptions = TableAccessOptions;

/** A fresh creation token (a version 4 UUID, as the chat SDK recommends for `idempotencyToken`). */
export const newCreateToken = (): string => randomUUID();

export function createTableConversationStore(options: TableConversationStoreOptions): ConversationStore {
  const { table, guarded } = openTable(options, "conversation table", unavailable);
  const read = async (type: string, id: string, signal: AbortSignal) => {
    const { partitionKey, rowKey } = conversationKeys(type, id);
    try {
      return toRecord(await table.getEntity<ConversationEntity>(partitionKey, rowKey, { abortSignal: signal }));
    } catch (error) {
      if (statusOf(error) === 404 && !isTableNotFound(error)) return undefined;
      throw error;
    }
  };
  const deleteQuietly = async (partitionKey: string, rowKey: string, signal: AbortSignal) => {
    try {
      await table.deleteEntity(partitionKey, rowKey, { abortSignal: signal });
    } catch (error) {
      if (statusOf(error) !== 404 || isTableNotFound(error)) throw error;
    }
  };

  return {
    get: (type, id, deadline) => guarded(deadline, (signal) => read(type, id, signal())),
    insert: (record, deadline) =>
      guarded(deadline, async (signal) => {
        let uncertain = false;
        try {
          await table.createEntity(toEntity(record), { abortSignal: signal() });
        } catch (error) {
          if (isTableNotFound(error)) throw error;
          if (statusOf(error) !== 409) uncertain = true;
        }
        // Whatever the answer, the row says who holds it: a lost answer after a committed insert shows our token.
        const holder = await read(record.type, record.id, signal());
        if (holder) return { record: holder, won: holder.createToken === record.createToken };
        // No row: our insert failed for sure (409 means a row existed: deleted in between) or its outcome is unknown.
        // Either way the caller's retry starts over with a new insert.
        void uncertain;
        throw unavailable();
      }),
    replace: (record, deadline) =>
      guarded(deadline, async (signal) => {
        try {
          await table.updateEntity(toEntity(record), "Replace", { etag: record.etag, abortSignal: signal() });
        } catch (error) {
          if (isTableNotFound(error)) throw error;
          // 412 (changed) and 404 (gone) are definite; anything else is an unknown outcome. The re-read decides all.
        }
        const holder = await read(record.type, record.id, signal());
        const won =
          holder !== undefined &&
          holder.createToken === record.createToken &&
          holder.state === record.state &&
          holder.threadId === record.threadId;
        return { record: holder, won };
      }),
    remove: (type, id, deadline) =>
      guarded(deadline, async (signal) => {
        const { partitionKey, rowKey } = conversationKeys(type, id);
        await deleteQuietly(partitionKey, rowKey, signal());
      }),
    participants: (type, id, deadline) =>
      guarded(deadline, async (signal) => {
        const found: ParticipantRecord[] = [];
        const rows = table.listEntities<ParticipantRecord>({
          queryOptions: {
            filter: odata`PartitionKey eq ${participantPartition(type, id)}`,
            select: ["subject", "displayName", "acsUserId"],
          },
          abortSignal: signal(),
        });
        for await (const row of rows) found.push({ subject: row.subject, displayName: row.displayName ?? "", acsUserId: row.acsUserId });
        return found.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
      }),
    participant: (type, id, subject, deadline) =>
      guarded(deadline, async (signal) => {
        try {
          const row = await table.getEntity<ParticipantRecord>(participantPartition(type, id), hash(subject), { abortSignal: signal() });
          return { subject: row.subject, displayName: row.displayName ?? "", acsUserId: row.acsUserId };
        } catch (error) {
          if (statusOf(error) === 404 && !isTableNotFound(error)) return undefined;
          throw error;
        }
      }),
    putParticipant: (conversation, participant, deadline) =>
      guarded(deadline, async (signal) => {
        // The membership row first: a user listed as a participant can always find the conversation in their list.
        await table.upsertEntity(
          {
            partitionKey: membershipPartition(participant.subject),
            rowKey: membershipRow(conversation.type, conversation.id),
            type: conversation.type,
            id: conversation.id,
            threadId: conversation.threadId,
            topic: conversation.topic,
          },
          "Replace",
          { abortSignal: signal() },
        );
        await table.upsertEntity(
          { partitionKey: participantPartition(conversation.type, conversation.id), rowKey: hash(participant.subject), ...participant },
          "Replace",
          { abortSignal: signal() },
        );
      }),
    removeParticipant: (type, id, subject, deadline) =>
      guarded(deadline, async (signal) => {
        // The participant row first: once it is gone the user is refused, whatever happens to the list row.
        await deleteQuietly(participantPartition(type, id), hash(subject), signal());
        await deleteQuietly(membershipPartition(subject), membershipRow(type, id), signal());
      }),
    memberships: (subject, limit, next, deadline) =>
      guarded(deadline, async (signal) => {
        const pages = table
          .listEntities<MembershipItem>({
            queryOptions: { filter: odata`PartitionKey eq ${membershipPartition(subject)}`, select: ["type", "id", "threadId", "topic"] },
            abortSignal: signal(),
          })
          .byPage({ maxPageSize: limit, ...(next ? { continuationToken: next } : {}) });
        let page;
        try {
          ({ value: page } = await pages.next());
        } catch (error) {
          // A `next` the SDK cannot decode fails before any request (no HTTP status): the caller's input, not an outage.
          // (@azure/data-tables decodeContinuationToken: base64, then JSON.parse, which throws SyntaxError.)
          if (next && error instanceof SyntaxError) throw new ValidationError("next", "is not a continuation token from an earlier page");
          throw error;
        }
        if (!page) return { items: [] };
        const items = [...page].map((row) => ({ type: row.type, id: row.id, threadId: row.threadId, topic: row.topic }));
        return page.continuationToken ? { items, next: page.continuationToken } : { items };
      }),
  };
}
