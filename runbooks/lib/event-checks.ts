// The smoke checks for email and event delivery: send from each sender domain and wait for the delivery report on the
// email-delivery queue; post a chat message and wait for ChatMessageReceived on the chat queue. Each names the
// subscription and queue it depends on when something is missing, and deletes the queue messages it consumed.
//
// Event Grid writes each event into a storage queue as the Base64 of its JSON (see tools/acs-emulator/eventgrid.ts
// for the sources). Reading needs the data role "Storage Queue Data Message Processor"
// (8a0f0c08-91a1-4084-bc3d-661d67233fed: peek, retrieve and delete messages), Microsoft Learn "Azure built-in roles
// for Storage" https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage.
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { describeError } from "../../tools/cli-kit";
import type { ChatClientFactory, SmokeResources } from "./smoke-checks";

/** The role an operator needs on the routing queues to run these checks against Azure. */
export const QUEUE_READER_ROLE = { name: "Storage Queue Data Message Processor", id: "8a0f0c08-91a1-4084-bc3d-661d67233fed" } as const;

export const EMAIL_REPORT_EVENT = "Microsoft.Communication.EmailDeliveryReportReceived";
export const CHAT_MESSAGE_EVENT = "Microsoft.Communication.ChatMessageReceived";

/** One event subscription of the stack (stack output `eventSubscriptions`, or env.json `events.subscriptions`). */
export interface EventRoute {
  name: string;
  eventTypes: string[];
  queueName?: string;
}

/** One received queue message, as @azure/storage-queue returns it. */
export interface QueueMessage {
  messageId: string;
  popReceipt: string;
  messageText: string;
}

/** The operations the checks use on one storage queue. */
export interface EventQueue {
  receive(count: number, visibilityTimeoutSeconds: number): Promise<QueueMessage[]>;
  delete(message: QueueMessage): Promise<void>;
}

/** Sends one email and waits for the long-running operation; resolves with its id and final status. */
export type EmailSend = (message: {
  senderAddress: string;
  recipient: string;
  subject: string;
  plainText: string;
}) => Promise<{ id: string; status: string; error?: string }>;

export interface EventCheckDeps {
  /** Set when the target cannot say where events land (e.g. outputs of an older deploy): both checks skip with it. */
  unavailable?: string;
  routes: EventRoute[];
  queue: (queueName: string) => EventQueue;
  /** ARM id of the storage account holding the queues (Azure), for the role-assignment hint of a 403. */
  queueAccountScope?: string;
  /** How long to wait for an event to arrive (Azure: minutes; locally seconds). */
  timeoutMs: number;
  pollIntervalMs: number;
  email?: { send: EmailSend; senders: string[]; recipient?: string };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A failure the check explains itself (no SDK error to describe). */
export class EventCheckFailure extends Error {
  override readonly name = "EventCheckFailure";
}

/** Thrown for a precondition the stack does not meet (no such subscription): the check is skipped with this reason. */
export class SkipCheck extends Error {
  override readonly name = "SkipCheck";
}

/** The subscription that routes `eventType` to a storage queue, or a SkipCheck naming what is missing. */
export function routeFor(routes: EventRoute[], eventType: string): EventRoute & { queueName: string } {
  const route = routes.find((r) => r.eventTypes.includes(eventType) && r.queueName);
  if (route?.queueName) return { ...route, queueName: route.queueName };
  const elsewhere = routes.find((r) => r.eventTypes.includes(eventType));
  throw new SkipCheck(
    elsewhere
      ? `subscription ${elsewhere.name} routes ${short(eventType)} to a destination other than a storage queue`
      : `no event subscription routes ${short(eventType)}`,
  );
}

const short = (eventType: string): string => eventType.replace(/^Microsoft\.Communication\./, "");

function explainQueueError(error: unknown, route: EventRoute & { queueName: string }, scope: string | undefined): EventCheckFailure {
  const status = (error as { statusCode?: number }).statusCode;
  const code = (error as { code?: string }).code;
  const where = `queue ${route.queueName} of subscription ${route.name}`;
  if (status === 403) {
    return new EventCheckFailure(
      `cannot read ${where}: 403 ${code ?? "Forbidden"}; the smoke identity needs the role ` +
        `"${QUEUE_READER_ROLE.name}" (${QUEUE_READER_ROLE.id}) on the queue or its storage account` +
        (scope ? ` (az role assignment create --role ${QUEUE_READER_ROLE.id} --assignee <object id> --scope ${scope})` : ""),
    );
  }
  if (status === 404) return new EventCheckFailure(`${where} does not exist (404 ${code ?? "NotFound"})`);
  return new EventCheckFailure(`cannot read ${where}: ${describeError(error)}`);
}

/** A decoded queue message, or undefined when it is not an Event Grid event in Base64 JSON. */
export function decodeEvent(text: string): { eventType?: string; data?: Record<string, unknown> } | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, "base64").toString("utf8")) as unknown;
    return value !== null && typeof value === "object" ? (value as { eventType?: string; data?: Record<string, unknown> }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls the route's queue until every wanted key has an event, deleting the matching messages (the ones this run
 * consumed). Other messages become visible again after a short visibility timeout, so real consumers keep them.
 */
export async function awaitEvents(
  deps: Pick<EventCheckDeps, "queue" | "timeoutMs" | "pollIntervalMs" | "now" | "sleep" | "queueAccountScope">,
  route: EventRoute & { queueName: string },
  eventType: string,
  keyOf: (data: Record<string, unknown>) => string | undefined,
  wanted: ReadonlySet<string>,
  /** Other events this run caused (e.g. of its own earlier threads): deleted when seen, not waited for. */
  alsoOurs: (data: Record<string, unknown>) => boolean = () => false,
): Promise<Map<string, Record<string, unknown>>> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const queue = deps.queue(route.queueName);
  const found = new Map<string, Record<string, unknown>>();
  const deadline = now() + deps.timeoutMs;
  for (;;) {
    let batch: QueueMessage[];
    do {
      try {
        batch = await queue.receive(32, 5);
      } catch (error) {
        throw explainQueueError(error, route, deps.queueAccountScope);
      }
      for (const message of batch) {
        const event = decodeEvent(message.messageText);
        const key = event?.eventType === eventType && event.data ? keyOf(event.data) : undefined;
        const wantedHere = key !== undefined && wanted.has(key);
        if (!wantedHere && !(event?.eventType === eventType && event.data && alsoOurs(event.data))) continue;
        if (wantedHere) found.set(key, event!.data!);
        try {
          await queue.delete(message);
        } catch (error) {
          throw explainQueueError(error, route, deps.queueAccountScope);
        }
      }
      // A backlog bigger than one visibility timeout never runs dry: the deadline bounds the scan too.
    } while (batch.length > 0 && found.size < wanted.size && now() < deadline);
    if (found.size >= wanted.size) return found;
    if (now() >= deadline) return found;
    await sleep(Math.min(deps.pollIntervalMs, Math.max(0, deadline - now())));
  }
}

/** Sends one email from the first sender of each domain and waits for each one's EmailDeliveryReportReceived. */
export async function checkEmailDelivery(deps: EventCheckDeps): Promise<string> {
  if (deps.unavailable) throw new SkipCheck(deps.unavailable);
  const email = deps.email;
  if (!email || email.senders.length === 0) throw new SkipCheck("the stack configures no email sender");
  if (!email.recipient) throw new SkipCheck("no test recipient (pass --email-to ADDRESS)");
  const route = routeFor(deps.routes, EMAIL_REPORT_EVENT);
  const perDomain = new Map<string, string>();
  for (const sender of email.senders) {
    const domain = sender.slice(sender.lastIndexOf("@") + 1).toLowerCase();
    if (!perDomain.has(domain)) perDomain.set(domain, sender);
  }
  const sent = new Map<string, string>(); // message id -> sender
  for (const sender of perDomain.values()) {
    let result: Awaited<ReturnType<EmailSend>>;
    try {
      result = await email.send({
        senderAddress: sender,
        recipient: email.recipient,
        subject: "acs-platform smoke test",
        plainText: "Sent by npm run smoke; no action needed.",
      });
    } catch (error) {
      throw new EventCheckFailure(`sending from ${sender} failed: ${describeError(error)}`);
    }
    if (result.status !== "Succeeded")
      throw new EventCheckFailure(`sending from ${sender} ended ${result.status}${result.error ? `: ${result.error}` : ""}`);
    sent.set(result.id, sender);
  }
  // The delivery report's `messageId` is the id of the send operation (Learn "Azure Communication Services - Email events").
  const reports = await awaitEvents(
    deps,
    route,
    EMAIL_REPORT_EVENT,
    (d) => (typeof d.messageId === "string" ? d.messageId : undefined),
    new Set(sent.keys()),
  );
  const missing = [...sent].filter(([id]) => !reports.has(id));
  if (missing.length > 0) {
    throw new EventCheckFailure(
      `no ${short(EMAIL_REPORT_EVENT)} on queue ${route.queueName} (subscription ${route.name}) after ` +
        `${Math.round(deps.timeoutMs / 1000)} s for ${missing.map(([id, s]) => `message ${id} from ${s}`).join(", ")}`,
    );
  }
  const notDelivered = [...reports].filter(([, d]) => d.status !== "Delivered");
  if (notDelivered.length > 0) {
    throw new EventCheckFailure(
      `delivery report says ${notDelivered.map(([id, d]) => `${String(d.status)} for message ${id} from ${sent.get(id)}`).join(", ")}`,
    );
  }
  return `${sent.size} email(s) from ${[...perDomain.keys()].join(", ")} to ${email.recipient}: sent, Delivered report on queue ${route.queueName} (subscription ${route.name})`;
}

/** Two users, a thread, one message; waits for the recipient's ChatMessageReceived on the chat queue. */
export async function checkChatEvent(
  deps: EventCheckDeps & { identityClient: CommunicationIdentityClient; chatClient: ChatClientFactory },
  resources: SmokeResources,
): Promise<string> {
  if (deps.unavailable) throw new SkipCheck(deps.unavailable);
  const route = routeFor(deps.routes, CHAT_MESSAGE_EVENT);
  const alice = await deps.identityClient.createUserAndToken(["chat"]);
  resources.users.add(alice.user.communicationUserId);
  const bob = await deps.identityClient.createUserAndToken(["chat"]);
  resources.users.add(bob.user.communicationUserId);
  const chat = deps.chatClient(alice.token);
  const created = await chat.createChatThread(
    { topic: "acs-platform smoke test (events)" },
    { participants: [{ id: alice.user }, { id: bob.user }] },
  );
  const threadId = created.chatThread?.id;
  if (!threadId) throw new EventCheckFailure("createChatThread returned no thread");
  resources.threads.set(threadId, chat);
  const { id: messageId } = await chat.getChatThreadClient(threadId).sendMessage({ content: "smoke event" });
  const events = await awaitEvents(
    deps,
    route,
    CHAT_MESSAGE_EVENT,
    (d) => (d.threadId === threadId && typeof d.messageId === "string" ? d.messageId : undefined),
    new Set([messageId]),
    // The chat-flow check's messages raise ChatMessageReceived too; they are this run's, so they go as well.
    (d) => typeof d.threadId === "string" && resources.deletedThreads.includes(d.threadId),
  );
  if (!events.has(messageId)) {
    throw new EventCheckFailure(
      `no ${short(CHAT_MESSAGE_EVENT)} for message ${messageId} on queue ${route.queueName} (subscription ${route.name}) after ${Math.round(deps.timeoutMs / 1000)} s`,
    );
  }
  const event = events.get(messageId)!;
  if (event.recipientId !== bob.user.communicationUserId) {
    throw new EventCheckFailure(
      `${short(CHAT_MESSAGE_EVENT)} for message ${messageId} names recipient ${String(event.recipientId)}, expected the other participant`,
    );
  }
  await chat.deleteChatThread(threadId);
  resources.threads.delete(threadId);
  resources.deletedThreads.push(threadId);
  for (const user of [alice.user, bob.user]) {
    await deps.identityClient.deleteUser(user);
    resources.users.delete(user.communicationUserId);
    resources.deletedUsers.push(user.communicationUserId);
  }
  return `message ${messageId} arrived as ${short(CHAT_MESSAGE_EVENT)} on queue ${route.queueName} (subscription ${route.name})`;
}
