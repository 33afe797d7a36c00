// `npm run smoke`: the post-deploy smoke test — token API, identity, chat and optionally logs, one pass/fail line each.
import { randomUUID } from "node:crypto";
import {
  ExitCode,
  UsageError,
  consoleOutput,
  formatDuration,
  parseCommandLine,
  parseSeconds,
  usageFailure,
  type Output,
} from "../tools/cli-kit";
import { QUEUE_READER_ROLE } from "./lib/event-checks";
import { checkTitles, runSmokeChecks, type CheckResult, type SmokeDeps, type SmokeReport } from "./lib/smoke-checks";
import type { Target } from "./lib/target";
import { TARGET_OPTIONS, targetFlagsOf, targetHelp } from "./lib/target-flags";

export const smokeHelp = `Usage: npm run smoke -- (--stack NAME | --outputs FILE | --local) [options]

Proves a deployed acs-platform environment works end to end, one PASS/FAIL line per check with its timing:
  1. token API liveness (GET /healthz) and readiness (GET /readyz)
  2. a token minted through POST /api/token for a fresh smoke identity
  3. identity SDK: create a user, issue a chat token, revoke it, delete the user
  4. chat SDK: two users, a thread, one message each, both listed back, the thread deleted
  5. email: one message from each configured sender domain to --email-to; the send succeeds and its
     EmailDeliveryReportReceived event (matched by message id) arrives on the email-delivery queue
  6. events: a chat message arrives as ChatMessageReceived on the queue a subscription routes it to
  7. with --verify-logs: those operations appear in Log Analytics
Checks 5 and 6 are skipped, with the reason, when no subscription routes the event to a storage queue; they
delete the queue messages they consumed.
Everything it creates in ACS is deleted again, also when a check fails.

${targetHelp(22)}

Options:
  --verify-logs       also check Log Analytics; polls until --logs-timeout because ingestion takes minutes
  --logs-timeout S    seconds to wait for log rows (default 900 for Azure, 60 locally)
  --email-to ADDRESS  test recipient of the email check (locally: the emulator's always-delivered address)
  --events-timeout S  seconds to wait for each event on its queue (default 600 for Azure, 30 locally)
  --json              print one JSON document (for CI) instead of lines
  -h, --help          show this help

Credentials: in Azure, DefaultAzureCredential (az login, workload identity in CI). It needs Key Vault Secrets
User on the vault (the smoke test reads the ACS connection string there), a caller token for the token API's
audience, Log Analytics Reader for --verify-logs, and, for the event checks,
"${QUEUE_READER_ROLE.name}" (${QUEUE_READER_ROLE.id}) on the routing storage account's
queues (output eventStorageAccountName). See docs/runbooks/smoke-test.md.

Exit codes: 0 every check passed; 1 a check failed (see the FAIL line); 2 bad arguments or unusable target.
Example: npm run smoke -- --local --json`;

const flags = {
  ...TARGET_OPTIONS,
  "verify-logs": { type: "boolean" },
  "logs-timeout": { type: "string" },
  "email-to": { type: "string" },
  "events-timeout": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Builds the smoke dependencies from a target with the real SDKs. */
export async function smokeDepsFor(
  target: Target,
  options: {
    verifyLogs: boolean;
    logsTimeoutMs: number;
    callerToken?: SmokeDeps["callerToken"];
    serviceToken?: SmokeDeps["serviceToken"];
    eventsTimeoutMs?: number;
    emailTo?: string;
  },
): Promise<SmokeDeps> {
  const {
    callerTokenSourceFor,
    serviceTokenSourceFor,
    chatClientFactoryFor,
    connectionStringFor,
    credentialFor,
    identityClientFor,
    eventCheckDepsFor,
    logQueryFor,
  } = await import("./lib/environment");
  const credential = await credentialFor(target);
  const connectionString = await connectionStringFor(target, credential);
  return {
    tokenApiUrl: target.tokenApiUrl,
    callerToken: options.callerToken ?? callerTokenSourceFor(target, credential),
    serviceToken: options.serviceToken ?? serviceTokenSourceFor(target, credential),
    identityClient: identityClientFor(target, connectionString),
    chatClient: chatClientFactoryFor(target),
    smokeSubject: `smoke-${randomUUID()}`,
    events: eventCheckDepsFor(target, credential, connectionString, {
      timeoutMs: options.eventsTimeoutMs ?? (target.kind === "local" ? 30_000 : 600_000),
      emailTo: options.emailTo,
    }),
    logs: options.verifyLogs
      ? {
          query: logQueryFor(target, credential),
          timeoutMs: options.logsTimeoutMs,
          pollIntervalMs: target.kind === "local" ? 1000 : 15_000,
        }
      : undefined,
  };
}

const titleWidth = Math.max(...Object.values(checkTitles).map((t) => t.length));

export function formatResultLine(r: CheckResult): string {
  const label = r.status === "pass" ? "PASS" : r.status === "fail" ? "FAIL" : "SKIP";
  return `  ${label}  ${r.title.padEnd(titleWidth)} ${formatDuration(r.durationMs).padStart(8)}  ${r.detail ?? ""}`.trimEnd();
}

export function formatSummary(report: SmokeReport): string {
  const count = (s: CheckResult["status"]) => report.results.filter((r) => r.status === s).length;
  return `${report.ok ? "OK" : "FAILED"}: ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped in ${formatDuration(report.durationMs)}`;
}

export async function main(argv: string[], out: Output = consoleOutput(argv.includes("--json"))): Promise<number> {
  let target: Target;
  let deps: SmokeDeps;
  let args: ReturnType<typeof parseCommandLine<typeof flags>>;
  try {
    args = parseCommandLine(argv, flags);
    if (args.help) {
      out.line(smokeHelp);
      if (out.json) out.document({ help: smokeHelp });
      return ExitCode.ok;
    }
    const { resolveTarget } = await import("./lib/target");
    target = await resolveTarget(targetFlagsOf(args));
    const logsTimeoutMs = parseSeconds("logs-timeout", args["logs-timeout"], target.kind === "local" ? 60 : 900) * 1000;
    const eventsTimeoutMs = parseSeconds("events-timeout", args["events-timeout"], target.kind === "local" ? 30 : 600) * 1000;
    const emailTo = args["email-to"];
    if (emailTo !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(emailTo))
      throw new UsageError(`--email-to must be an e-mail address, not "${emailTo}"`);
    deps = await smokeDepsFor(target, { verifyLogs: args["verify-logs"] === true, logsTimeoutMs, eventsTimeoutMs, emailTo });
  } catch (error) {
    return usageFailure(out, error);
  }
  out.line(`Smoke test of ${target.label} (token API ${target.tokenApiUrl}, ACS ${target.acsEndpoint})`);
  const report = await runSmokeChecks({ ...deps, onResult: (r) => out.line(formatResultLine(r)) });
  out.line(formatSummary(report));
  if (out.json) out.document({ target: target.label, ...report });
  return report.ok ? ExitCode.ok : ExitCode.failed;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
