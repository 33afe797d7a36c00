// `npm run rotate-keys`: the zero-downtime ACS access-key rotation runbook, with dry run, rollback and audit log.
import { appendFile } from "node:fs/promises";
import { TOKEN_API_DEFAULTS } from "../services/token-api/src/settings";
import { ExitCode, consoleOutput, formatDuration, parseCommandLine, parseSeconds, usageFailure, type Output } from "../tools/cli-kit";
import { whoFromCredential } from "./lib/credentials";
import { rotateKeys, type AuditRecord, type RotationOptions, type RotationPorts, type RotationReport } from "./lib/rotation";
import type { Target } from "./lib/target";
import { TARGET_OPTIONS, targetFlagsOf, targetHelp } from "./lib/target-flags";

export const rotateHelp = `Usage: npm run rotate-keys -- (--stack NAME | --outputs FILE | --local) [options]

Rotates the ACS access keys without downtime. Of the two keys, one is active (named by the acs-active-key tag
of the Key Vault secret the token API reads); the other is standby. In order:
  1. read-active-key           read the secret, check it holds the tagged key and that the token API serves it
  2. regenerate-standby-key    regenerate the standby key (ARM regenerateKey)
  3. store-new-secret-version  write its connection string as a new secret version, tag acs-active-key flipped
  4. wait-for-token-api        wait until every token API instance uses the new secret version: locally each
                               instance's /readyz is asked; in Azure the public /readyz must report it and the
                               runbook waits the service's bound (SECRET_REFRESH_SECONDS + 30 s after the write:
                               an instance that has not re-read the vault by then serves no tokens)
  5. verify-new-key            identity smoke check (create user, token, revoke, delete) with the new key
  6. regenerate-previous-key   point of no return: regenerate the previously active key
  7. verify-old-key-rejected   check ACS answers 401 to the old connection string
If a step before 6 fails, the previous secret value is written back as a new version (the previous key was never
touched, so nothing breaks) and the runbook stops with exit code 1.

${targetHelp(22)}

Options:
  --dry-run                   run step 1 (read only) and print the exact plan; change nothing
  --readiness-timeout S       seconds to wait in step 4 (default 900 for Azure, 360 locally); keep it above the
                              token API's SECRET_REFRESH_SECONDS (default 300)
  --secret-refresh-seconds S  the token API's SECRET_REFRESH_SECONDS (default 300, the deployed default)
  --key-propagation-timeout S seconds ACS may take to accept the new key / reject the old (default 300, 15 locally)
  --audit-file FILE           also append every audit record to FILE as JSON lines
  --json                      print the report as one JSON document
  -h, --help                  show this help

Audit: every step writes a record with who (from the credential's token, else $USER), when, which key, which
secret version. Keys and connection strings are never printed or recorded.
Roles (Azure): Communication and Email Service Owner (or Contributor) on the ACS resource for listKeys and
regenerateKey; Key Vault Secrets Officer on the vault.

Exit codes: 0 rotated (or dry run planned); 1 failed before step 6 and rolled back, or a precondition failed
(nothing changed); 2 bad arguments or unusable target; 3 failed at or after step 6, or the rollback failed:
read the message, a human must act.
Example: npm run rotate-keys -- --local --dry-run`;

const flags = {
  ...TARGET_OPTIONS,
  "dry-run": { type: "boolean" },
  "readiness-timeout": { type: "string" },
  "key-propagation-timeout": { type: "string" },
  "secret-refresh-seconds": { type: "string" },
  "audit-file": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export function exitCodeFor(report: RotationReport): number {
  switch (report.outcome) {
    case "rotated":
    case "planned":
      return ExitCode.ok;
    case "rolled-back":
    case "precondition-failed":
      return ExitCode.failed;
    case "failed-after-point-of-no-return":
    case "rollback-failed":
      return ExitCode.needsAttention;
  }
}

export function formatAuditLine(r: AuditRecord): string {
  const mark = { started: "..", succeeded: "OK", failed: "!!", planned: "--" }[r.outcome];
  const where = [r.key && `key=${r.key}`, r.secretVersion && `version=${r.secretVersion}`].filter(Boolean).join(" ");
  return `  ${mark} ${r.at} ${r.step.padEnd(32)} ${r.outcome.padEnd(9)} ${where}${r.message && r.outcome !== "planned" ? `  ${r.message}` : ""}`;
}

export function formatReport(report: RotationReport, target: Target): string[] {
  const lines = [""];
  if (report.dryRun || report.outcome === "precondition-failed") {
    lines.push(`Plan for ${target.label}:`);
    report.plan.forEach((p, i) => lines.push(`  ${p.step === "restore-previous-secret" ? "R" : i + 1}. ${p.step}: ${p.description}`));
    lines.push("");
  }
  lines.push(
    `Rotation report (run ${report.runId})`,
    `  target:          ${target.label}`,
    `  who:             ${report.who}`,
    `  outcome:         ${report.outcome}${report.failedStep ? ` (failed step: ${report.failedStep})` : ""}`,
    `  active key:      ${report.previousKey ?? "?"} -> ${report.outcome === "rotated" || report.outcome === "failed-after-point-of-no-return" ? report.newKey : report.dryRun ? `${report.newKey ?? "?"} (planned)` : `${report.previousKey ?? "?"} (unchanged)`}`,
    `  secret version:  ${report.previousSecretVersion ?? "?"}${report.newSecretVersion ? ` -> ${report.newSecretVersion}` : ""}${report.restoredSecretVersion ? ` -> restored as ${report.restoredSecretVersion}` : ""}`,
    `  duration:        ${formatDuration(report.durationMs)}`,
    `  ${report.message}`,
  );
  return lines;
}

export interface RotateMainDeps {
  out?: Output;
  /** Replaces the SDK-backed ports (tests); audit/who/progress are still wired here. */
  ports?: Pick<RotationPorts, "keys" | "secrets" | "readiness" | "identity">;
}

export async function main(argv: string[], deps: RotateMainDeps = {}): Promise<number> {
  const out = deps.out ?? consoleOutput(argv.includes("--json"));
  let target: Target;
  let ports: RotationPorts;
  let options: RotationOptions;
  let auditFile: string | undefined;
  try {
    const args = parseCommandLine(argv, flags);
    if (args.help) {
      out.line(rotateHelp);
      if (out.json) out.document({ help: rotateHelp });
      return ExitCode.ok;
    }
    const { requireFields, resolveTarget } = await import("./lib/target");
    target = await resolveTarget(targetFlagsOf(args));
    requireFields(target, ["keyVaultUri", "subscriptionId", "resourceGroupName", "acsName"], "to rotate keys");
    if (args["secret-refresh-seconds"] !== undefined)
      target.secretRefreshSeconds = parseSeconds(
        "secret-refresh-seconds",
        args["secret-refresh-seconds"],
        TOKEN_API_DEFAULTS.secretRefreshSeconds,
      );
    const local = target.kind === "local";
    options = {
      dryRun: args["dry-run"] === true,
      // Above the token API's default SECRET_REFRESH_SECONDS (300) in Azure; `npm run dev` re-reads every 15 s, well inside it.
      readinessTimeoutMs: parseSeconds("readiness-timeout", args["readiness-timeout"], local ? 360 : 900) * 1000,
      keyPropagationTimeoutMs: parseSeconds("key-propagation-timeout", args["key-propagation-timeout"], local ? 15 : 300) * 1000,
      pollIntervalMs: local ? 250 : 5000,
    };
    auditFile = args["audit-file"];
    const { credentialFor, rotationAdaptersFor } = await import("./lib/environment");
    const credential = await credentialFor(target);
    const file = auditFile;
    ports = {
      ...(deps.ports ?? rotationAdaptersFor(target, credential)),
      who: await whoFromCredential(credential),
      audit: file ? (record) => appendFile(file, `${JSON.stringify(record)}\n`) : () => undefined,
      // A dry run's "planned" records go to the audit file only: the numbered plan of the report lists the same
      // steps, and printing both showed every step twice.
      onProgress: (record) => {
        if (record.outcome !== "planned") out.line(formatAuditLine(record));
      },
    };
  } catch (error) {
    return usageFailure(out, error);
  }
  out.line(`${options.dryRun ? "Dry run: planning" : "Rotating"} the ACS access keys of ${target.label}`);
  const report = await rotateKeys(ports, options);
  for (const line of formatReport(report, target)) out.line(line);
  if (auditFile) out.line(`  audit records appended to ${auditFile}`);
  if (out.json) out.document({ target: target.label, ...report });
  return exitCodeFor(report);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
