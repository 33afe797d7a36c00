// `npm run archive-chat`: exports every chat thread the platform can reach into the chat archive container as JSONL,
// resumable and idempotent, verified against the source; `--follow` keeps it current from the chat events.
import {
  ExitCode,
  consoleOutput,
  describeError,
  parseCommandLine,
  parseSeconds,
  usageFailure,
  UsageError,
  type Output,
} from "../tools/cli-kit";
import type { ExportReport, ThreadResult } from "./lib/chat-archive/export";
import type { FollowReport } from "./lib/chat-archive/follow";
import type { ArchiveDeps } from "./lib/chat-archive/wiring";
import type { EventQueue } from "./lib/event-checks";
import type { Target } from "./lib/target";
import { TARGET_OPTIONS, targetFlagsOf, targetHelp } from "./lib/target-flags";

/** Threads read at once; each reads as its own participant, so the per-user limits spread (service-limits, "Chat"). */
export const DEFAULT_ARCHIVE_CONCURRENCY = 8;

export const archiveChatHelp = `Usage: npm run archive-chat -- (--stack NAME | --outputs FILE | --local) [options]

Exports every chat thread the platform can reach into the chat archive blob container (output
chatArchiveBlobEndpoint, container chat-archive), before ACS chat retires on 2028-09-30:
  1. lists the identities in the token API's mapping table and, for each, the threads it takes part in (with a
     chat.join.limited token minted for it through the identity API)
  2. reads each thread (properties, participants, every message with its edits and deletions) as the member whose
     history reaches furthest back
  3. appends what the archive lacks as one create-only JSONL segment per thread (threads/<sha256 of the id>/NNNNNN.jsonl)
  4. reads the archive back, compares it with the source and checkpoints the thread (container chat-archive-state)
A re-run writes nothing already archived; a run killed halfway resumes where it stopped. Deleted threads are
archived as far as ACS still lists them; a thread no mapped identity may read is reported as unreachable.

${targetHelp(24)}

Options:
  --concurrency N       threads read at once (default ${DEFAULT_ARCHIVE_CONCURRENCY})
  --follow              after the export, keep the archive current from the chat-messages event queue (Ctrl-C stops)
  --follow-seconds S    with --follow: stop after S seconds
  --dry-run             compare the archive with the source and say what an export would add; write nothing
  --json                print one JSON document instead of lines
  -h, --help            show this help

Roles (Azure): Key Vault Secrets User on the vault (the ACS connection string mints the read tokens), Storage Table
Data Reader on the mapping table, Storage Blob Data Contributor on the chat archive account, and for --follow Storage
Queue Data Message Processor on the chat-messages queue. See docs/runbooks/archive-chat.md.

Exit codes: 0 every thread archived and verified (dry run: nothing to add); 1 a thread differs from the source, is
unreachable, or a call failed (re-run to resume); 2 bad arguments or unusable target.
Example: npm run archive-chat -- --local --json`;

const flags = {
  ...TARGET_OPTIONS,
  concurrency: { type: "string" },
  follow: { type: "boolean" },
  "follow-seconds": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export interface ArchiveChatDeps {
  out?: Output;
  /** Replaces the real clients (tests). */
  archive?: ArchiveDeps;
  queue?: EventQueue;
  /** Whether progress may redraw one terminal line (default: stderr is a TTY). */
  tty?: boolean;
}

export function parseConcurrency(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_ARCHIVE_CONCURRENCY;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 64)
    throw new UsageError(`--concurrency must be an integer from 1 to 64, got "${raw}"`);
  return value;
}

function threadLine(r: ThreadResult): string | undefined {
  if (r.status === "verified" || r.status === "skipped" || r.status === "deleted") return undefined;
  return `  ${r.status.toUpperCase()}  ${r.threadId}: ${r.detail ?? ""}`;
}

export function summaryLine(report: ExportReport, dryRun: boolean): string {
  const head = report.ok ? (dryRun ? "COMPLETE" : "OK") : dryRun ? "INCOMPLETE" : "FAILED";
  return (
    `${head}: ${report.threads} threads (${report.verified} verified, ${report.skipped} already done in this run, ` +
    `${report.deleted} deleted, ${report.unreachable.length} unreachable, ${report.incomplete.length} ${dryRun ? "to update" : "mismatched"}); ` +
    `messages source ${report.sourceMessages}, archive ${report.archivedMessages}; ` +
    `${dryRun ? "records to add" : "records written"} ${dryRun ? report.incomplete.reduce((n, r) => n + r.written, 0) : report.recordsWritten}`
  );
}

export async function main(argv: string[], deps: ArchiveChatDeps = {}): Promise<number> {
  const out = deps.out ?? consoleOutput(argv.includes("--json"));
  let args: ReturnType<typeof parseCommandLine<typeof flags>>;
  let target: Target;
  let archive: ArchiveDeps;
  let queue: EventQueue | undefined;
  let concurrency: number;
  let followMs: number | undefined;
  try {
    args = parseCommandLine(argv, flags);
    if (args.help) {
      out.line(archiveChatHelp);
      if (out.json) out.document({ help: archiveChatHelp });
      return ExitCode.ok;
    }
    concurrency = parseConcurrency(args.concurrency);
    if (args["follow-seconds"] !== undefined && !args.follow) throw new UsageError("--follow-seconds only goes with --follow");
    if (args.follow && args["dry-run"]) throw new UsageError("--follow writes the archive; it does not go with --dry-run");
    followMs = args["follow-seconds"] === undefined ? undefined : parseSeconds("follow-seconds", args["follow-seconds"], 0) * 1000;
    const { requireFields, resolveTarget } = await import("./lib/target");
    target = await resolveTarget(targetFlagsOf(args));
    if (target.kind !== "local") requireFields(target, ["mappingTableEndpoint", "chatArchiveBlobEndpoint"], "to archive chat");
    const { connectionStringFor, credentialFor } = await import("./lib/environment");
    const { archiveDepsFor, chatEventQueueFor } = await import("./lib/chat-archive/wiring");
    const credential = await credentialFor(target);
    archive = deps.archive ?? archiveDepsFor(target, credential, await connectionStringFor(target, credential));
    if (args.follow) queue = deps.queue ?? chatEventQueueFor(target, credential);
  } catch (error) {
    return usageFailure(out, error);
  }
  const dryRun = args["dry-run"] === true;
  const tty = deps.tty ?? (process.stderr.isTTY === true && !out.json);
  out.line(
    `${dryRun ? "Dry run: comparing" : "Archiving"} the chat of ${target.label} ${dryRun ? "with" : "into"} ${archive.archiveLocation}`,
  );

  const { ChatExporter } = await import("./lib/chat-archive/export");
  const { mappingTableSource } = await import("./lib/chat-archive/source");
  let lastDecile = -1;
  const exporter = new ChatExporter({
    store: archive.store,
    reader: archive.reader,
    sources: [mappingTableSource(archive.identities, archive.reader, concurrency)],
    concurrency,
    checkOnly: dryRun,
    onThread: (r) => {
      const line = threadLine(r);
      if (line) out.line(line);
    },
    onProgress: (p) => {
      if (p.phase !== "export") return;
      const text = `exported ${p.done}/${p.total} threads, ${p.messages} messages`;
      if (tty) process.stderr.write(`\r${text}${p.done === p.total ? "\n" : ""}`);
      else if (Math.floor((p.done * 10) / p.total) > lastDecile) {
        lastDecile = Math.floor((p.done * 10) / p.total);
        out.line(`  ${text}`);
      }
    },
  });

  let report: ExportReport;
  try {
    if (!dryRun) await archive.store.ensureContainers();
    else await archive.store.checkContainers();
    report = await exporter.run();
  } catch (error) {
    const message = describeError(error);
    out.error(`error: ${message} (re-run to resume)`);
    if (out.json) out.document({ ok: false, target: target.label, error: message });
    return ExitCode.failed;
  }
  out.line(summaryLine(report, dryRun));

  let follow: FollowReport | undefined;
  if (queue) {
    const { followEvents } = await import("./lib/chat-archive/follow");
    const known = new Map((await exporter.discover()).map((t) => [t.threadId, t]));
    const deadline = followMs === undefined ? Infinity : Date.now() + followMs;
    let interrupted = false;
    const onSignal = () => {
      interrupted = true;
    };
    process.once("SIGINT", onSignal);
    out.line(`Following the chat-messages queue${followMs === undefined ? " (Ctrl-C stops)" : ` for ${followMs / 1000} s`}`);
    try {
      follow = await followEvents({
        exporter,
        queue,
        known,
        stopped: () => interrupted || Date.now() >= deadline,
        pollIntervalMs: target.kind === "local" ? 250 : 5000,
        onThread: (r, events) =>
          out.line(
            `  ${r.status === "verified" ? "ARCHIVED" : r.status.toUpperCase()}  ${r.threadId}: ${events} events, ${r.written} records`,
          ),
        onSkip: (reason) => out.line(`  SKIP  ${reason}`),
      });
    } catch (error) {
      const message = describeError(error);
      out.error(`error: following stopped: ${message}`);
      if (out.json) out.document({ target: target.label, ...report, ok: false, error: message });
      return ExitCode.failed;
    } finally {
      process.removeListener("SIGINT", onSignal);
    }
    out.line(
      `Followed ${follow.events} events: ${follow.threads} thread reads, ${follow.recordsWritten} records written, ${follow.ignored} ignored`,
    );
  }
  if (out.json) out.document({ target: target.label, dryRun, ...report, ...(follow ? { follow } : {}) });
  return report.ok ? ExitCode.ok : ExitCode.failed;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
