// The customer-domain onboarding flow behind `npm run verify-domain`: list the DNS records to publish, start
// verification per record type, poll the domain's verificationStates until every record settles, say what to do next.
//
// Azure behaviour relied on: Learn, "Add custom verified email domains" (ownership TXT first, then SPF and DKIM/DKIM2;
// "DNS changes take effect in 15 to 30 minutes"); "Connect a verified email domain" (a domain must be fully verified
// before it is linked); azure-rest-api-specs Domains_InitiateVerification (`{verificationType}`: Domain, SPF, DKIM,
// DKIM2, DMARC) and VerificationStatus (NotStarted, VerificationRequested, VerificationInProgress, VerificationFailed,
// Verified, CancellationRequested).

/** Record types in the order a DNS admin adds them and the runbook verifies them. */
export const RECORD_TYPES = ["Domain", "SPF", "DKIM", "DKIM2", "DMARC"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
/** Records a domain needs verified before it can send (and be linked); DMARC is reported but optional. */
export const REQUIRED_RECORDS: readonly RecordType[] = ["Domain", "SPF", "DKIM", "DKIM2"];

const SETTLED = new Set(["Verified", "VerificationFailed"]);
const RUNNING = new Set(["VerificationRequested", "VerificationInProgress"]);

export interface DnsRecordView {
  type: RecordType;
  recordType: string;
  name: string;
  value: string;
  ttl: number;
}
export interface RecordState {
  status: string;
  errorCode?: string;
}

export interface DomainView {
  name: string;
  id: string;
  domainManagement: string;
  records: DnsRecordView[];
  states: Partial<Record<RecordType, RecordState>>;
}

/** What the flow needs from Azure (the ARM adapter in domain-arm.ts; fakes in unit tests). */
export interface DomainPort {
  listEmailServices(): Promise<string[]>;
  listDomains(emailService: string): Promise<DomainView[]>;
  getDomain(emailService: string, domain: string): Promise<DomainView>;
  initiateVerification(emailService: string, domain: string, type: RecordType): Promise<void>;
  /** Resource ids in the communication service's `linkedDomains`. */
  linkedDomains(): Promise<string[]>;
}

export interface VerifyOptions {
  emailService?: string;
  domain?: string;
  dryRun: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  /** How the next-step message names the config file and the deploy command. */
  stack?: string;
  onProgress?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type DomainOutcome = "verified" | "failed" | "timed-out" | "planned";

export interface DomainReport {
  name: string;
  records: DnsRecordView[];
  states: Partial<Record<RecordType, RecordState>>;
  /** Record types initiateVerification was called for (or, in a dry run, would be). */
  initiated: RecordType[];
  outcome: DomainOutcome;
  linked: boolean;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  emailService: string;
  domains: DomainReport[];
  nextStep: string;
}

/** A usage problem found while choosing what to verify (exit 2 in the CLI): unknown service or domain. */
export class SelectionError extends Error {
  override readonly name = "SelectionError";
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function verifyDomains(port: DomainPort, options: VerifyOptions): Promise<VerifyReport> {
  const say = options.onProgress ?? (() => undefined);
  const emailService = await chooseEmailService(port, options.emailService);
  const domains = await chooseDomains(port, emailService, options.domain);
  const linked = new Set((await port.linkedDomains()).map((id) => id.toLowerCase()));
  const reports: DomainReport[] = [];
  for (const domain of domains) {
    say(`Domain ${domain.name} (email service ${emailService})`);
    say("  Publish these DNS records at the domain's DNS host:");
    for (const line of recordTable(domain.records)) say(`    ${line}`);
    const report = await verifyOne(port, emailService, domain, linked.has(domain.id.toLowerCase()), options);
    say(`  ${report.message}`);
    reports.push(report);
  }
  const ok = reports.every((r) => r.outcome === "verified" || r.outcome === "planned");
  return { ok, emailService, domains: reports, nextStep: nextStep(reports, options) };
}

async function chooseEmailService(port: DomainPort, wanted: string | undefined): Promise<string> {
  const services = await port.listEmailServices();
  if (wanted !== undefined) {
    const found = services.find((s) => s.toLowerCase() === wanted.toLowerCase());
    if (!found) throw new SelectionError(`email service ${wanted} not found; the resource group has: ${services.join(", ") || "none"}`);
    return found;
  }
  if (services.length === 1 && services[0]) return services[0];
  if (services.length === 0) throw new SelectionError("the resource group has no email service");
  throw new SelectionError(
    `the resource group has ${services.length} email services (${services.join(", ")}); choose one with --email-service NAME`,
  );
}

async function chooseDomains(port: DomainPort, emailService: string, wanted: string | undefined): Promise<DomainView[]> {
  const all = await port.listDomains(emailService);
  const customer = all.filter((d) => d.domainManagement !== "AzureManaged");
  if (wanted !== undefined) {
    const found = all.find((d) => d.name.toLowerCase() === wanted.toLowerCase());
    if (!found)
      throw new SelectionError(`domain ${wanted} not found in ${emailService}; it has: ${all.map((d) => d.name).join(", ") || "none"}`);
    if (found.domainManagement === "AzureManaged")
      throw new SelectionError(`${found.name} is Azure-managed: Azure verifies it, there is nothing to publish`);
    return [found];
  }
  if (customer.length === 0)
    throw new SelectionError(`${emailService} has no customer-managed domain to verify (Azure-managed domains need no DNS records)`);
  return customer;
}

export function recordTable(records: DnsRecordView[]): string[] {
  const rows = records.map((r) => [r.type, r.recordType, r.name, r.value, String(r.ttl)]);
  const head = ["record", "type", "name", "value", "ttl"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const fmt = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

const statusOf = (d: DomainView, t: RecordType): string => d.states[t]?.status ?? "NotStarted";
const present = (d: DomainView): RecordType[] =>
  RECORD_TYPES.filter((t) => d.records.some((r) => r.type === t) || d.states[t] !== undefined);

async function verifyOne(
  port: DomainPort,
  service: string,
  start: DomainView,
  linked: boolean,
  options: VerifyOptions,
): Promise<DomainReport> {
  const say = options.onProgress ?? (() => undefined);
  const types = present(start);
  const base = { name: start.name, records: start.records, linked };
  // Ownership first: Learn adds SPF and DKIM "once you verify your domain".
  const phases: RecordType[][] = [types.filter((t) => t === "Domain"), types.filter((t) => t !== "Domain")].filter((p) => p.length > 0);
  if (options.dryRun) {
    const initiated = types.filter((t) => statusOf(start, t) !== "Verified");
    const states = start.states;
    const plan =
      initiated.length === 0
        ? "dry run: every record is already Verified; nothing would be started"
        : `dry run: would call initiateVerification for ${initiated.join(", ")} and poll verificationStates (now: ${describeStates(start, types)})`;
    return { ...base, states, initiated, outcome: "planned", message: plan };
  }
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const initiated: RecordType[] = [];
  let current = start;
  for (const phase of phases) {
    for (const type of phase) {
      const status = statusOf(current, type);
      if (status === "Verified" || RUNNING.has(status)) continue;
      await port.initiateVerification(service, start.name, type);
      initiated.push(type);
      say(`  initiateVerification ${type}`);
    }
    let last = "";
    for (;;) {
      current = await port.getDomain(service, start.name);
      const line = describeStates(current, types);
      if (line !== last) say(`  ${new Date(now()).toISOString()}  ${line}`);
      last = line;
      if (phase.every((t) => SETTLED.has(statusOf(current, t)))) break;
      if (now() >= deadline) {
        const waiting = phase.filter((t) => !SETTLED.has(statusOf(current, t)));
        return {
          ...base,
          states: current.states,
          initiated,
          outcome: "timed-out",
          message: `${waiting.join(", ")} still in progress after ${Math.round(options.timeoutMs / 1000)} s; DNS changes take 15 to 30 minutes to take effect — run verify-domain again later`,
        };
      }
      await sleep(options.pollIntervalMs);
    }
    const failed = phase.filter((t) => REQUIRED_RECORDS.includes(t) && statusOf(current, t) === "VerificationFailed");
    if (failed.length > 0) {
      const detail = failed.map((t) => `${t}${current.states[t]?.errorCode ? ` (${current.states[t]?.errorCode})` : ""}`).join(", ");
      return {
        ...base,
        states: current.states,
        initiated,
        outcome: "failed",
        message: `verification failed for ${detail}: check that the record${failed.length > 1 ? "s are" : " is"} published exactly as listed above, then run verify-domain again`,
      };
    }
  }
  const optionalFailed = types.filter((t) => !REQUIRED_RECORDS.includes(t) && statusOf(current, t) !== "Verified");
  return {
    ...base,
    states: current.states,
    initiated,
    outcome: "verified",
    message: `verified: ${REQUIRED_RECORDS.filter((t) => types.includes(t)).join(", ")}${optionalFailed.length ? ` (optional ${optionalFailed.join(", ")}: ${optionalFailed.map((t) => statusOf(current, t)).join(", ")})` : ""}`,
  };
}

function describeStates(d: DomainView, types: RecordType[]): string {
  return types.map((t) => `${t}=${statusOf(d, t)}`).join(" ");
}

/**
 * The exact next step. The config key is the per-domain `verified: true` under `acs-platform:email.domains[]`:
 * with it the program links the domain (`linkToAcs`, default true) instead of leaving it unlinked.
 */
export function nextStep(reports: DomainReport[], options: Pick<VerifyOptions, "stack" | "dryRun">): string {
  const file = options.stack ? `Pulumi.${options.stack}.yaml` : "the stack's Pulumi.<stack>.yaml";
  const up = options.stack ? `pulumi up --stack ${options.stack}` : "pulumi up";
  if (options.dryRun) return "dry run: nothing was changed; run again without --dry-run once the records are published";
  const notDone = reports.filter((r) => r.outcome !== "verified");
  if (notDone.length > 0) {
    return `not verified yet: ${notDone.map((r) => `${r.name} (${r.outcome})`).join(", ")} — publish the records listed above, wait for DNS, run verify-domain again`;
  }
  const toLink = reports.filter((r) => !r.linked);
  if (toLink.length === 0) return `every domain is verified and already linked to the communication service: nothing to do`;
  return `set \`verified: true\` on ${toLink.map((r) => `the ${r.name} entry`).join(" and ")} under acs-platform:email.domains in ${file}, then run \`${up}\` to link ${toLink.length > 1 ? "them" : "it"} to the communication service`;
}
