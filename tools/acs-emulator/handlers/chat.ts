// The ACS Chat API (api-version 2025-03-15): threads, messages, participants, typing and read receipts.
import { randomBytes } from "node:crypto";
import { decodeSegment, intQuery, objectBody, optionalString, requireApiVersion, stringMap } from "../body";
import type { HandlerResult, RequestContext, RouteMatch } from "../context";
import { headerValue } from "../context";
import { badRequest, forbidden, notFound } from "../errors";
import { isRecord } from "../jwt";
import type { MessageRecord, ParticipantRecord, ThreadRecord } from "../state";
import {
  publishMessageEvents,
  publishParticipantEvents,
  publishThreadCreated,
  publishThreadDeleted,
  publishThreadUpdated,
} from "./chatEvents";
import type { VerifiedCaller } from "../tokens";
import { verifyUserToken } from "../tokens";

const LOG = (operationName: string): RouteMatch["log"] => ({
  table: "ACSChatIncomingOperations",
  operationName,
  category: "ChatOperational",
});
const EPOCH = "1970-01-01T00:00:00.000Z";
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 200;

/** Which token scopes may call an operation (chat.join cannot manage threads; chat.join.limited cannot manage members). */
type ScopeNeed = "manageThread" | "manageParticipants" | "participate";
const ALLOWED_SCOPES: Record<ScopeNeed, string[]> = {
  manageThread: ["chat"],
  manageParticipants: ["chat", "chat.join"],
  participate: ["chat", "chat.join", "chat.join.limited"],
};

function authorize(ctx: RequestContext, need: ScopeNeed): VerifiedCaller {
  const caller = verifyUserToken(ctx.runtime.state, headerValue(ctx.headers, "authorization"), ctx.runtime.now());
  ctx.log.identity = caller.userId;
  ctx.log.scopes = caller.scopes.join(",");
  requireApiVersion(ctx);
  expireThreads(ctx);
  if (!caller.scopes.some((scope) => ALLOWED_SCOPES[need].includes(scope))) {
    throw forbidden(
      `The access token's scopes (${caller.scopes.join(",")}) do not permit this operation; it needs one of ${ALLOWED_SCOPES[need].join(", ")}.`,
      "InsufficientScope",
    );
  }
  return caller;
}

/**
 * The thread if it exists (404 otherwise) and the caller takes part in it (403 otherwise). With `history`, a removed
 * participant passes too: "Users that are removed from a chat thread are able to view previous message history but
 * can't send or receive new messages" (https://learn.microsoft.com/azure/communication-services/concepts/chat/concepts,
 * "Chat Data"); what they see is cut at their removal (visibleMessages).
 */
function loadThread(ctx: RequestContext, encodedId: string, caller: VerifiedCaller, access: "member" | "history" = "member"): ThreadRecord {
  const id = decodeSegment(encodedId);
  const thread = ctx.runtime.state.threads[id];
  if (!thread || thread.deletedOn) throw notFound(`Thread '${id}' was not found.`);
  const member = thread.participants.some((p) => p.id === caller.userId);
  const former = access === "history" && thread.removedParticipants?.some((p) => p.id === caller.userId);
  if (!member && !former) throw forbidden("Permissions check failed");
  return thread;
}

/** Days a `threadCreationDate` policy may keep a thread: "automatic deletion between 30 and 90 days" (Learn chat concepts, service-limits "Chat storage"). */
export const RETENTION_DAYS = { min: 30, max: 90 } as const;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Validates a `retentionPolicy` (spec `ChatRetentionPolicy`, discriminator `kind`: `threadCreationDate` with
 * `deleteThreadAfterDays`, or `none`; azure-rest-api-specs Chat/stable/2025-03-15/communicationserviceschat.json) and
 * returns it normalised. The spec sets no bounds; Learn allows 30 to 90 days. The service's exact error code for an
 * out-of-range value is unverified; the emulator answers 400 naming the field.
 */
function parseRetentionPolicy(value: unknown): Record<string, unknown> {
  const target = "retentionPolicy";
  if (!isRecord(value)) throw badRequest("`retentionPolicy` must be an object with `kind`.", "InvalidRequestBody", target);
  if (value.kind === "none") return { kind: "none" };
  if (value.kind !== "threadCreationDate") {
    throw badRequest("`retentionPolicy.kind` must be threadCreationDate or none.", "InvalidRequestBody", `${target}.kind`);
  }
  const days = value.deleteThreadAfterDays;
  if (typeof days !== "number" || !Number.isInteger(days) || days < RETENTION_DAYS.min || days > RETENTION_DAYS.max) {
    throw badRequest(
      `\`retentionPolicy.deleteThreadAfterDays\` must be an integer from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}.`,
      "InvalidRequestBody",
      `${target}.deleteThreadAfterDays`,
    );
  }
  return { kind: "threadCreationDate", deleteThreadAfterDays: days };
}

/**
 * Deletes every thread whose `threadCreationDate` policy has fired by the emulator's clock: "After you delete a chat
 * thread (by policy or by a Delete API request), it can't be retrieved" (Learn chat concepts, "Chat Data"). The thread
 * stays listed with `deletedOn` like an explicit delete, its messages are gone. Whether the service raises
 * ChatThreadDeleted for a policy deletion is unverified; the emulator raises none.
 */
function expireThreads(ctx: RequestContext): void {
  const now = ctx.runtime.now();
  for (const thread of Object.values(ctx.runtime.state.threads)) {
    const policy = thread.retentionPolicy;
    if (thread.deletedOn || policy?.kind !== "threadCreationDate" || typeof policy.deleteThreadAfterDays !== "number") continue;
    const deadline = Date.parse(thread.createdOn) + policy.deleteThreadAfterDays * DAY_MS;
    if (deadline > now) continue;
    thread.deletedOn = new Date(deadline).toISOString();
    thread.messages = [];
    thread.readReceipts = [];
    ctx.runtime.changed();
  }
}

/**
 * Applies an RFC 7396 merge patch to a string map: a member set to null is removed, others are set; `null` for the
 * whole map removes it. Returns undefined when nothing is left (the property is then omitted, as for a thread without
 * metadata).
 */
function mergeStringMap(current: Record<string, string> | undefined, patch: unknown, name: string): Record<string, string> | undefined {
  if (patch === null) return undefined;
  if (!isRecord(patch)) throw badRequest(`\`${name}\` must be an object of string values or null.`, "InvalidRequestBody", name);
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (typeof value === "string") merged[key] = value;
    else throw badRequest(`\`${name}.${key}\` must be a string or null.`, "InvalidRequestBody", `${name}.${key}`);
  }
  return Object.keys(merged).length ? merged : undefined;
}

const identifierModel = (id: string): Record<string, unknown> => ({ rawId: id, communicationUser: { id } });
const participantModel = (p: ParticipantRecord): Record<string, unknown> => ({
  communicationIdentifier: identifierModel(p.id),
  ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
  shareHistoryTime: p.shareHistoryTime,
});

function messageModel(m: MessageRecord): Record<string, unknown> {
  return {
    id: m.id,
    type: m.type,
    sequenceId: String(m.sequenceId),
    version: m.version,
    content: m.content,
    ...(m.senderDisplayName !== undefined ? { senderDisplayName: m.senderDisplayName } : {}),
    createdOn: m.createdOn,
    ...(m.senderId ? { senderCommunicationIdentifier: identifierModel(m.senderId) } : {}),
    ...(m.deletedOn ? { deletedOn: m.deletedOn } : {}),
    ...(m.editedOn ? { editedOn: m.editedOn } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
  };
}

function threadModel(t: ThreadRecord): Record<string, unknown> {
  return {
    id: t.id,
    topic: t.topic,
    createdOn: t.createdOn,
    createdByCommunicationIdentifier: identifierModel(t.createdBy),
    ...(t.deletedOn ? { deletedOn: t.deletedOn } : {}),
    ...(t.metadata ? { metadata: t.metadata } : {}),
    ...(t.retentionPolicy ? { retentionPolicy: t.retentionPolicy } : {}),
  };
}

/** Reads a user id from an identifier model (`communicationUser.id`, else `rawId`); 400 for anything else. */
function parseIdentifier(value: unknown, target: string): string {
  if (!isRecord(value)) throw badRequest("A communication identifier must be an object.", "InvalidRequestBody", target);
  const user = value.communicationUser;
  const id = isRecord(user) && typeof user.id === "string" ? user.id : typeof value.rawId === "string" ? value.rawId : undefined;
  if (!id) throw badRequest("Only communication user identifiers (communicationUser.id) are supported.", "InvalidRequestBody", target);
  return id;
}

/**
 * Learn "Service limits", "Chat" > "Size Limits" (https://learn.microsoft.com/azure/communication-services/concepts/service-limits):
 * "Number of participants in thread 250", "Batch of participants - CreateThread 200", "Batch of participants -
 * AddParticipant 200". The service's status and code when they are exceeded are unverified; the emulator answers 400
 * naming `participants`, as for its other body errors.
 */
export const CHAT_SIZE_LIMITS = { participantsPerThread: 250, participantsPerBatch: 200 } as const;

function parseParticipants(value: unknown, required: boolean): ParticipantRecord[] {
  if (value === undefined || value === null) {
    if (required) throw badRequest("`participants` is required.", "InvalidRequestBody", "participants");
    return [];
  }
  if (!Array.isArray(value) || (required && value.length === 0))
    throw badRequest("`participants` must be a non-empty array.", "InvalidRequestBody", "participants");
  if (value.length > CHAT_SIZE_LIMITS.participantsPerBatch)
    throw badRequest(`At most ${CHAT_SIZE_LIMITS.participantsPerBatch} participants per request.`, "InvalidRequestBody", "participants");
  return value.map((item, index) => {
    if (!isRecord(item)) throw badRequest("Each participant must be an object.", "InvalidRequestBody", `participants[${index}]`);
    const displayName = optionalString(item, "displayName");
    const shareHistoryTime = optionalString(item, "shareHistoryTime");
    if (shareHistoryTime !== undefined && Number.isNaN(Date.parse(shareHistoryTime))) {
      throw badRequest("`shareHistoryTime` must be an ISO 8601 date.", "InvalidRequestBody", `participants[${index}].shareHistoryTime`);
    }
    return {
      id: parseIdentifier(item.communicationIdentifier, `participants[${index}].communicationIdentifier`),
      ...(displayName !== undefined ? { displayName } : {}),
      shareHistoryTime: shareHistoryTime ? new Date(shareHistoryTime).toISOString() : EPOCH,
    };
  });
}

function parseStartTime(ctx: RequestContext): number {
  const raw = ctx.url.searchParams.get("startTime");
  if (raw === null) return -Infinity;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badRequest("Query parameter `startTime` must be an ISO 8601 date.", "InvalidQueryParameter", "startTime");
  return ms;
}

/** Absolute next link on the caller's origin, carrying the api-version (reference: "Paging links"). */
function nextLink(ctx: RequestContext, params: Record<string, string>): string {
  const url = new URL(ctx.url.pathname, ctx.runtime.origin);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  url.searchParams.set("api-version", ctx.url.searchParams.get("api-version") ?? "2025-03-15");
  return url.toString();
}

function page<T>(ctx: RequestContext, items: T[], map: (item: T) => unknown): HandlerResult {
  const size = intQuery(ctx, "maxPageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const skip = intQuery(ctx, "skip", 0, 0, Number.MAX_SAFE_INTEGER);
  const slice = items.slice(skip, skip + size);
  const more = skip + size < items.length;
  const forward: Record<string, string> = { maxPageSize: String(size), skip: String(skip + size) };
  const startTime = ctx.url.searchParams.get("startTime");
  if (startTime) forward.startTime = startTime;
  return { status: 200, body: { value: slice.map(map), ...(more ? { nextLink: nextLink(ctx, forward) } : {}) } };
}

function nowIso(ctx: RequestContext): string {
  return new Date(ctx.runtime.now()).toISOString();
}

/** Appends a message with a unique epoch-ms id and the next sequence id. */
function appendMessage(
  ctx: RequestContext,
  thread: ThreadRecord,
  message: Omit<MessageRecord, "id" | "version" | "sequenceId" | "createdOn">,
): MessageRecord {
  const last = thread.messages[thread.messages.length - 1];
  const idMs = Math.max(ctx.runtime.now(), last ? Number(last.id) + 1 : 0);
  const record: MessageRecord = {
    ...message,
    id: String(idMs),
    version: String(idMs),
    sequenceId: (last?.sequenceId ?? 0) + 1,
    createdOn: new Date(idMs).toISOString(),
  };
  thread.messages.push(record);
  thread.lastMessageReceivedOn = record.createdOn;
  ctx.runtime.changed();
  return record;
}

/** Splits participants into existing, non-deleted users and `invalidParticipants` entries (reference: 403 "Permissions check failed"). */
function partitionParticipants(
  ctx: RequestContext,
  participants: ParticipantRecord[],
): { valid: ParticipantRecord[]; invalid: Record<string, string>[] } {
  const valid: ParticipantRecord[] = [];
  const invalid: Record<string, string>[] = [];
  for (const participant of participants) {
    const identity = ctx.runtime.state.identities[participant.id];
    if (identity && !identity.deleted) valid.push(participant);
    else invalid.push({ code: "403", message: "Permissions check failed", target: participant.id });
  }
  return { valid, invalid };
}

function createThread(ctx: RequestContext): HandlerResult {
  const caller = authorize(ctx, "manageThread");
  const { state } = ctx.runtime;
  const repeatabilityId = headerValue(ctx.headers, "repeatability-request-id");
  const replayKey = repeatabilityId ? `${caller.userId}|${repeatabilityId}` : undefined;
  const previous = replayKey ? state.repeatability[replayKey] : undefined;
  if (previous) return { status: previous.status, body: previous.body };
  const body = objectBody(ctx);
  const topic = optionalString(body, "topic");
  if (!topic || !topic.trim()) throw badRequest("`topic` is required.", "InvalidRequestBody", "topic");
  const participants = parseParticipants(body.participants, false);
  const metadata = stringMap(body, "metadata");
  const retentionPolicy =
    body.retentionPolicy === undefined || body.retentionPolicy === null ? undefined : parseRetentionPolicy(body.retentionPolicy);
  const { valid, invalid } = partitionParticipants(ctx, participants);
  const members = new Map<string, ParticipantRecord>();
  if (!valid.some((p) => p.id === caller.userId)) members.set(caller.userId, { id: caller.userId, shareHistoryTime: EPOCH });
  for (const p of valid) members.set(p.id, p);
  if (members.size > CHAT_SIZE_LIMITS.participantsPerThread)
    throw badRequest(`A thread has at most ${CHAT_SIZE_LIMITS.participantsPerThread} participants.`, "InvalidRequestBody", "participants");
  const thread: ThreadRecord = {
    id: `19:${randomBytes(16).toString("hex")}@thread.v2`,
    topic,
    createdOn: nowIso(ctx),
    createdBy: caller.userId,
    ...(metadata ? { metadata } : {}),
    ...(retentionPolicy ? { retentionPolicy } : {}),
    participants: [...members.values()],
    messages: [],
    readReceipts: [],
  };
  state.threads[thread.id] = thread;
  const initiator = identifierModel(caller.userId);
  appendMessage(ctx, thread, {
    type: "participantAdded",
    content: { participants: thread.participants.map(participantModel), initiatorCommunicationIdentifier: initiator },
  });
  appendMessage(ctx, thread, { type: "topicUpdated", content: { topic, initiatorCommunicationIdentifier: initiator } });
  publishThreadCreated(ctx.events, thread, ctx.runtime.now());
  const response = { status: 201, body: { chatThread: threadModel(thread), ...(invalid.length ? { invalidParticipants: invalid } : {}) } };
  if (replayKey) state.repeatability[replayKey] = { ...response, callerId: caller.userId };
  return response;
}

function listThreads(ctx: RequestContext): HandlerResult {
  const caller = authorize(ctx, "participate");
  const startTime = parseStartTime(ctx);
  const threads = Object.values(ctx.runtime.state.threads)
    .filter((t) => t.participants.some((p) => p.id === caller.userId))
    .filter((t) => Date.parse(t.lastMessageReceivedOn ?? t.createdOn) >= startTime)
    .sort(
      (a, b) =>
        Date.parse(b.lastMessageReceivedOn ?? b.createdOn) - Date.parse(a.lastMessageReceivedOn ?? a.createdOn) || b.id.localeCompare(a.id),
    );
  return page(ctx, threads, (t) => ({
    id: t.id,
    topic: t.topic,
    ...(t.deletedOn ? { deletedOn: t.deletedOn } : {}),
    ...(t.lastMessageReceivedOn ? { lastMessageReceivedOn: t.lastMessageReceivedOn } : {}),
  }));
}

/**
 * PATCH /chat/threads/{id} is `application/merge-patch+json` (spec `ChatThread_UpdateChatThreadProperties`), so RFC 7396
 * applies: an absent member is left alone, `null` removes it, and an object merges member by member (`metadata`).
 * `retentionPolicy` is a discriminated union and is replaced whole, and `null` leaves `{kind: "none"}`: Microsoft's
 * live test expects `deepEqual(thread.retentionPolicy, {kind: "none"})` after both `{kind: "none"}` and `null`
 * (Azure/azure-sdk-for-js sdk/communication/communication-chat/test/public/chatThreadClient.spec.ts).
 */
function updateThread(ctx: RequestContext, threadId: string): HandlerResult {
  const caller = authorize(ctx, "manageThread");
  const thread = loadThread(ctx, threadId, caller);
  const body = objectBody(ctx);
  if (body.topic === null) throw badRequest("`topic` cannot be removed; give a new topic.", "InvalidRequestBody", "topic");
  const topic = optionalString(body, "topic");
  if (topic !== undefined && !topic.trim()) throw badRequest("`topic` must not be empty.", "InvalidRequestBody", "topic");
  const retentionPolicy =
    body.retentionPolicy === undefined
      ? undefined
      : body.retentionPolicy === null
        ? { kind: "none" }
        : parseRetentionPolicy(body.retentionPolicy);
  const metadata = body.metadata === undefined ? thread.metadata : mergeStringMap(thread.metadata, body.metadata, "metadata");
  if (metadata) thread.metadata = metadata;
  else delete thread.metadata;
  if (retentionPolicy) thread.retentionPolicy = retentionPolicy;
  if (topic !== undefined && topic !== thread.topic) {
    thread.topic = topic;
    const system = appendMessage(ctx, thread, {
      type: "topicUpdated",
      content: { topic, initiatorCommunicationIdentifier: identifierModel(caller.userId) },
    });
    publishThreadUpdated(ctx.events, thread, caller.userId, system.createdOn, Number(system.version));
  }
  ctx.runtime.changed();
  return { status: 204 };
}

/** What the caller may read: from their shareHistoryTime on, and for a removed participant up to their removal. */
function visibleMessages(thread: ThreadRecord, caller: VerifiedCaller): MessageRecord[] {
  const member = thread.participants.find((p) => p.id === caller.userId);
  const former = member ? undefined : thread.removedParticipants?.find((p) => p.id === caller.userId);
  const since = Date.parse((member ?? former)?.shareHistoryTime ?? EPOCH);
  const until = former ? Date.parse(former.removedOn) : Infinity;
  return thread.messages.filter((m) => Date.parse(m.createdOn) >= since && Date.parse(m.createdOn) <= until);
}

/** The last time a message changed: created, edited or deleted. */
const lastChanged = (m: MessageRecord): number =>
  Math.max(Date.parse(m.createdOn), Date.parse(m.editedOn ?? EPOCH), Date.parse(m.deletedOn ?? EPOCH));

function listMessages(ctx: RequestContext, threadId: string): HandlerResult {
  const caller = authorize(ctx, "participate");
  const thread = loadThread(ctx, threadId, caller, "history");
  const startTime = parseStartTime(ctx);
  // A sequence-id cursor (not an offset) keeps pages stable while new messages arrive at the head.
  const before = intQuery(ctx, "beforeSequenceId", Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
  const size = intQuery(ctx, "maxPageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  // startTime matches messages "received, updated, or deleted after it. Messages received before the offset time but
  // edited or removed after it are also returned" (Learn chat quickstart, C#: "Receive chat messages from a chat thread",
  // https://learn.microsoft.com/azure/communication-services/quickstarts/chat/get-started).
  const newestFirst = visibleMessages(thread, caller)
    .filter((m) => lastChanged(m) >= startTime && m.sequenceId < before)
    .reverse();
  const slice = newestFirst.slice(0, size);
  const last = slice[slice.length - 1];
  const forward: Record<string, string> = { maxPageSize: String(size), beforeSequenceId: String(last?.sequenceId ?? 0) };
  const startParam = ctx.url.searchParams.get("startTime");
  if (startParam) forward.startTime = startParam;
  return {
    status: 200,
    body: { value: slice.map(messageModel), ...(newestFirst.length > size ? { nextLink: nextLink(ctx, forward) } : {}) },
  };
}

function findMessage(thread: ThreadRecord, encodedId: string): MessageRecord {
  const id = decodeSegment(encodedId);
  const message = thread.messages.find((m) => m.id === id);
  if (!message) throw notFound(`Message '${id}' was not found.`);
  return message;
}

function sendMessage(ctx: RequestContext, threadId: string): HandlerResult {
  const caller = authorize(ctx, "participate");
  const thread = loadThread(ctx, threadId, caller);
  const body = objectBody(ctx);
  const content = optionalString(body, "content");
  if (content === undefined) throw badRequest("`content` is required.", "InvalidRequestBody", "content");
  const type = (optionalString(body, "type") ?? "text").toLowerCase();
  if (type !== "text" && type !== "html") throw badRequest("`type` must be text or html.", "InvalidRequestBody", "type");
  const metadata = stringMap(body, "metadata");
  const message = appendMessage(ctx, thread, {
    type,
    content: { message: content },
    senderDisplayName: optionalString(body, "senderDisplayName") ?? "",
    senderId: caller.userId,
    ...(metadata ? { metadata } : {}),
  });
  publishMessageEvents(ctx.events, thread, message, "Received");
  return { status: 201, body: { id: message.id } };
}

function updateMessage(ctx: RequestContext, threadId: string, messageId: string): HandlerResult {
  const caller = authorize(ctx, "participate");
  const thread = loadThread(ctx, threadId, caller);
  const message = findMessage(thread, messageId);
  if (message.senderId !== caller.userId) throw forbidden("Only the sender can edit a message.");
  if (message.deletedOn) throw notFound(`Message '${message.id}' was deleted.`);
  const body = objectBody(ctx);
  const content = optionalString(body, "content");
  if (content !== undefined) message.content = { message: content };
  // Also merge-patch (spec `ChatThread_UpdateChatMessage`): metadata members merge, null removes (RFC 7396).
  if (body.metadata !== undefined) {
    const metadata = mergeStringMap(message.metadata, body.metadata, "metadata");
    if (metadata) message.metadata = metadata;
    else delete message.metadata;
  }
  const now = Math.max(ctx.runtime.now(), Number(message.version) + 1);
  message.editedOn = new Date(now).toISOString();
  message.version = String(now);
  ctx.runtime.changed();
  publishMessageEvents(ctx.events, thread, message, "Edited");
  return { status: 204 };
}

function deleteMessage(ctx: RequestContext, threadId: string, messageId: string): HandlerResult {
  const caller = authorize(ctx, "participate");
  const thread = loadThread(ctx, threadId, caller);
  const message = findMessage(thread, messageId);
  if (message.senderId !== caller.userId) throw forbidden("Only the sender can delete a message.");
  if (!message.deletedOn) {
    message.deletedOn = nowIso(ctx);
    message.version = String(Math.max(ctx.runtime.now(), Number(message.version) + 1));
    publishMessageEvents(ctx.events, thread, message, "Deleted");
  }
  ctx.runtime.changed();
  return { status: 204 };
}

function addParticipants(ctx: RequestContext, threadId: string): HandlerResult {
  const caller = authorize(ctx, "manageParticipants");
  const thread = loadThread(ctx, threadId, caller);
  const { valid, invalid } = partitionParticipants(ctx, parseParticipants(objectBody(ctx).participants, true));
  const added = valid.filter((p) => !thread.participants.some((existing) => existing.id === p.id));
  if (thread.participants.length + added.length > CHAT_SIZE_LIMITS.participantsPerThread)
    throw badRequest(`A thread has at most ${CHAT_SIZE_LIMITS.participantsPerThread} participants.`, "InvalidRequestBody", "participants");
  if (added.length) {
    thread.participants.push(...added);
    if (thread.removedParticipants)
      thread.removedParticipants = thread.removedParticipants.filter((r) => !added.some((p) => p.id === r.id));
    const system = appendMessage(ctx, thread, {
      type: "participantAdded",
      content: { participants: added.map(participantModel), initiatorCommunicationIdentifier: identifierModel(caller.userId) },
    });
    for (const p of added)
      publishParticipantEvents(ctx.events, thread, p, caller.userId, "Added", system.createdOn, Number(system.version));
  }
  return { status: 201, body: invalid.length ? { invalidParticipants: invalid } : {} };
}

function removeParticipant(ctx: RequestContext, threadId: string): HandlerResult {
  const caller = authorize(ctx, "manageParticipants");
  const thread = loadThread(ctx, threadId, caller);
  const userId = parseIdentifier(objectBody(ctx), "communicationIdentifier");
  const removed = thread.participants.find((p) => p.id === userId);
  if (removed) {
    const before = { ...thread, participants: [...thread.participants] };
    thread.participants = thread.participants.filter((p) => p !== removed);
    const system = appendMessage(ctx, thread, {
      type: "participantRemoved",
      content: { participants: [participantModel(removed)], initiatorCommunicationIdentifier: identifierModel(caller.userId) },
    });
    // Kept for history access up to and including the participantRemoved message (loadThread, visibleMessages).
    thread.removedParticipants = [
      ...(thread.removedParticipants ?? []).filter((r) => r.id !== removed.id),
      { ...removed, removedOn: system.createdOn },
    ];
    publishParticipantEvents(ctx.events, before, removed, caller.userId, "Removed", system.createdOn, Number(system.version));
  }
  return { status: 204 };
}

function sendReadReceipt(ctx: RequestContext, threadId: string): HandlerResult {
  const caller = authorize(ctx, "participate");
  const thread = loadThread(ctx, threadId, caller);
  const chatMessageId = optionalString(objectBody(ctx), "chatMessageId");
  if (!chatMessageId) throw badRequest("`chatMessageId` is required.", "InvalidRequestBody", "chatMessageId");
  if (!thread.messages.some((m) => m.id === chatMessageId)) throw notFound(`Message '${chatMessageId}' was not found.`);
  thread.readReceipts = thread.readReceipts.filter((r) => r.senderId !== caller.userId);
  thread.readReceipts.push({ senderId: caller.userId, chatMessageId, readOn: nowIso(ctx) });
  ctx.runtime.changed();
  return { status: 200 };
}

export function matchChat(method: string, segments: string[]): RouteMatch | undefined {
  if (segments[0] !== "chat" || segments[1] !== "threads") return undefined;
  const [, , threadId, sub, item, ...rest] = segments;
  if (rest.length) return undefined;
  const route = (
    operation: string,
    operationName: string,
    handle: (ctx: RequestContext) => HandlerResult,
    aliases: string[] = [],
  ): RouteMatch => ({ operation, aliases, log: LOG(operationName), handle });
  if (threadId === undefined) {
    if (method === "POST") return route("createChatThread", "CreateChatThread", createThread);
    if (method === "GET") return route("listChatThreads", "ListChatThreads", listThreads);
    return undefined;
  }
  if (sub === undefined) {
    if (method === "GET") {
      return route(
        "getProperties",
        "GetChatThread",
        (ctx) => {
          const caller = authorize(ctx, "participate");
          return { status: 200, body: threadModel(loadThread(ctx, threadId, caller)) };
        },
        ["getChatThreadProperties"],
      );
    }
    if (method === "PATCH")
      return route("updateProperties", "UpdateChatThread", (ctx) => updateThread(ctx, threadId), [
        "updateTopic",
        "updateChatThreadProperties",
      ]);
    if (method === "DELETE") {
      return route("deleteChatThread", "DeleteChatThread", (ctx) => {
        const caller = authorize(ctx, "manageThread");
        const thread = loadThread(ctx, threadId, caller);
        thread.deletedOn = nowIso(ctx);
        ctx.runtime.changed();
        publishThreadDeleted(ctx.events, thread, caller.userId, ctx.runtime.now());
        return { status: 204 };
      });
    }
    return undefined;
  }
  if (sub === "messages" && item === undefined) {
    if (method === "POST") return route("sendMessage", "SendChatMessage", (ctx) => sendMessage(ctx, threadId), ["sendChatMessage"]);
    if (method === "GET") return route("listMessages", "ListChatMessages", (ctx) => listMessages(ctx, threadId), ["listChatMessages"]);
    return undefined;
  }
  if (sub === "messages" && item !== undefined) {
    if (method === "GET") {
      return route(
        "getMessage",
        "GetChatMessage",
        (ctx) => {
          const caller = authorize(ctx, "participate");
          const thread = loadThread(ctx, threadId, caller, "history");
          const message = findMessage(thread, item);
          const member = thread.participants.some((p) => p.id === caller.userId);
          if (!member && !visibleMessages(thread, caller).includes(message)) throw forbidden("Permissions check failed");
          return { status: 200, body: messageModel(message) };
        },
        ["getChatMessage"],
      );
    }
    if (method === "PATCH")
      return route("updateMessage", "UpdateChatMessage", (ctx) => updateMessage(ctx, threadId, item), ["updateChatMessage"]);
    if (method === "DELETE")
      return route("deleteMessage", "DeleteChatMessage", (ctx) => deleteMessage(ctx, threadId, item), ["deleteChatMessage"]);
    return undefined;
  }
  if (sub === "participants") {
    if (item === undefined && method === "GET") {
      return route(
        "listParticipants",
        "ListChatParticipants",
        (ctx) => {
          const caller = authorize(ctx, "participate");
          return page(ctx, loadThread(ctx, threadId, caller).participants, participantModel);
        },
        ["listChatParticipants"],
      );
    }
    if (item === ":add" && method === "POST")
      return route("addParticipants", "AddChatParticipants", (ctx) => addParticipants(ctx, threadId), ["addChatParticipants"]);
    if (item === ":remove" && method === "POST")
      return route("removeParticipant", "RemoveChatParticipant", (ctx) => removeParticipant(ctx, threadId), ["removeChatParticipant"]);
    return undefined;
  }
  if (sub === "typing" && item === undefined && method === "POST") {
    return route("sendTypingNotification", "SendTypingNotification", (ctx) => {
      const caller = authorize(ctx, "participate");
      loadThread(ctx, threadId, caller);
      const body = objectBody(ctx);
      optionalString(body, "senderDisplayName");
      return { status: 200 };
    });
  }
  if (sub === "readReceipts" && item === undefined) {
    if (method === "POST")
      return route("sendReadReceipt", "SendChatReadReceipt", (ctx) => sendReadReceipt(ctx, threadId), ["sendChatReadReceipt"]);
    if (method === "GET") {
      return route(
        "listReadReceipts",
        "ListChatReadReceipts",
        (ctx) => {
          const caller = authorize(ctx, "participate");
          const thread = loadThread(ctx, threadId, caller);
          return page(ctx, thread.readReceipts, (r) => ({
            senderCommunicationIdentifier: identifierModel(r.senderId),
            chatMessageId: r.chatMessageId,
            readOn: r.readOn,
          }));
        },
        ["listChatReadReceipts"],
      );
    }
  }
  return undefined;
}
