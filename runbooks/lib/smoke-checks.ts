// The post-deploy smoke checks: each check takes its clients and URLs as parameters and reports pass/fail with timing.
import { randomUUID } from "node:crypto";
import type { ChatClient } from "@azure/communication-chat";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { describeError } from "../../tools/cli-kit";
import { checkChatEvent, checkEmailDelivery, SkipCheck, type EventCheckDeps } from "./event-checks";

export type CheckStatus = "pass" | "fail" | "skip";

/** One line of the smoke report. `name` is stable for CI; `detail` is for people. */
export interface CheckResult {
  name: CheckName;
  title: string;
  status: CheckStatus;
  durationMs: number;
  detail?: string;
}

export const checkTitles = {
  "token-api-liveness": "token API liveness",
  "token-api-readiness": "token API readiness",
  "token-api-token": "token minted through /api/token",
  "identity-flow": "identity flow: create user, chat token, revoke, delete",
  "chat-flow": "chat flow: two users, a thread, a message each, listed back, thread deleted",
  "conversation-flow": "conversation: create, add, a member sends, a non-member is refused, delete",
  "email-delivery": "email from each sender domain, delivery report on its queue",
  "chat-event": "chat message arrives as ChatMessageReceived on its queue",
  "log-ingestion": "operations visible in Log Analytics",
  cleanup: "cleanup of everything the smoke test created",
} as const;
export type CheckName = keyof typeof checkTitles;

/** A caller of the token API: the bearer token for a subject (Azure: @azure/identity; local: the local issuer). */
export type CallerTokenSource = (subject: string) => Promise<string>;

/** Chat client for one ACS user token. */
export type ChatClientFactory = (userToken: string) => ChatClient;

/** Log Analytics as the smoke test sees it: run a KQL query, get rows as objects. */
export type LogQuery = (kql: string, since: Date) => Promise<Record<string, unknown>[]>;

export interface SmokeDeps {
  tokenApiUrl: string;
  callerToken: CallerTokenSource;
  /**
   * A service caller's token (roles: conversations.manage) for the conversations API; absent: no conversation check.
   * Azure: the smoke identity's token, which carries the role once it is assigned (a 403 skips the check, saying so).
   */
  serviceToken?: () => Promise<string>;
  identityClient: CommunicationIdentityClient;
  chatClient: ChatClientFactory;
  /** Event routing of the target: its subscriptions, queue access and email senders; absent = the event checks are not run. */
  events?: EventCheckDeps;
  /** Present when --verify-logs was given. */
  logs?: { query: LogQuery; timeoutMs: number; pollIntervalMs: number };
  fetch?: typeof fetch;
  /** Subject of the smoke caller; unique per run so runs never share an identity. */
  smokeSubject?: string;
  livenessPath?: string;
  readinessPath?: string;
  tokenPath?: string;
  /** Per-request timeout against the token API. */
  requestTimeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called as each line completes, so people see progress. */
  onResult?: (result: CheckResult) => void;
}

/** Everything created in ACS, so cleanup can remove it whatever failed. */
export class SmokeResources {
  readonly users = new Set<string>();
  /** Thread id → the chat client of a participant who may delete it. */
  readonly threads = new Map<string, ChatClient>();
  /** Ids and thread ids, for the log-ingestion check. */
  readonly deletedUsers: string[] = [];
  readonly deletedThreads: string[] = [];
  /** Smoke callers that got an ACS identity through the token API; erased with DELETE /api/me. */
  readonly tokenApiSubjects = new Set<string>();
  /** Conversations (`type/id`) the smoke test created through the conversations API; deleted with the service token. */
  readonly conversations = new Set<string>();
}

export interface SmokeReport {
  ok: boolean;
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
}

/** Runs every check in order, skipping those whose precondition failed, and always cleans up. */
export async function runSmokeChecks(deps: SmokeDeps): Promise<SmokeReport> {
  const now = deps.now ?? Date.now;
  const started = now();
  const resources = new SmokeResources();
  const results: CheckResult[] = [];
  const record = (r: CheckResult) => {
    results.push(r);
    deps.onResult?.(r);
    return r;
  };
  const status = (name: CheckName) => results.find((r) => r.name === name)?.status;

  try {
    record(await timed("token-api-liveness", now, () => checkLiveness(deps)));
    if (status("token-api-liveness") === "pass") {
      record(await timed("token-api-readiness", now, () => checkReadiness(deps)));
      record(await timed("token-api-token", now, () => checkTokenMint(deps, resources)));
    } else {
      record(skipped("token-api-readiness", "the token API is not live"));
      record(skipped("token-api-token", "the token API is not live"));
    }
    record(await timed("identity-flow", now, () => checkIdentityFlow(deps.identityClient, resources)));
    if (status("identity-flow") === "pass") {
      record(await timed("chat-flow", now, () => checkChatFlow(deps, resources)));
    } else {
      record(skipped("chat-flow", "the identity flow failed, so chat users cannot be created"));
    }
    if (deps.serviceToken) {
      if (status("token-api-token") === "pass") record(await timed("conversation-flow", now, () => checkConversationFlow(deps, resources)));
      else record(skipped("conversation-flow", "no token could be minted through the token API"));
    }
    if (deps.events) {
      const events = deps.events;
      record(await timed("email-delivery", now, () => checkEmailDelivery(events)));
      if (status("identity-flow") === "pass") {
        record(
          await timed("chat-event", now, () =>
            checkChatEvent({ ...events, identityClient: deps.identityClient, chatClient: deps.chatClient }, resources),
          ),
        );
      } else {
        record(skipped("chat-event", "the identity flow failed, so chat users cannot be created"));
      }
    }
    if (deps.logs) {
      const logs = deps.logs;
      if (status("identity-flow") === "pass" && status("chat-flow") === "pass") {
        record(await timed("log-ingestion", now, () => checkLogIngestion(logs, resources, new Date(started), deps)));
      } else {
        record(skipped("log-ingestion", "no complete set of operations to look for"));
      }
    }
  } finally {
    record(await timed("cleanup", now, () => cleanUp(deps, resources)));
  }
  return {
    ok: results.every((r) => r.status !== "fail"),
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
    results,
  };
}

async function timed(name: CheckName, now: () => number, check: () => Promise<string>): Promise<CheckResult> {
  const t0 = now();
  try {
    const detail = await check();
    return { name, title: checkTitles[name], status: "pass", durationMs: now() - t0, detail };
  } catch (error) {
    if (error instanceof SkipCheck)
      return { name, title: checkTitles[name], status: "skip", durationMs: now() - t0, detail: error.message };
    return { name, title: checkTitles[name], status: "fail", durationMs: now() - t0, detail: describeError(error) };
  }
}

function skipped(name: CheckName, why: string): CheckResult {
  return { name, title: checkTitles[name], status: "skip", durationMs: 0, detail: why };
}

/** A failure the check explains itself (no SDK error to describe). */
export class CheckFailure extends Error {
  override readonly name = "CheckFailure";
}

async function getJson(
  deps: Pick<SmokeDeps, "tokenApiUrl" | "fetch" | "requestTimeoutMs">,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const doFetch = deps.fetch ?? fetch;
  const url = `${deps.tokenApiUrl}${path}`;
  let response: Response;
  try {
    response = await doFetch(url, { ...init, signal: AbortSignal.timeout(deps.requestTimeoutMs ?? 10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new CheckFailure(`${init.method ?? "GET"} ${url} did not answer${cause ? ` (${cause})` : `: ${(error as Error).message}`}`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text; the caller decides whether that is a failure.
  }
  return { status: response.status, body };
}

export async function checkLiveness(deps: SmokeDeps): Promise<string> {
  const path = deps.livenessPath ?? "/healthz";
  const { status } = await getJson(deps, path);
  if (status !== 200) throw new CheckFailure(`GET ${path} answered ${status}, expected 200`);
  return `GET ${path} 200`;
}

export async function checkReadiness(deps: SmokeDeps): Promise<string> {
  const path = deps.readinessPath ?? "/readyz";
  const { status, body } = await getJson(deps, path);
  const ready = body as {
    status?: string;
    checks?: Record<string, string>;
    acsAuth?: { secretVersion?: string; activeKey?: string; mode?: string };
  };
  if (status !== 200 || ready?.status !== "ready") {
    const failing = Object.entries(ready?.checks ?? {})
      .filter(([, v]) => v !== "ok")
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    throw new CheckFailure(`GET ${path} answered ${status}${failing ? ` (${failing})` : ""}, expected 200 ready`);
  }
  const auth = ready.acsAuth;
  return auth?.mode === "key-vault"
    ? `ready; secret version ${auth.secretVersion ?? "?"}, active key ${auth.activeKey ?? "?"}`
    : `ready; ACS auth ${auth?.mode ?? "unknown"}`;
}

export async function checkTokenMint(deps: SmokeDeps, resources = new SmokeResources()): Promise<string> {
  const subject = deps.smokeSubject ?? `smoke-${randomUUID()}`;
  const callerToken = await deps.callerToken(subject);
  resources.tokenApiSubjects.add(subject);
  const path = deps.tokenPath ?? "/api/token";
  const { status, body } = await getJson(deps, path, {
    method: "POST",
    headers: { authorization: `Bearer ${callerToken}`, "content-type": "application/json" },
    // The deployment's default scopes (least privilege: chat.join.limited, voip.join unless the stack allows more).
    body: JSON.stringify({}),
  });
  if (status !== 200 && status !== 201) {
    const code = (body as { error?: { code?: string } })?.error?.code;
    throw new CheckFailure(`POST ${path} answered ${status}${code ? ` ${code}` : ""}, expected 200`);
  }
  const minted = body as { token?: unknown; expiresOn?: unknown };
  if (typeof minted?.token !== "string" || minted.token.split(".").length !== 3) {
    throw new CheckFailure(`POST ${path} answered ${status} without a JWT in "token"`);
  }
  const expiresOn = Date.parse(String(minted.expiresOn));
  const minutesLeft = Math.floor((expiresOn - (deps.now ?? Date.now)()) / 60_000);
  // A token with less than ~10 minutes left makes clients' proactive refresh loop: @azure/communication-common treats a
  // token as expiring 10 minutes before it does (defaultExpiringSoonInterval in autoRefreshTokenCredential,
  // https://github.com/Azure/azure-sdk-for-js/blob/main/sdk/communication/communication-common/src/autoRefreshTokenCredential.ts).
  if (!Number.isFinite(minutesLeft) || minutesLeft < 10) {
    throw new CheckFailure(`POST ${path} returned a token with ${Number.isFinite(minutesLeft) ? minutesLeft : "no"} minutes left`);
  }
  return `minted for ${subject}; ${minutesLeft} minutes left`;
}

/**
 * The conversations API end to end: a conversation created with one member, a second added, a member sends through the
 * chat SDK with the least-privilege token the API hands out, a non-member gets 404 from the API and 403 from ACS, then
 * the conversation is deleted.
 */
export async function checkConversationFlow(
  deps: Pick<SmokeDeps, "tokenApiUrl" | "fetch" | "requestTimeoutMs" | "callerToken" | "serviceToken" | "chatClient" | "tokenPath">,
  resources: SmokeResources,
): Promise<string> {
  const run = randomUUID();
  const [member, added, outsider] = ["a", "b", "x"].map((suffix) => `smoke-${run}-${suffix}`) as [string, string, string];
  const path = `/api/conversations/smoke/${run}`;
  const service = { authorization: `Bearer ${await deps.serviceToken!()}`, "content-type": "application/json" };
  const created = await getJson(deps, path, {
    method: "PUT",
    headers: service,
    body: JSON.stringify({ topic: "acs-platform smoke test", participants: [{ subject: member }] }),
  });
  if (created.status === 403) throw new SkipCheck("the smoke identity lacks the conversations.manage app role on the token API");
  if (created.status !== 201) throw new CheckFailure(`PUT ${path} answered ${created.status}, expected 201`);
  resources.conversations.add(`smoke/${run}`);
  const { threadId } = created.body as { threadId: string };
  // Adding a user maps an ACS identity for them: erased with DELETE /api/me at cleanup like the others.
  resources.tokenApiSubjects.add(added);
  const add = await getJson(deps, `${path}/participants/${added}`, { method: "PUT", headers: service, body: "{}" });
  if (add.status !== 200) throw new CheckFailure(`PUT ${path}/participants/{subject} answered ${add.status}, expected 200`);

  const userToken = async (subject: string) => {
    resources.tokenApiSubjects.add(subject);
    const minted = await getJson(deps, deps.tokenPath ?? "/api/token", {
      method: "POST",
      headers: { authorization: `Bearer ${await deps.callerToken(subject)}`, "content-type": "application/json" },
      body: "{}",
    });
    if (minted.status !== 200) throw new CheckFailure(`POST /api/token for ${subject} answered ${minted.status}`);
    return (minted.body as { token: string }).token;
  };
  const sent = await deps
    .chatClient(await userToken(member))
    .getChatThreadClient(threadId)
    .sendMessage({ content: "smoke member" });
  const outsiderCaller = await deps.callerToken(outsider);
  const hidden = await getJson(deps, path, { headers: { authorization: `Bearer ${outsiderCaller}` } });
  if (hidden.status !== 404) throw new CheckFailure(`GET ${path} as a non-member answered ${hidden.status}, expected 404`);
  const refused = await deps
    .chatClient(await userToken(outsider))
    .getChatThreadClient(threadId)
    .getProperties()
    .then(
      () => undefined,
      (error: { statusCode?: number }) => error.statusCode,
    );
  if (refused !== 403) throw new CheckFailure(`a non-member read the thread (ACS answered ${refused ?? "200"}, expected 403)`);
  const deleted = await getJson(deps, path, { method: "DELETE", headers: service });
  if (deleted.status !== 204) throw new CheckFailure(`DELETE ${path} answered ${deleted.status}, expected 204`);
  resources.conversations.delete(`smoke/${run}`);
  return `conversation smoke/${run}: thread ${threadId}, message ${sent.id} from a member, non-member refused (404, 403), deleted`;
}

/** The identity part, also run by the key rotation to verify a new connection string (its verify-new-key step). */
export async function checkIdentityFlow(client: CommunicationIdentityClient, resources = new SmokeResources()): Promise<string> {
  const user = await client.createUser();
  resources.users.add(user.communicationUserId);
  const token = await client.getToken(user, ["chat"]);
  if (token.token.split(".").length !== 3) throw new CheckFailure("getToken returned something that is not a JWT");
  await client.revokeTokens(user);
  await client.deleteUser(user);
  resources.users.delete(user.communicationUserId);
  resources.deletedUsers.push(user.communicationUserId);
  return `user ${user.communicationUserId} created, token issued, revoked, deleted`;
}

export async function checkChatFlow(deps: Pick<SmokeDeps, "identityClient" | "chatClient">, resources: SmokeResources): Promise<string> {
  const { identityClient } = deps;
  const alice = await identityClient.createUserAndToken(["chat"]);
  resources.users.add(alice.user.communicationUserId);
  const bob = await identityClient.createUserAndToken(["chat"]);
  resources.users.add(bob.user.communicationUserId);

  const aliceChat = deps.chatClient(alice.token);
  const created = await aliceChat.createChatThread(
    { topic: "acs-platform smoke test" },
    {
      participants: [
        { id: alice.user, displayName: "smoke-a" },
        { id: bob.user, displayName: "smoke-b" },
      ],
    },
  );
  const threadId = created.chatThread?.id;
  if (!threadId)
    throw new CheckFailure(`createChatThread returned no thread (invalid participants: ${created.invalidParticipants?.length ?? 0})`);
  resources.threads.set(threadId, aliceChat);

  const fromAlice = await aliceChat.getChatThreadClient(threadId).sendMessage({ content: "smoke from a" });
  const bobThread = deps.chatClient(bob.token).getChatThreadClient(threadId);
  const fromBob = await bobThread.sendMessage({ content: "smoke from b" });

  const seen = new Map<string, string | undefined>();
  for await (const message of bobThread.listMessages()) {
    if (message.type === "text") seen.set(message.id, message.content?.message);
  }
  if (seen.get(fromAlice.id) !== "smoke from a" || seen.get(fromBob.id) !== "smoke from b") {
    throw new CheckFailure(`listMessages returned ${seen.size} text messages without both smoke messages`);
  }
  await aliceChat.deleteChatThread(threadId);
  resources.threads.delete(threadId);
  resources.deletedThreads.push(threadId);
  for (const user of [alice.user, bob.user]) {
    await identityClient.deleteUser(user);
    resources.users.delete(user.communicationUserId);
    resources.deletedUsers.push(user.communicationUserId);
  }
  return `thread ${threadId}: 2 messages sent and listed, thread and both users deleted`;
}

/**
 * KQL for the operations this run made; the time window comes from the query's timespan (the run's start).
 * Identity (AuthOperational) logs land in ACSAuthIncomingOperations, chat logs in ACSChatIncomingOperations
 * (https://learn.microsoft.com/azure/azure-monitor/reference/tables/acsauthincomingoperations and
 * https://learn.microsoft.com/azure/azure-monitor/reference/tables/acschatincomingoperations); the chat table's
 * Identity column names the calling chat user.
 */
export function logQueries(resources: SmokeResources): { table: string; kql: string }[] {
  const chatUsers = resources.deletedUsers.map((id) => `"${id.replace(/["\\]/g, "")}"`).join(", ");
  return [
    {
      table: "ACSAuthIncomingOperations",
      kql: `ACSAuthIncomingOperations | where OperationName in ("CreateIdentity", "IssueAccessToken", "RevokeAccessTokens", "DeleteIdentity") | summarize Count = count() by OperationName`,
    },
    {
      table: "ACSChatIncomingOperations",
      kql: `ACSChatIncomingOperations | where Identity in (${chatUsers}) | summarize Count = count() by OperationName`,
    },
  ];
}

export async function checkLogIngestion(
  logs: NonNullable<SmokeDeps["logs"]>,
  resources: SmokeResources,
  since: Date,
  deps: Pick<SmokeDeps, "now" | "sleep">,
): Promise<string> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + logs.timeoutMs;
  const pending = new Map(logQueries(resources).map((q) => [q.table, q.kql]));
  const found: string[] = [];
  for (;;) {
    for (const [table, kql] of [...pending]) {
      const rows = await logs.query(kql, since);
      const count = rows.reduce((sum, row) => sum + Number(row.Count ?? 0), 0);
      if (count > 0) {
        pending.delete(table);
        found.push(`${table}: ${count}`);
      }
    }
    if (pending.size === 0) return found.join(", ");
    if (now() >= deadline) {
      throw new CheckFailure(
        `no rows in ${[...pending.keys()].join(", ")} after ${Math.round(logs.timeoutMs / 1000)} s (ingestion can take minutes; raise --logs-timeout)`,
      );
    }
    await sleep(Math.min(logs.pollIntervalMs, Math.max(0, deadline - now())));
  }
}

/** Erases the smoke caller through the token API, deletes threads (a participant's token is needed), then users. */
export async function cleanUp(
  deps: Pick<SmokeDeps, "identityClient" | "tokenApiUrl" | "callerToken" | "fetch" | "requestTimeoutMs" | "serviceToken">,
  resources: SmokeResources,
): Promise<string> {
  const problems: string[] = [];
  let callers = 0;
  let conversations = 0;
  for (const conversation of resources.conversations) {
    try {
      const { status } = await getJson(deps, `/api/conversations/${conversation}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${await deps.serviceToken!()}` },
      });
      if (status !== 204) throw new CheckFailure(`DELETE /api/conversations/${conversation} answered ${status}`);
      resources.conversations.delete(conversation);
      conversations++;
    } catch (error) {
      problems.push(`conversation ${conversation}: ${describeError(error)}`);
    }
  }
  let threads = 0;
  let users = 0;
  for (const subject of resources.tokenApiSubjects) {
    try {
      const { status } = await getJson(deps, "/api/me", {
        method: "DELETE",
        headers: { authorization: `Bearer ${await deps.callerToken(subject)}` },
      });
      // 404: the token API never created a mapping (the mint failed before it), so nothing is left.
      if (status !== 204 && status !== 404) throw new CheckFailure(`DELETE /api/me answered ${status}`);
      resources.tokenApiSubjects.delete(subject);
      callers++;
    } catch (error) {
      problems.push(`smoke caller ${subject}: ${describeError(error)}`);
    }
  }
  for (const [threadId, chat] of resources.threads) {
    try {
      await chat.deleteChatThread(threadId);
      resources.threads.delete(threadId);
      threads++;
    } catch (error) {
      problems.push(`thread ${threadId}: ${describeError(error)}`);
    }
  }
  for (const userId of resources.users) {
    try {
      await deps.identityClient.deleteUser({ communicationUserId: userId });
      resources.users.delete(userId);
      users++;
    } catch (error) {
      problems.push(`user ${userId}: ${describeError(error)}`);
    }
  }
  if (problems.length > 0) throw new CheckFailure(`left behind: ${problems.join("; ")}`);
  const parts = [
    conversations && `deleted ${conversations} conversation(s)`,
    callers && `erased ${callers} token API caller(s)`,
    threads && `deleted ${threads} thread(s)`,
    users && `deleted ${users} user(s)`,
  ].filter(Boolean);
  return parts.length === 0 ? "nothing left to remove" : parts.join(", ");
}
