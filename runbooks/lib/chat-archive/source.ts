// Reads chat from ACS the only way the service allows: as a participant. Every identity in the token API's mapping
// table gets a `chat.join.limited` token minted through the identity API, lists its threads and reads them.
//
// Sources (Microsoft Learn): no resource-level read of chat exists, "only thread participants can send or receive
// messages" (https://learn.microsoft.com/azure/communication-services/concepts/chat/concepts); `chat.join.limited`
// may get threads, a thread, its messages and participants
// (https://learn.microsoft.com/azure/communication-services/concepts/identity-model); ListMessages returns the latest
// version of each message with `editedOn` / `deletedOn`
// (https://learn.microsoft.com/azure/communication-services/quickstarts/chat/get-started?pivots=programming-language-javascript).
import type { ChatClient, ChatMessage, ChatParticipant, ChatThreadProperties } from "@azure/communication-chat";
import { getIdentifierRawId, type CommunicationIdentifierKind } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import type { TableClient } from "@azure/data-tables";
import type { MessageVersion, ParticipantSnapshot, ThreadProperties } from "./records";

/** The least-privilege scope that reads threads, participants and messages (identity-model, "Chat token scopes"). */
export const ARCHIVE_READ_SCOPE = "chat.join.limited";

/** A thread some identity the platform can act as lists. */
export interface DiscoveredThread {
  threadId: string;
  topic: string;
  deletedOn?: string;
  /** ACS user ids able to read it, in the order they were found. */
  readers: string[];
}

/**
 * One place chat threads come from. Today: the mapping table's identities. Managed conversations (threads the
 * platform creates with its own server identity) plug in as another source listing their threads and that identity.
 */
export interface ThreadSource {
  name: string;
  discover(onProgress?: (identities: number) => void): Promise<DiscoveredThread[]>;
}

/** A full read of one thread as `reader`. */
export interface ThreadRead {
  properties: ThreadProperties;
  participants: ParticipantSnapshot[];
  messages: MessageVersion[];
}

/** Reads threads as an identity; tokens minted on demand and cached per identity. */
export interface ChatReader {
  listThreads(userId: string): Promise<Array<{ id: string; topic: string; deletedOn?: string }>>;
  properties(userId: string, threadId: string): Promise<ThreadProperties>;
  participants(userId: string, threadId: string): Promise<ParticipantSnapshot[]>;
  messages(userId: string, threadId: string): Promise<MessageVersion[]>;
  message(userId: string, threadId: string, messageId: string): Promise<MessageVersion>;
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);
const rawId = (id: CommunicationIdentifierKind | undefined) => (id ? getIdentifierRawId(id) : undefined);

export function toProperties(p: ChatThreadProperties): ThreadProperties {
  return {
    id: p.id,
    topic: p.topic,
    createdOn: iso(p.createdOn),
    createdBy: rawId(p.createdBy),
    deletedOn: iso(p.deletedOn),
    metadata: p.metadata && Object.keys(p.metadata).length > 0 ? p.metadata : undefined,
    retentionPolicy: p.retentionPolicy as Record<string, unknown> | undefined,
  };
}

export function toParticipant(p: ChatParticipant): ParticipantSnapshot {
  return {
    id: getIdentifierRawId(p.id),
    displayName: p.displayName || undefined,
    shareHistoryTime: iso(p.shareHistoryTime),
    metadata: p.metadata && Object.keys(p.metadata).length > 0 ? p.metadata : undefined,
  };
}

export function toMessage(m: ChatMessage): MessageVersion {
  const content = m.content
    ? {
        message: m.content.message,
        topic: m.content.topic,
        participants: m.content.participants?.map(toParticipant),
        initiator: rawId(m.content.initiator),
        attachments: m.content.attachments,
      }
    : undefined;
  return {
    id: m.id,
    type: m.type,
    sequenceId: m.sequenceId,
    version: m.version,
    createdOn: m.createdOn.toISOString(),
    editedOn: iso(m.editedOn),
    deletedOn: iso(m.deletedOn),
    senderId: rawId(m.sender),
    senderDisplayName: m.senderDisplayName || undefined,
    content: content && Object.values(content).some((v) => v !== undefined) ? content : undefined,
    metadata: m.metadata && Object.keys(m.metadata).length > 0 ? m.metadata : undefined,
  };
}

/** The SDK-backed reader: a chat.join.limited token per identity (minted once, renewed by the credential). */
export function sdkChatReader(identity: CommunicationIdentityClient, chatClientFor: (token: string) => ChatClient): ChatReader {
  const clients = new Map<string, Promise<ChatClient>>();
  const client = (userId: string) => {
    let existing = clients.get(userId);
    if (!existing) {
      existing = identity.getToken({ communicationUserId: userId }, [ARCHIVE_READ_SCOPE]).then((t) => chatClientFor(t.token));
      existing.catch(() => clients.delete(userId));
      clients.set(userId, existing);
    }
    return existing;
  };
  const thread = async (userId: string, threadId: string) => (await client(userId)).getChatThreadClient(threadId);
  return {
    async listThreads(userId) {
      const out: Array<{ id: string; topic: string; deletedOn?: string }> = [];
      for await (const item of (await client(userId)).listChatThreads({ maxPageSize: 200 })) {
        out.push({ id: item.id, topic: item.topic, deletedOn: iso(item.deletedOn) });
      }
      return out;
    },
    properties: async (userId, threadId) => toProperties(await (await thread(userId, threadId)).getProperties()),
    async participants(userId, threadId) {
      const out: ParticipantSnapshot[] = [];
      for await (const p of (await thread(userId, threadId)).listParticipants()) out.push(toParticipant(p));
      return out;
    },
    async messages(userId, threadId) {
      const out: MessageVersion[] = [];
      // 200 is the service's page limit (service-limits, "Chat": list chat messages page size).
      for await (const m of (await thread(userId, threadId)).listMessages({ maxPageSize: 200 })) out.push(toMessage(m));
      return out;
    },
    message: async (userId, threadId, messageId) => toMessage(await (await thread(userId, threadId)).getMessage(messageId)),
  };
}

/** The ACS user ids in the token API's mapping table (column `acsUserId`, services/token-api/src/mappingStore.ts). */
export async function mappedIdentities(table: TableClient): Promise<string[]> {
  const ids = new Set<string>();
  for await (const row of table.listEntities<{ acsUserId?: string }>({ queryOptions: { select: ["acsUserId"] } })) {
    if (typeof row.acsUserId === "string" && row.acsUserId !== "") ids.add(row.acsUserId);
  }
  return [...ids].sort();
}

/** Threads of every mapped identity, merged: each thread once, with every identity that lists it as a reader. */
export function mappingTableSource(identities: () => Promise<string[]>, reader: ChatReader, concurrency: number): ThreadSource {
  return {
    name: "mapping table",
    async discover(onProgress) {
      const ids = await identities();
      const threads = new Map<string, DiscoveredThread>();
      let done = 0;
      await forEachLimited(ids, concurrency, async (userId) => {
        let listed: Awaited<ReturnType<ChatReader["listThreads"]>>;
        try {
          listed = await reader.listThreads(userId);
        } catch (error) {
          // A mapped identity ACS no longer knows (erased) lists nothing; its threads come through other members.
          if ((error as { statusCode?: number }).statusCode === 404 || (error as { statusCode?: number }).statusCode === 401) return;
          throw error;
        }
        for (const item of listed) {
          const known = threads.get(item.id);
          if (known) known.readers.push(userId);
          else threads.set(item.id, { threadId: item.id, topic: item.topic, deletedOn: item.deletedOn, readers: [userId] });
        }
        onProgress?.(++done);
      });
      for (const t of threads.values()) t.readers.sort();
      return [...threads.values()].sort((a, b) => (a.threadId < b.threadId ? -1 : 1));
    },
  };
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure rejects after the running ones settle. */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}
