// `npm run decommission`: the exit runbook. Checks the chat archive is complete and no phone number is still attached,
// then prints in order what removing the platform takes (locks, protect, destroy, vault purge). It never removes anything.
import { ExitCode, consoleOutput, describeError, parseCommandLine, usageFailure, type Output } from "../tools/cli-kit";
import type { DecommissionCheck } from "./lib/decommission-plan";
import type { ExportReport } from "./lib/chat-archive/export";
import type { ArchiveDeps } from "./lib/chat-archive/wiring";
import type { Target } from "./lib/target";
import { TARGET_OPTIONS, targetFlagsOf, targetHelp } from "./lib/target-flags";

export const decommissionHelp = `Usage: npm run decommission -- (--stack NAME | --outputs FILE | --local) [options]

The exit runbook, before ACS retires on 2028-09-30 or when the platform is no longer needed:
  1. brings the chat archive up to date (npm run archive-chat) and checks it is complete: every thread the platform
     can reach archived in its latest state (with --dry-run: only checks, writes nothing)
  2. lists the phone numbers still attached to the ACS resource: release or port them first, or they stay billed
  3. prints, in order, what removing the platform takes: the archive kept, the management locks and Pulumi protect
     removed, the destroy, the vault purge, each with its command
It runs none of step 3: an operator does, in that order, once both checks pass.

${targetHelp(24)}

Options:
  --dry-run             check the archive without adding to it
  --json                print one JSON document instead of lines
  -h, --help            show this help

Roles (Azure): those of npm run archive-chat (with --dry-run, Storage Blob Data Reader is enough), and the ACS
connection string reads the phone numbers. See docs/runbooks/decommission.md.

Exit codes: 0 both checks pass (the steps are printed); 1 the archive is incomplete or a phone number is attached (the
line says which), or a call failed; 2 bad arguments or unusable target.
Example: npm run decommission -- --stack prod --dry-run`;

const flags = {
  ...TARGET_OPTIONS,
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export interface DecommissionDeps {
  out?: Output;
  archive?: ArchiveDeps;
  /** Lists the phone numbers purchased on the resource (tests). */
  phoneNumbers?: () => Promise<string[]>;
}

/** Purchased numbers through the Phone Numbers SDK (GET /phoneNumbers, PhoneNumbers_ListPhoneNumbers). */
async function sdkPhoneNumbers(target: Target, connectionString: string): Promise<string[]> {
  const { PhoneNumbersClient } = await import("@azure/communication-phone-numbers");
  const { sdkOptions } = await import("./lib/environment");
  const client = new PhoneNumbersClient(connectionString, sdkOptions(target));
  const out: string[] = [];
  for await (const number of client.listPurchasedPhoneNumbers()) out.push(number.phoneNumber);
  return out;
}

export function archiveCheck(report: ExportReport): DecommissionCheck {
  if (report.ok) {
    return {
      name: "chat-archive",
      title: "chat archive complete",
      ok: true,
      detail: `${report.threads} threads, ${report.archivedMessages} messages archived`,
    };
  }
  const missing = [
    ...report.incomplete.map((r) => `${r.threadId} (${r.written} records to add)`),
    ...report.unreachable.map((r) => `${r.threadId} (unreachable: ${r.detail ?? ""})`),
  ];
  return {
    name: "chat-archive",
    title: "chat archive complete",
    ok: false,
    detail: `${missing.length} of ${report.threads} threads not archived: ${missing.join("; ")}; run npm run archive-chat`,
  };
}

export function phoneCheck(numbers: string[]): DecommissionCheck {
  return numbers.length === 0
    ? { name: "phone-numbers", title: "phone numbers", ok: true, detail: "none attached to the resource" }
    : {
        name: "phone-numbers",
        title: "phone numbers",
        ok: false,
        detail: `${numbers.length} still attached: ${numbers.join(", ")}; release or port them before the destroy`,
      };
}

export async function main(argv: string[], deps: DecommissionDeps = {}): Promise<number> {
  const out = deps.out ?? consoleOutput(argv.includes("--json"));
  let args: ReturnType<typeof parseCommandLine<typeof flags>>;
  let target: Target;
  let archive: ArchiveDeps;
  let phoneNumbers: () => Promise<string[]>;
  try {
    args = parseCommandLine(argv, flags);
    if (args.help) {
      out.line(decommissionHelp);
      if (out.json) out.document({ help: decommissionHelp });
      return ExitCode.ok;
    }
    const { requireFields, resolveTarget } = await import("./lib/target");
    target = await resolveTarget(targetFlagsOf(args));
    if (target.kind !== "local") requireFields(target, ["mappingTableEndpoint", "chatArchiveBlobEndpoint"], "to check the chat archive");
    const { connectionStringFor, credentialFor } = await import("./lib/environment");
    const { archiveDepsFor } = await import("./lib/chat-archive/wiring");
    const credential = await credentialFor(target);
    const connectionString = await connectionStringFor(target, credential);
    archive = deps.archive ?? archiveDepsFor(target, credential, connectionString);
    phoneNumbers = deps.phoneNumbers ?? (() => sdkPhoneNumbers(target, connectionString));
  } catch (error) {
    return usageFailure(out, error);
  }
  const dryRun = args["dry-run"] === true;
  const stack = args.stack ?? (target.kind === "local" ? "dev" : "<stack>");
  out.line(`${dryRun ? "Dry run: " : ""}Decommissioning ${target.label}: checks first, then the steps`);

  const checks: DecommissionCheck[] = [];
  let archiveReport: ExportReport;
  try {
    const { ChatExporter } = await import("./lib/chat-archive/export");
    const { mappingTableSource } = await import("./lib/chat-archive/source");
    const { DEFAULT_ARCHIVE_CONCURRENCY } = await import("./archive-chat");
    const options = {
      store: archive.store,
      reader: archive.reader,
      sources: [mappingTableSource(archive.identities, archive.reader, DEFAULT_ARCHIVE_CONCURRENCY)],
      concurrency: DEFAULT_ARCHIVE_CONCURRENCY,
    };
    if (!dryRun) {
      await archive.store.ensureContainers();
      await new ChatExporter(options).run();
    } else await archive.store.checkContainers();
    archiveReport = await new ChatExporter({ ...options, checkOnly: true }).run();
    checks.push(archiveCheck(archiveReport));
    checks.push(phoneCheck(await phoneNumbers()));
  } catch (error) {
    const message = describeError(error);
    out.error(`error: ${message}`);
    if (out.json) out.document({ ok: false, target: target.label, error: message });
    return ExitCode.failed;
  }
  for (const c of checks) out.line(`  ${c.ok ? "PASS" : "FAIL"}  ${c.title}: ${c.detail}`);

  const { decommissionSteps } = await import("./lib/decommission-plan");
  const steps = decommissionSteps(target, stack);
  const ok = checks.every((c) => c.ok);
  out.line("");
  out.line(
    ok ? "Then, in this order (this runbook runs none of it):" : "Not yet: fix the FAIL lines first. Once they pass, in this order:",
  );
  steps.forEach((step, i) => {
    out.line(`  ${i + 1}. ${step.title}: ${step.why}`);
    for (const command of step.commands) out.line(`       ${command}`);
  });
  if (out.json) {
    out.document({
      ok,
      target: target.label,
      dryRun,
      checks,
      archive: {
        ok: archiveReport.ok,
        threads: archiveReport.threads,
        incomplete: archiveReport.incomplete,
        unreachable: archiveReport.unreachable,
      },
      steps,
    });
  }
  return ok ? ExitCode.ok : ExitCode.failed;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
