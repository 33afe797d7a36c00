// Event Grid delivery for the emulator: wraps each published ACS event in the Event Grid event schema and delivers it
// to the storage queues of the matching subscriptions, with Event Grid's filter, retry and dead-letter behaviour.
//
// Sources (Microsoft Learn):
// - Event schema and its fields: "Azure Event Grid event schema" https://learn.microsoft.com/azure/event-grid/event-schema
//   and the ACS event pages, e.g. https://learn.microsoft.com/azure/event-grid/communication-services-chat-events
//   (`dataVersion` "1.0", `metadataVersion` "1", `topic` = the Communication Services resource id).
// - Storage queue handler: https://learn.microsoft.com/azure/event-grid/handler-storage-queues. Event Grid writes the
//   event JSON Base64-encoded into the message text, as reported on the Learn page's own feedback thread
//   https://github.com/MicrosoftDocs/azure-docs/issues/102923 ("messages pushed by EventGrid are base64 encoded"); the
//   older quickstart note saying "plain text" is the outdated statement that issue is about.
// - Retry and dead-letter: "Event Grid message delivery and retry" https://learn.microsoft.com/azure/event-grid/delivery-and-retry
//   (schedule 10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h, 3 h, 6 h, then every 12 h; 400/413/403 from Azure
//   resources are not retried; the event is dead-lettered when attempts or time-to-live run out, TTL checked only at the
//   next scheduled attempt; dead-lettering happens five minutes after the last attempt; the dead-letter record is the
//   event plus deadLetterReason, deliveryAttempts, lastDeliveryOutcome, publishTime, lastDeliveryAttemptTime) and
//   "Dead letter and retry policies" https://learn.microsoft.com/azure/event-grid/manage-event-delivery (blob name
//   `<SUBSCRIPTION NAME UPPER-CASED>/YYYY/M/D/H/<guid>.json`, date and hour UTC without zero padding, holding an array).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import type { AcsEvent, EventSink } from "./events";
import type { FaultInjector } from "./faults";

/** Event Grid's documented retry schedule (delivery-and-retry, "Retry schedule"); the last step repeats. */
export const AZURE_RETRY_SCHEDULE_MS: readonly number[] = [10, 30, 60, 300, 600, 1800, 3600, 10_800, 21_600, 43_200].map((s) => s * 1000);
/** Longest a `reorder` fault holds a delivery waiting for a later one to the same queue to overtake it (long enough for a loaded test machine to send the next). */
export const REORDER_HOLD_MS = 5000;
/** Event Grid waits five minutes between the last attempt and writing the dead letter (delivery-and-retry, "Dead-letter events"). */
export const AZURE_DEAD_LETTER_DELAY_MS = 5 * 60 * 1000;

/** One event subscription of the system topic, as `components/event-routing` declares it. */
export interface EmulatedSubscription {
  name: string;
  /** `filter.includedEventTypes`: only these event types are delivered. */
  includedEventTypes: string[];
  /** Storage queue destination (the only destination type emulated). */
  queueName: string;
  maxDeliveryAttempts: number;
  eventTimeToLiveInMinutes: number;
  /** Blob container for dead letters; without one, undeliverable events are dropped (as in Azure). */
  deadLetterContainerName?: string;
}

const NAME = /^[A-Za-z0-9-]{3,64}$/;
const QUEUE = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
/** Validates subscriptions given over the admin API; limits from "Event Grid message delivery and retry". */
export const emulatedSubscriptionsSchema = z.array(
  z
    .object({
      name: z.string().regex(NAME, "name must be 3-64 letters, digits and hyphens"),
      includedEventTypes: z
        .array(z.string().regex(/^Microsoft\.Communication\.[A-Za-z]+$/, "event types are Microsoft.Communication.<Type>"))
        .min(1),
      queueName: z.string().regex(QUEUE, "queueName must be 3-63 lowercase letters, digits and single hyphens"),
      maxDeliveryAttempts: z.number().int().min(1).max(30),
      eventTimeToLiveInMinutes: z.number().int().min(1).max(1440),
      deadLetterContainerName: z
        .string()
        .regex(QUEUE, "deadLetterContainerName must be 3-63 lowercase letters, digits and single hyphens")
        .optional(),
    })
    .strict(),
);

export interface EventGridOptions {
  subscriptions: EmulatedSubscription[];
  /** Connection string of the storage account holding the queues and the dead-letter container (Azurite locally). */
  storageConnectionString: string;
  /** Delay before attempt n+1 after attempt n failed; default Event Grid's schedule. The last entry repeats. */
  retryDelaysMs?: readonly number[];
  /** Delay between the last failed attempt and the dead letter; default 5 minutes. */
  deadLetterDelayMs?: number;
}

/** Event Grid's lastDeliveryOutcome values for the failures a storage queue can produce (delivery-and-retry). */
export type DeliveryOutcome =
  "Delivered" | "NotFound" | "Unauthorized" | "Forbidden" | "BadRequest" | "PayloadTooLarge" | "Busy" | "TimedOut" | "SocketError";

/** What happened to one event for one subscription; kept (newest 1000) for the admin API and tests. */
export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  subscription: string;
  status: "pending" | "delivered" | "deadLettered" | "dropped";
  attempts: number;
  lastOutcome?: DeliveryOutcome;
  lastAttemptTime?: string;
  /** `<container>/<blob name>` once dead-lettered. */
  deadLetterBlob?: string;
  /** A `duplicate` fault wrote it twice; a `reorder` fault held it until a later delivery to its queue was written. */
  duplicated?: true;
  reordered?: true;
}

/** An event in the Event Grid event schema. */
export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: Record<string, unknown>;
  dataVersion: string;
  metadataVersion: string;
}

const MAX_RECORDS = 1000;

/** Storage errors carry the HTTP status; network errors a Node error code. */
function outcomeOf(error: unknown): { outcome: DeliveryOutcome; retry: boolean } {
  const status = (error as { statusCode?: number }).statusCode;
  const code = (error as { code?: string }).code;
  // Not retried for Azure-resource destinations: 400, 413 and 403 (delivery-and-retry, "Retry schedule").
  if (status === 400) return { outcome: "BadRequest", retry: false };
  if (status === 413) return { outcome: "PayloadTooLarge", retry: false };
  if (status === 403) return { outcome: "Forbidden", retry: false };
  if (status === 401) return { outcome: "Unauthorized", retry: true };
  if (status === 404) return { outcome: "NotFound", retry: true };
  if (status === 408 || code === "ETIMEDOUT") return { outcome: "TimedOut", retry: true };
  if (status !== undefined && status >= 500) return { outcome: "Busy", retry: true };
  return { outcome: "SocketError", retry: true };
}

/** An error shaped like a storage RestError, for injected faults. */
class InjectedDeliveryError extends Error {
  constructor(
    readonly statusCode: number | undefined,
    readonly code: string | undefined,
  ) {
    super(`Injected delivery fault (${statusCode ?? code ?? "drop"})`);
  }
}

/** `<NAME>/YYYY/M/D/H/<guid>.json` in UTC without zero padding (manage-event-delivery). */
export function deadLetterBlobName(subscriptionName: string, at: Date, id: string = randomUUID()): string {
  return `${subscriptionName.toUpperCase()}/${at.getUTCFullYear()}/${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCHours()}/${id}.json`;
}

/** Decodes one storage-queue message Event Grid wrote (Base64 of the event JSON). */
export function decodeQueueMessage(messageText: string): EventGridEvent {
  return JSON.parse(Buffer.from(messageText, "base64").toString("utf8")) as EventGridEvent;
}

export class EventGridDelivery implements EventSink {
  private readonly queues: QueueServiceClient;
  private readonly blobs: BlobServiceClient;
  private readonly retryDelays: readonly number[];
  private readonly deadLetterDelay: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Per queue: deliveries held by a `reorder` fault, released by the next write to that queue. */
  private readonly held = new Map<string, Array<() => void>>();
  private closed = false;
  readonly records: DeliveryRecord[] = [];

  constructor(
    private readonly options: EventGridOptions,
    private readonly context: { topic: () => string; faults: FaultInjector; now: () => number },
  ) {
    // One try per attempt: Event Grid's schedule is the only retry, and it waits 30 s for an answer (delivery-and-retry).
    const pipeline = { retryOptions: { maxTries: 1, tryTimeoutInMs: 30_000 } };
    this.queues = QueueServiceClient.fromConnectionString(options.storageConnectionString, pipeline);
    this.blobs = BlobServiceClient.fromConnectionString(options.storageConnectionString, pipeline);
    this.retryDelays = options.retryDelaysMs ?? AZURE_RETRY_SCHEDULE_MS;
    this.deadLetterDelay = options.deadLetterDelayMs ?? AZURE_DEAD_LETTER_DELAY_MS;
  }

  get subscriptions(): readonly EmulatedSubscription[] {
    return this.options.subscriptions;
  }

  /** Replaces the subscriptions (admin `PUT /event-subscriptions`); deliveries already started keep their subscription. */
  replaceSubscriptions(subscriptions: EmulatedSubscription[]): void {
    this.options.subscriptions = subscriptions;
  }

  /** Wraps the ACS event in the Event Grid schema and starts one delivery per matching subscription; never throws. */
  publish(event: AcsEvent): void {
    if (this.closed) return;
    const envelope: EventGridEvent = {
      id: randomUUID(),
      topic: this.context.topic(),
      subject: event.subject,
      eventType: event.eventType,
      eventTime: new Date(this.context.now()).toISOString(),
      data: event.data,
      dataVersion: "1.0",
      metadataVersion: "1",
    };
    for (const subscription of this.options.subscriptions) {
      if (!subscription.includedEventTypes.includes(event.eventType)) continue;
      const record: DeliveryRecord = {
        eventId: envelope.id,
        eventType: envelope.eventType,
        subscription: subscription.name,
        status: "pending",
        attempts: 0,
      };
      this.records.push(record);
      if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
      this.track(this.attempt(subscription, envelope, record, this.context.now()));
    }
  }

  /** Resolves when every delivery started so far is final (delivered, dead-lettered or dropped), retries included. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops retries; deliveries waiting for a timer are abandoned. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.settled();
  }

  /** Resolves once another delivery to `queueName` was written, or after REORDER_HOLD_MS (none came). */
  private overtaken(queueName: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, REORDER_HOLD_MS);
      const waiting = this.held.get(queueName) ?? [];
      waiting.push(done);
      this.held.set(queueName, waiting);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** A delivery to `queueName` was written: every delivery held for it may go now, after it. */
  private release(queueName: string): void {
    const waiting = this.held.get(queueName);
    if (!waiting) return;
    this.held.delete(queueName);
    for (const done of waiting) done();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private later(ms: number, work: () => Promise<void>): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) this.track(work());
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(
    subscription: EmulatedSubscription,
    event: EventGridEvent,
    record: DeliveryRecord,
    publishedAt: number,
  ): Promise<void> {
    // Time-to-live is checked only when an attempt is due (delivery-and-retry).
    if (record.attempts > 0 && this.context.now() - publishedAt > subscription.eventTimeToLiveInMinutes * 60_000) {
      return this.giveUp(subscription, event, record, publishedAt, "TimeToLiveExceeded");
    }
    record.attempts += 1;
    record.lastAttemptTime = new Date(this.context.now()).toISOString();
    let failure: { outcome: DeliveryOutcome; retry: boolean } | undefined;
    try {
      const fault = this.context.faults.take(["deliverEvent", `deliverEvent:${subscription.name}`], { wildcard: false });
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.drop) throw new InjectedDeliveryError(undefined, "ECONNRESET");
      if (fault?.status !== undefined) throw new InjectedDeliveryError(fault.status, undefined);
      const text = Buffer.from(JSON.stringify(event), "utf8").toString("base64");
      const queue = this.queues.getQueueClient(subscription.queueName);
      if (fault?.reorder) {
        record.reordered = true;
        await this.overtaken(subscription.queueName);
      }
      await queue.sendMessage(text);
      if (!fault?.reorder) this.release(subscription.queueName);
      // The same event twice (same id): an at-least-once redelivery, as a consumer must expect.
      if (fault?.duplicate) {
        record.duplicated = true;
        await queue.sendMessage(text);
      }
      record.status = "delivered";
      record.lastOutcome = "Delivered";
      return;
    } catch (error) {
      failure = outcomeOf(error);
    }
    record.lastOutcome = failure.outcome;
    if (!failure.retry) return this.giveUp(subscription, event, record, publishedAt, "MaxDeliveryAttemptsExceeded");
    if (record.attempts >= subscription.maxDeliveryAttempts)
      return this.giveUp(subscription, event, record, publishedAt, "MaxDeliveryAttemptsExceeded");
    const delay = this.retryDelays[Math.min(record.attempts - 1, this.retryDelays.length - 1)] ?? 0;
    this.later(delay, () => this.attempt(subscription, event, record, publishedAt));
  }

  private async giveUp(
    subscription: EmulatedSubscription,
    event: EventGridEvent,
    record: DeliveryRecord,
    publishedAt: number,
    reason: string,
  ): Promise<void> {
    const container = subscription.deadLetterContainerName;
    if (!container) {
      record.status = "dropped";
      return;
    }
    this.later(this.deadLetterDelay, async () => {
      const at = new Date(this.context.now());
      const name = deadLetterBlobName(subscription.name, at);
      const body = JSON.stringify([
        {
          ...event,
          deadLetterReason: reason,
          deliveryAttempts: record.attempts,
          lastDeliveryOutcome: record.lastOutcome,
          publishTime: new Date(publishedAt).toISOString(),
          lastDeliveryAttemptTime: record.lastAttemptTime,
        },
      ]);
      try {
        await this.blobs
          .getContainerClient(container)
          .getBlockBlobClient(name)
          .upload(body, Buffer.byteLength(body), {
            blobHTTPHeaders: { blobContentType: "application/json" },
          });
        record.status = "deadLettered";
        record.deadLetterBlob = `${container}/${name}`;
      } catch {
        // Azure drops the event when the dead-letter location is unavailable (after four hours; here at once).
        record.status = "dropped";
      }
    });
  }
}
