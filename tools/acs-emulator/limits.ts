// The opt-in "limits like ACS" mode (`--acs-limits`): the documented identity and chat rate limits, answered with 429,
// the service's error body and a Retry-After, so a client that ignores them fails locally as it would at scale.
//
// Sources:
// - Limits: Learn "Service limits for Azure Communication Services",
//   https://learn.microsoft.com/azure/communication-services/concepts/service-limits ("Identity" table: requests per
//   30 s; "Chat" > "Rate Limits" table: per 10 seconds and per minute, scoped per user, per chat thread, or per user per
//   chat thread). The identity table names no scope; the emulator counts per resource (it emulates one).
// - Body: the 429 response of every Chat example in azure-rest-api-specs
//   specification/communication/data-plane/Chat/stable/2025-03-15/examples (e.g. Threads_GetChatThread.json):
//   `{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}`. The identity API is given the same body
//   (its own 429 body is unverified).
// - Retry-After: Learn service-limits, "Throttling patterns and architecture" (429); the header value is the seconds
//   until the oldest request counted in the full window leaves it.
import type { RequestContext } from "./context";
import { headerValue } from "./context";
import { EmulatorError } from "./errors";
import { verifyUserToken } from "./tokens";

export type LimitScope = "resource" | "user" | "thread" | "userThread";

export interface LimitRule {
  /** The table row this rule comes from (also the counter's name: operations in one row share it). */
  name: string;
  /** Emulator operation names (RouteMatch.operation) the row covers. */
  operations: readonly string[];
  scope: LimitScope;
  windowSeconds: number;
  limit: number;
}

const rule = (name: string, operations: string[], scope: LimitScope, windowSeconds: number, limit: number): LimitRule => ({
  name: `${name} (${scope}, ${limit}/${windowSeconds}s)`,
  operations,
  scope,
  windowSeconds,
  limit,
});

/** Learn service-limits, "Identity" and "Chat" > "Rate Limits" (read 2026-12-07). */
export const ACS_LIMITS: readonly LimitRule[] = [
  rule("Create identity / createUserAndToken", ["createUser"], "resource", 30, 1000),
  rule("Delete identity", ["deleteUser"], "resource", 30, 500),
  rule("Issue access token", ["issueAccessToken"], "resource", 30, 1000),
  rule("Revoke access token", ["revokeAccessTokens"], "resource", 30, 500),
  rule("exchangeTokens", ["getTokenForTeamsUser"], "resource", 30, 500),
  rule("Create chat thread", ["createChatThread"], "user", 10, 10),
  rule("Delete chat thread", ["deleteChatThread"], "user", 10, 10),
  rule("Update chat thread", ["updateProperties"], "thread", 10, 5),
  rule("Add participants / remove participants", ["addParticipants", "removeParticipant"], "thread", 10, 10),
  rule("Add participants / remove participants", ["addParticipants", "removeParticipant"], "thread", 60, 30),
  rule("Get chat thread / List chat threads", ["getProperties", "listChatThreads"], "user", 10, 50),
  rule("Get chat message", ["getMessage"], "userThread", 10, 50),
  rule("Get chat message", ["getMessage"], "thread", 10, 250),
  rule("List chat messages", ["listMessages"], "userThread", 10, 50),
  rule("List chat messages", ["listMessages"], "userThread", 60, 200),
  rule("List chat messages", ["listMessages"], "thread", 10, 250),
  rule("List chat messages", ["listMessages"], "thread", 60, 400),
  rule("Get read receipts", ["listReadReceipts"], "userThread", 10, 5),
  rule("Get read receipts", ["listReadReceipts"], "thread", 10, 100),
  rule("List chat thread participants", ["listParticipants"], "userThread", 10, 10),
  rule("List chat thread participants", ["listParticipants"], "thread", 10, 250),
  rule("Send message / update message / delete message", ["sendMessage", "updateMessage", "deleteMessage"], "thread", 10, 10),
  rule("Send message / update message / delete message", ["sendMessage", "updateMessage", "deleteMessage"], "thread", 60, 30),
  rule("Send read receipt", ["sendReadReceipt"], "userThread", 10, 10),
  rule("Send read receipt", ["sendReadReceipt"], "userThread", 60, 30),
  rule("Send typing indicator", ["sendTypingNotification"], "userThread", 10, 5),
  rule("Send typing indicator", ["sendTypingNotification"], "userThread", 60, 15),
  rule("Send typing indicator", ["sendTypingNotification"], "thread", 10, 10),
  rule("Send typing indicator", ["sendTypingNotification"], "thread", 60, 30),
];

/** Above this many counters, idle ones (nothing in the last minute, the longest window) are dropped. */
const MAX_COUNTERS = 10_000;

/** The chat thread a request addresses (`/chat/threads/{id}/...`), decoded; undefined for other paths. */
function threadOf(ctx: RequestContext): string | undefined {
  const [root, threads, id] = ctx.url.pathname.split("/").filter(Boolean);
  if (root !== "chat" || threads !== "threads" || id === undefined) return undefined;
  try {
    return decodeURIComponent(id);
  } catch {
    return undefined;
  }
}

/** The ACS user behind a chat request's bearer token; undefined when it does not verify (the handler then answers 401). */
function userOf(ctx: RequestContext): string | undefined {
  try {
    return verifyUserToken(ctx.runtime.state, headerValue(ctx.headers, "authorization"), ctx.runtime.now()).userId;
  } catch {
    return undefined;
  }
}

/**
 * Sliding-window counters over the rules. Only admitted requests count, so the Retry-After it answers is exact: after
 * that many seconds the same request is admitted (Learn advises clients not to retry sooner).
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly rules: readonly LimitRule[] = ACS_LIMITS) {}

  /** Throws the service's 429 when a rule for this operation is exhausted; otherwise counts the request. */
  enforce(operation: string, ctx: RequestContext): void {
    const applicable = this.rules.filter((r) => r.operations.includes(operation));
    if (applicable.length === 0) return;
    const now = ctx.runtime.now();
    const thread = applicable.some((r) => r.scope === "thread" || r.scope === "userThread") ? threadOf(ctx) : undefined;
    const user = applicable.some((r) => r.scope === "user" || r.scope === "userThread") ? userOf(ctx) : undefined;
    const counters: { key: string; rule: LimitRule; times: number[] }[] = [];
    for (const r of applicable) {
      const subject =
        r.scope === "resource" ? "*" : r.scope === "user" ? user : r.scope === "thread" ? thread : user && thread && `${user}|${thread}`;
      if (!subject) continue;
      const key = `${r.name}|${subject}`;
      const windowMs = r.windowSeconds * 1000;
      const times = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
      this.hits.set(key, times);
      counters.push({ key, rule: r, times });
    }
    let retryAfterMs = 0;
    for (const { rule: r, times } of counters) {
      if (times.length < r.limit) continue;
      const oldest = times[times.length - r.limit] ?? now;
      retryAfterMs = Math.max(retryAfterMs, oldest + r.windowSeconds * 1000 - now);
    }
    // A full window always has its oldest admitted request still inside it, so a throttled call has retryAfterMs > 0.
    if (retryAfterMs > 0) {
      throw new EmulatorError(429, "TooManyRequests", "Rate limit exceeded.", {
        "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
      });
    }
    for (const { times } of counters) times.push(now);
    // Counters of threads and users no longer active would otherwise pile up over a long `npm run dev`.
    if (this.hits.size > MAX_COUNTERS)
      for (const [key, times] of this.hits) if (times.every((t) => t <= now - 60_000)) this.hits.delete(key);
  }
}
