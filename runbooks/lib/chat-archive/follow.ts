// `archive-chat --follow`: keeps the archive current from the chat events the `chat-messages` subscription queues.
// An event is a hint, not a record: it names a thread, which is read again and archived like the bulk export does,
// so duplicates, reordering and events the subscription does not carry (edits, deletions) cost nothing extra.
//
// Event Grid delivers at least once and "duplicates may still be received"
// (https://learn.microsoft.com/azure/event-grid/delivery-and-retry); the chat events carry `threadId` but no
// `sequenceId` or deleted body (https://learn.microsoft.com/azure/event-grid/communication-services-chat-events).
import { decodeEvent, type EventQueue, type QueueMessage } from "../event-checks";
import type { ChatExporter, ThreadResult } from "./export";
import type { DiscoveredThread } from "./source";

/** The run id checkpoints written by `--follow` carry (a resumed bulk run re-reads those threads, which is harmless). */
export const FOLLOW_RUN_ID = "follow";

export interface FollowOptions {
  exporter: ChatExporter;
  queue: EventQueue;
  /** Threads found by the bulk export: their readers; a thread not in it is looked up by discovering again. */
  known: Map<string, DiscoveredThread>;
  /** True once following should stop (a deadline, SIGINT). */
  stopped: () => boolean;
  pollIntervalMs: number;
  sleep?: (ms: number) => Promise<void>;
  onThread?: (result: ThreadResult, events: number) => void;
  onSkip?: (reason: string) => void;
}

export interface FollowReport {
  events: number;
  threads: number;
  recordsWritten: number;
  /** Events naming no thread, or a thread no mapped identity can read (deleted from the queue, reported). */
  ignored: number;
}

/** Seconds a received batch stays invisible to other readers while its threads are archived. */
const VISIBILITY_TIMEOUT_SECONDS = 60;
/** Storage queues return at most 32 messages per receive (Get Messages, `numofmessages`). */
const BATCH = 32;

export async function followEvents(options: FollowOptions): Promise<FollowReport> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const report: FollowReport = { events: 0, threads: 0, recordsWritten: 0, ignored: 0 };
  while (!options.stopped()) {
    const batch = await options.queue.receive(BATCH, VISIBILITY_TIMEOUT_SECONDS);
    if (batch.length === 0) {
      await sleep(options.pollIntervalMs);
      continue;
    }
    // One read per thread per batch, however many copies and per-recipient events name it.
    const byThread = new Map<string, QueueMessage[]>();
    for (const message of batch) {
      report.events++;
      const threadId = decodeEvent(message.messageText)?.data?.threadId;
      if (typeof threadId !== "string" || threadId === "") {
        report.ignored++;
        options.onSkip?.(`queue message ${message.messageId} is not a chat event naming a thread`);
        await options.queue.delete(message);
        continue;
      }
      byThread.set(threadId, [...(byThread.get(threadId) ?? []), message]);
    }
    for (const [threadId, messages] of byThread) {
      let thread = options.known.get(threadId);
      if (!thread) {
        for (const found of await options.exporter.discover()) options.known.set(found.threadId, found);
        thread = options.known.get(threadId);
      }
      if (!thread) {
        report.ignored += messages.length;
        options.onSkip?.(`thread ${threadId} is listed by no mapped identity`);
      } else {
        const result = await options.exporter.exportThread(thread, FOLLOW_RUN_ID);
        report.threads++;
        report.recordsWritten += result.written;
        options.onThread?.(result, messages.length);
      }
      // Deleted only once archived: a crash before this leaves the events to come back after the visibility timeout.
      for (const message of messages) await options.queue.delete(message);
    }
  }
  return report;
}
