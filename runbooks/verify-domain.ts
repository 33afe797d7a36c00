// `npm run verify-domain`: the customer-domain onboarding runbook — DNS records to publish, initiateVerification per
// record type, verificationStates polled with progress, and the exact next step (docs/runbooks/domain-onboarding.md).
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
import { ArmDomainPort } from "./lib/domain-arm";
import { SelectionError, verifyDomains, type DomainPort, type VerifyReport } from "./lib/domain-verification";
import type { Target } from "./lib/target";
import { TARGET_OPTIONS, targetFlagsOf, targetHelp } from "./lib/target-flags";

export const verifyDomainHelp = `Usage: npm run verify-domain -- (--stack NAME | --outputs FILE | --local) [options]

Verifies the customer-managed email domains of an environment so they can be linked and send:
  1. prints the DNS records each domain needs (Domain ownership TXT, SPF TXT, DKIM and DKIM2 CNAMEs, DMARC)
  2. calls initiateVerification for the ownership record, waits until it is Verified, then for the others
  3. polls the domain's verificationStates and prints each change
  4. ends with the exact next step: set \`verified: true\` on the domain under acs-platform:email.domains in
     Pulumi.<stack>.yaml and run \`pulumi up\`, which links it to the communication service
Azure-managed domains need no records and are skipped. DNS changes take 15 to 30 minutes to take effect: publish
the records first (run with --dry-run to list them), then run this.

${targetHelp(24)}

Options:
  --domain NAME         only this domain (default: every customer-managed domain of the email service)
  --email-service NAME  the email service (default: the only one in the resource group)
  --config-stack NAME   the stack whose Pulumi.<NAME>.yaml the next step names (default: --stack, or locally the stack npm run dev follows)
  --dry-run             list the records and current states and the calls it would make; change nothing
  --timeout S           seconds to wait for verification (default 1800 for Azure, 60 locally)
  --poll-interval S     seconds between polls of the domain (default 30 for Azure, 0.2 locally)
  --json                print one JSON document instead of lines
  -h, --help            show this help

Roles (Azure): Contributor or Communication and Email Service Owner on the email service (initiateVerification is
an action on the domain), Reader on the communication service.

Exit codes: 0 every domain verified (or dry run planned); 1 a record failed verification or is still in progress at
the timeout (the message says which); 2 bad arguments, unusable target, or no such email service or domain.
Example: npm run verify-domain -- --stack prod --domain notify.contoso.com`;

const flags = {
  ...TARGET_OPTIONS,
  domain: { type: "string" },
  "email-service": { type: "string" },
  "config-stack": { type: "string" },
  "dry-run": { type: "boolean" },
  timeout: { type: "string" },
  "poll-interval": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export interface VerifyDomainDeps {
  out?: Output;
  /** Replaces the ARM adapter (tests). */
  port?: DomainPort;
}

export async function main(argv: string[], deps: VerifyDomainDeps = {}): Promise<number> {
  const out = deps.out ?? consoleOutput(argv.includes("--json"));
  let target: Target;
  let port: DomainPort;
  let args: ReturnType<typeof parseCommandLine<typeof flags>>;
  let timeoutMs: number;
  let pollIntervalMs: number;
  try {
    args = parseCommandLine(argv, flags);
    if (args.help) {
      out.line(verifyDomainHelp);
      if (out.json) out.document({ help: verifyDomainHelp });
      return ExitCode.ok;
    }
    const { requireFields, resolveTarget } = await import("./lib/target");
    target = await resolveTarget(targetFlagsOf(args));
    const local = target.kind === "local";
    timeoutMs = parseSeconds("timeout", args.timeout, local ? 60 : 1800) * 1000;
    pollIntervalMs = parseSeconds("poll-interval", args["poll-interval"], local ? 0.2 : 30) * 1000;
    requireFields(target, ["subscriptionId", "resourceGroupName", "acsName"], "to read the email domains");
    const { armClientFor, credentialFor } = await import("./lib/environment");
    port =
      deps.port ??
      new ArmDomainPort(
        armClientFor(target, await credentialFor(target)),
        target.resourceGroupName as string,
        target.acsName as string,
        pollIntervalMs,
      );
  } catch (error) {
    return usageFailure(out, error);
  }
  const stack = args["config-stack"] ?? args.stack ?? (target.kind === "local" ? (target.local?.stack ?? "dev") : undefined);
  const dryRun = args["dry-run"] === true;
  out.line(`${dryRun ? "Dry run: " : ""}Verifying the email domains of ${target.label} (resource group ${target.resourceGroupName})`);
  let report: VerifyReport;
  try {
    report = await verifyDomains(port, {
      emailService: args["email-service"],
      domain: args.domain,
      dryRun,
      timeoutMs,
      pollIntervalMs,
      stack,
      onProgress: (line) => out.line(line),
    });
  } catch (error) {
    if (error instanceof SelectionError) return usageFailure(out, new UsageError(error.message));
    const message = describeError(error);
    out.error(`error: ${message}`);
    if (out.json) out.document({ ok: false, error: message });
    return ExitCode.failed;
  }
  out.line("");
  out.line(`${report.ok ? "Next step" : "Not done"}: ${report.nextStep}`);
  if (out.json) out.document({ target: target.label, dryRun, ...report });
  return report.ok ? ExitCode.ok : ExitCode.failed;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
