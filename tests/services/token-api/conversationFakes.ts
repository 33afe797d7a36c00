// In-memory stand-ins for the conversations API's dependencies (store, ACS chat, identities, authenticator), for app.inject tests.
import { createLogger } from "../../../services/token-api/src/logger";
import { buildApp } from "../../../services/token-api/src/app";
import type { Authenticator, VerifiedToken } from "../../../services/token-api/src/auth";
import { loadConfig } from "../../../services/token-api/src/config";
import type { ChatGateway, ChatMember, ThreadSpec } from "../../../services/token-api/src/conversations/chat";
import { ThreadGoneError } from "../../../services/token-api/src/conversations/errors";
import { ConversationService } from "../../../services/token-api/src/conversations/service";
import type {
  ConversationRecord,
  ConversationStore,
  MembershipItem,
  ParticipantRecord,
} from "../../../services/token-api/src/conversations/store";
import { AuthenticationError } from "../../../services/token-api/src/errors";
import { fakeService, noMetrics } from "./fakes";

export const ISSUER = "https://issuer.example.test/";

export class MemoryConversationStore implements ConversationStore {
  readonly records = new Map<string, ConversationRecord>();
  readonly parts = new Map<string, Map<string, ParticipantRecord>>();
  readonly members = new Map<string, Map<string, MembershipItem>>();
  private etags = 0;
  /** Fails the next call of the named method once (a partial failure). */
  failNext = new Set<string>();
  private fail(name: string) {
    if (this.failNext.delete(name)) throw new Error(`injected ${name} failure`);
  }
  private key = (type: string, id: string) => `${type}\n${id}`;
  async get(type: string, id: string) {
    const record = this.records.get(this.key(type, id));
    return record ? { ...record } : undefined;
  }
  async insert(record: Omit<ConversationRecord, "etag">) {
    this.fail("insert");
    const existing = this.records.get(this.key(record.type, record.id));
    if (existing) return { record: { ...existing }, won: false };
    const written = { ...record, etag: `e${++this.etags}` };
    this.records.set(this.key(record.type, record.id), written);
    return { record: { ...written }, won: true };
  }
  async replace(record: ConversationRecord) {
    this.fail("replace");
    const current = this.records.get(this.key(record.type, record.id));
    if (!current || current.etag !== record.etag) return { record: current ? { ...current } : undefined, won: false };
    const written = { ...record, etag: `e${++this.etags}` };
    this.records.set(this.key(record.type, record.id), written);
    return { record: { ...written }, won: true };
  }
  async remove(type: string, id: string) {
    this.records.delete(this.key(type, id));
  }
  async participants(type: string, id: string) {
    return [...(this.parts.get(this.key(type, id))?.values() ?? [])].sort((a, b) => (a.subject < b.subject ? -1 : 1));
  }
  async participant(type: string, id: string, subject: string) {
    return this.parts.get(this.key(type, id))?.get(subject);
  }
  async putParticipant(conversation: ConversationRecord, participant: ParticipantRecord) {
    this.fail("putParticipant");
    const key = this.key(conversation.type, conversation.id);
    if (!this.members.has(participant.subject)) this.members.set(participant.subject, new Map());
    this.members.get(participant.subject)!.set(key, {
      type: conversation.type,
      id: conversation.id,
      threadId: conversation.threadId,
      topic: conversation.topic,
    });
    if (!this.parts.has(key)) this.parts.set(key, new Map());
    this.parts.get(key)!.set(participant.subject, { ...participant });
  }
  async removeParticipant(type: string, id: string, subject: string) {
    this.parts.get(this.key(type, id))?.delete(subject);
    this.members.get(subject)?.delete(this.key(type, id));
  }
  async memberships(subject: string, limit: number, next: string | undefined) {
    const all = [...(this.members.get(subject)?.values() ?? [])];
    const start = next ? Number(Buffer.from(next, "base64url").toString()) : 0;
    const items = all.slice(start, start + limit);
    return start + limit < all.length ? { items, next: Buffer.from(String(start + limit)).toString("base64url") } : { items };
  }
}

/** ACS chat in memory: threads by id, an idempotency-token replay table, and injectable failures. */
export class FakeChat implements ChatGateway {
  readonly threads = new Map<string, { spec: ThreadSpec; members: Set<string>; deleted: boolean }>();
  readonly byToken = new Map<string, string>();
  creations = 0;
  /** Errors thrown by the next call of a method (one each). */
  readonly failures = new Map<string, Error[]>();
  private fail(name: string) {
    const error = this.failures.get(name)?.shift();
    if (error) throw error;
  }
  private live(threadId: string) {
    const thread = this.threads.get(threadId);
    if (!thread || thread.deleted) throw new ThreadGoneError();
    return thread;
  }
  async createThread(spec: ThreadSpec, token: string) {
    this.fail("createThread");
    const known = this.byToken.get(token);
    if (known) return known;
    const id = `19:fake${++this.creations}@thread.v2`;
    this.threads.set(id, { spec, members: new Set(), deleted: false });
    this.byToken.set(token, id);
    return id;
  }
  async assertThread(threadId: string) {
    this.live(threadId);
  }
  async addMembers(threadId: string, members: ChatMember[]) {
    this.fail("addMembers");
    const thread = this.live(threadId);
    for (const m of members) thread.members.add(m.acsUserId);
  }
  async removeMember(threadId: string, acsUserId: string) {
    this.fail("removeMember");
    this.live(threadId).members.delete(acsUserId);
  }
  async deleteThread(threadId: string) {
    const thread = this.threads.get(threadId);
    if (thread) thread.deleted = true;
  }
  liveThreads() {
    return [...this.threads.entries()].filter(([, t]) => !t.deleted).map(([id]) => id);
  }
}

/** Tokens are their own names: `service`, `user:<sub>`, `user:<sub>:<role>|<role>`, `plain:<sub>` (no scope, no role). */
export const fakeAuthenticator: Authenticator = {
  recall: () => undefined,
  async verify(header) {
    const token = header?.replace(/^Bearer /, "");
    if (!token) throw new AuthenticationError("missing_token", "An Authorization: Bearer token is required.");
    const [kind, sub, roles] = token.split(":");
    const make = (subject: string, r: string[], endUser: boolean): VerifiedToken => ({
      caller: { issuer: ISSUER, subject },
      roles: r,
      endUser,
    });
    if (kind === "service") return make("backend-app", ["conversations.manage"], false);
    if (kind === "user" && sub) return make(sub, roles ? roles.split("|") : [], true);
    if (kind === "plain" && sub) return make(sub, [], false);
    throw new AuthenticationError("invalid_token", "The access token is invalid or expired.");
  },
  async authenticate(header) {
    const token = await this.verify(header);
    if (!token.endUser) throw new AuthenticationError("insufficient_scope", 'The access token lacks the scope or role "acs.token".');
    return token.caller;
  },
};

/** The app with fake dependencies; `now` drives retention expiry. */
export async function conversationApp(env: Record<string, string> = {}, now: () => number = Date.now) {
  const config = loadConfig({
    ACS_AUTH_MODE: "managed-identity",
    ACS_ENDPOINT: "https://fake.communication.azure.com/",
    OIDC_ISSUER: ISSUER,
    OIDC_AUDIENCE: "api://test",
    MAPPING_TABLE_CONNECTION_STRING: "UseDevelopmentStorage=true",
    RATE_LIMIT_PER_USER_PER_MINUTE: "100000",
    RATE_LIMIT_PER_IP_PER_MINUTE: "100000",
    ...env,
  });
  const { store, acs, service: tokenService } = fakeService(2000);
  const conversationStore = new MemoryConversationStore();
  const chat = new FakeChat();
  const conversations = new ConversationService(conversationStore, chat, tokenService, ISSUER, now);
  const logger = createLogger("silent");
  const app = await buildApp(config, {
    authenticator: fakeAuthenticator,
    tokenService,
    store,
    acs,
    metrics: noMetrics,
    logger,
    conversations,
  });
  return { app, chat, conversationStore, acs };
}
