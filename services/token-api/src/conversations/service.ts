// The conversations use cases (create, read, add, remove, delete, list, join, leave all) over the conversation store,
// ACS chat as the server identity and the identity mapping, independent of HTTP.
import type { CallerIdentity } from "../auth";
import type { Deadline } from "../deadline";
import type { ChatGateway, ThreadSpec } from "./chat";
import { ConversationNotFoundError, ForbiddenError, LimitExceededError, ThreadGoneError } from "./errors";
import { ACS_CHAT_LIMITS, MAX_APP_PARTICIPANTS } from "./limits";
import { newCreateToken, type ConversationRecord, type ConversationStore, type MembershipItem, type ParticipantRecord } from "./store";

export interface ParticipantInput {
  subject: string;
  displayName?: string;
}

export interface ConversationInput {
  topic: string;
  participants?: ParticipantInput[];
  retentionDays?: number | null;
  metadata?: Record<string, string>;
}

export interface ConversationDocument {
  type: string;
  id: string;
  threadId: string;
  topic: string;
  participants: Array<{ subject: string; displayName: string }>;
  retentionDays: number | null;
  metadata: Record<string, string>;
  createdAt: string;
}

/** Maps app users (of the configured issuer) to ACS identities, creating them as POST /api/token does (TokenService). */
export interface IdentityResolver {
  identityOf(caller: CallerIdentity, deadline: Deadline): Promise<string>;
}

/**
 * The platform's server identity: one mapping row under an issuer no token can carry (OIDC_ISSUER must be an http(s)
 * URL), so it is created once, race-safe, by the mapping store's conditional insert, and is the same on every
 * instance, across restarts and key rotations (an ACS identity outlives keys; only its tokens are per key).
 */
export const SERVER_IDENTITY: CallerIdentity = { issuer: "urn:acs-platform:server-identity", subject: "conversations" };

/** How long a PUT that lost the insert waits for the winner's thread before creating it itself (same token, same thread). */
const CREATION_WAIT = { polls: 6, everyMs: 150 } as const;
/** Identities resolved at once for a batch (each may create an ACS identity). */
const RESOLVE_CONCURRENCY = 8;
const DAY_MS = 24 * 3600 * 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mapLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class ConversationService {
  constructor(
    private readonly store: ConversationStore,
    private readonly chat: ChatGateway,
    private readonly identities: IdentityResolver,
    /** The configured OIDC issuer: participants' subjects are its users. */
    private readonly issuer: string,
    private readonly now: () => number = Date.now,
  ) {}

  private spec(record: ConversationRecord): ThreadSpec {
    return { topic: record.topic, retentionDays: record.retentionDays, metadata: record.metadata };
  }

  /** A thread past its retention (createdOn + deleteThreadAfterDays) is gone at ACS without any call telling us. */
  private expired(record: ConversationRecord): boolean {
    return record.retentionDays !== null && Date.parse(record.createdAt) + record.retentionDays * DAY_MS <= this.now();
  }

  private async document(record: ConversationRecord, deadline: Deadline): Promise<ConversationDocument> {
    const participants = await this.store.participants(record.type, record.id, deadline);
    return {
      type: record.type,
      id: record.id,
      threadId: record.threadId,
      topic: record.topic,
      participants: participants.map((p) => ({ subject: p.subject, displayName: p.displayName })),
      retentionDays: record.retentionDays,
      metadata: record.metadata,
      createdAt: record.createdAt,
    };
  }

  /** Brings a `creating` record to `ready`: every attempt sends the record's token, so all of them get one thread. */
  private async finishCreation(record: ConversationRecord, deadline: Deadline, wait: boolean): Promise<ConversationRecord | undefined> {
    let current: ConversationRecord | undefined = record;
    for (let poll = 0; wait && current?.state === "creating" && poll < CREATION_WAIT.polls; poll++) {
      await sleep(CREATION_WAIT.everyMs);
      current = await this.store.get(record.type, record.id, deadline);
    }
    if (!current || current.state === "ready") return current;
    const threadId = await this.chat.createThread(this.spec(current), current.createToken, deadline);
    const written = await this.store.replace({ ...current, state: "ready", threadId }, deadline);
    if (written.record && written.record.createToken !== current.createToken) {
      // Replaced by a re-creation with another token meanwhile: ours would be an orphan thread.
      await this.chat.deleteThread(threadId, deadline);
    }
    return written.record;
  }

  /** A fresh `creating` record in place of one whose thread ACS no longer has. */
  private async recreate(record: ConversationRecord, deadline: Deadline): Promise<ConversationRecord | undefined> {
    const fresh = {
      ...record,
      state: "creating" as const,
      threadId: "",
      createToken: newCreateToken(),
      createdAt: new Date(this.now()).toISOString(),
    };
    const written = await this.store.replace(fresh, deadline);
    return written.record;
  }

  private async resolve(participants: ParticipantInput[], deadline: Deadline): Promise<ParticipantRecord[]> {
    return mapLimited(participants, RESOLVE_CONCURRENCY, async (p) => ({
      subject: p.subject,
      displayName: p.displayName ?? "",
      acsUserId: await this.identities.identityOf({ issuer: this.issuer, subject: p.subject }, deadline),
    }));
  }

  /** Adds at ACS first, then the rows: a row always means a member; a failure after the add is repaired by a retry. */
  private async addAll(record: ConversationRecord, wanted: ParticipantRecord[], deadline: Deadline): Promise<void> {
    for (let start = 0; start < wanted.length; start += ACS_CHAT_LIMITS.participantsPerBatch) {
      const batch = wanted.slice(start, start + ACS_CHAT_LIMITS.participantsPerBatch);
      await this.chat.addMembers(record.threadId, batch, deadline);
    }
    for (const participant of wanted) await this.store.putParticipant(record, participant, deadline);
  }

  private async checkCapacity(record: ConversationRecord, adding: ParticipantInput[], deadline: Deadline, field: string): Promise<void> {
    const existing = new Set((await this.store.participants(record.type, record.id, deadline)).map((p) => p.subject));
    const added = new Set(adding.map((p) => p.subject).filter((s) => !existing.has(s)));
    if (existing.size + added.size > MAX_APP_PARTICIPANTS) {
      throw new LimitExceededError(
        field,
        `a conversation holds at most ${MAX_APP_PARTICIPANTS} participants (ACS allows ${ACS_CHAT_LIMITS.participantsPerThread} per thread, one is the platform); it has ${existing.size}, this adds ${added.size}`,
      );
    }
  }

  /** PUT: creates the conversation (or finds it) and makes sure the listed participants are members. */
  async put(
    type: string,
    id: string,
    input: ConversationInput,
    deadline: Deadline,
  ): Promise<{ created: boolean; document: ConversationDocument }> {
    const wanted = input.participants ?? [];
    let created = false;
    let record = await this.store.get(type, id, deadline);
    for (let attempt = 0; attempt < 4; attempt++) {
      if (!record) {
        const inserted = await this.store.insert(
          {
            type,
            id,
            topic: input.topic,
            state: "creating",
            threadId: "",
            createToken: newCreateToken(),
            retentionDays: input.retentionDays ?? null,
            metadata: input.metadata ?? {},
            createdAt: new Date(this.now()).toISOString(),
          },
          deadline,
        );
        created = inserted.won;
        record = inserted.record;
        if (record.state === "creating") record = await this.finishCreation(record, deadline, !inserted.won);
        continue;
      }
      if (record.state === "creating") {
        record = await this.finishCreation(record, deadline, true);
        continue;
      }
      if (this.expired(record)) {
        record = await this.recreate(record, deadline);
        created = true;
        continue;
      }
      await this.checkCapacity(record, wanted, deadline, "participants");
      try {
        const stored = await this.store.participants(type, id, deadline);
        const resolved = await this.resolve(wanted, deadline);
        if (resolved.length > 0) await this.addAll(record, resolved, deadline);
        else await this.chat.assertThread(record.threadId, deadline);
        if (created && stored.length > 0) {
          // A re-created thread: everyone the records list joins the new thread too.
          const missing = stored.filter((p) => !resolved.some((r) => r.subject === p.subject));
          if (missing.length > 0) await this.addAll(record, missing, deadline);
        }
      } catch (error) {
        if (!(error instanceof ThreadGoneError)) throw error;
        record = await this.recreate(record, deadline);
        created = true;
        continue;
      }
      return { created, document: await this.document(record, deadline) };
    }
    throw new ThreadGoneError();
  }

  private async ready(type: string, id: string, deadline: Deadline): Promise<ConversationRecord> {
    const record = await this.store.get(type, id, deadline);
    if (!record || record.state !== "ready") throw new ConversationNotFoundError();
    if (this.expired(record)) throw new ThreadGoneError();
    return record;
  }

  /** GET as a service caller. */
  async get(type: string, id: string, deadline: Deadline): Promise<ConversationDocument> {
    return this.document(await this.ready(type, id, deadline), deadline);
  }

  /** GET as an end user: 404 unless the caller is a participant, whether or not the conversation exists. */
  async getAsMember(caller: CallerIdentity, type: string, id: string, deadline: Deadline): Promise<ConversationDocument> {
    if (caller.issuer !== this.issuer) throw new ConversationNotFoundError();
    const member = await this.store.participant(type, id, caller.subject, deadline);
    if (!member) throw new ConversationNotFoundError();
    return this.get(type, id, deadline);
  }

  /** Adds participants to an existing conversation (PUT one, POST a batch). */
  async addParticipants(type: string, id: string, participants: ParticipantInput[], deadline: Deadline): Promise<ConversationDocument> {
    const record = await this.ready(type, id, deadline);
    await this.checkCapacity(record, participants, deadline, "participants");
    await this.addAll(record, await this.resolve(participants, deadline), deadline);
    return this.document(record, deadline);
  }

  /** Removes at ACS first (their next chat call on the thread fails), then the rows. Idempotent. */
  async removeParticipant(type: string, id: string, subject: string, deadline: Deadline): Promise<void> {
    const record = await this.store.get(type, id, deadline);
    if (!record) throw new ConversationNotFoundError();
    const participant = await this.store.participant(type, id, subject, deadline);
    if (!participant) return;
    if (record.state === "ready") {
      try {
        await this.chat.removeMember(record.threadId, participant.acsUserId, deadline);
      } catch (error) {
        if (!(error instanceof ThreadGoneError)) throw error;
      }
    }
    await this.store.removeParticipant(type, id, subject, deadline);
  }

  /** Deletes the thread (also one a creation left half-done), then the rows, the record last, so a retry finishes any partial delete. */
  async delete(type: string, id: string, deadline: Deadline): Promise<void> {
    const record = await this.store.get(type, id, deadline);
    if (!record) return;
    // A `creating` record may have a thread already: asking with its token returns that thread (or makes one), which is then deleted.
    const threadId =
      record.state === "ready" ? record.threadId : await this.chat.createThread(this.spec(record), record.createToken, deadline);
    await this.chat.deleteThread(threadId, deadline);
    for (const participant of await this.store.participants(type, id, deadline)) {
      await this.store.removeParticipant(type, id, participant.subject, deadline);
    }
    await this.store.remove(type, id, deadline);
  }

  /** The caller's conversations, a page at a time. */
  async list(
    caller: CallerIdentity,
    limit: number,
    next: string | undefined,
    deadline: Deadline,
  ): Promise<{ items: MembershipItem[]; next?: string }> {
    if (caller.issuer !== this.issuer) return { items: [] };
    return this.store.memberships(caller.subject, limit, next, deadline);
  }

  /** POST .../join: a user holding one of the type's join roles joins any conversation of that type. */
  async join(
    caller: CallerIdentity,
    roles: readonly string[],
    joinRoles: readonly string[],
    type: string,
    id: string,
    displayName: string | undefined,
    deadline: Deadline,
  ): Promise<ConversationDocument> {
    if (!roles.some((role) => joinRoles.includes(role))) {
      throw new ForbiddenError(
        `Joining a ${type} conversation needs one of the roles: ${joinRoles.length ? joinRoles.join(", ") : "(none configured)"}.`,
      );
    }
    if (caller.issuer !== this.issuer) throw new ConversationNotFoundError();
    return this.addParticipants(type, id, [{ subject: caller.subject, ...(displayName ? { displayName } : {}) }], deadline);
  }

  /** DELETE /api/me: leaves every conversation first (at ACS and in the records), before the identity is erased. */
  async leaveAll(caller: CallerIdentity, deadline: Deadline): Promise<number> {
    if (caller.issuer !== this.issuer) return 0;
    let left = 0;
    for (let guard = 0; guard < 100; guard++) {
      const page = await this.store.memberships(caller.subject, 100, undefined, deadline);
      for (const item of page.items) {
        try {
          await this.removeParticipant(item.type, item.id, caller.subject, deadline);
        } catch (error) {
          if (!(error instanceof ConversationNotFoundError)) throw error;
          // The conversation is gone: only the stale list row is left.
          await this.store.removeParticipant(item.type, item.id, caller.subject, deadline);
        }
        left++;
      }
      if (!page.next) break;
    }
    return left;
  }
}
