// `npm run verify-domain` end to end against the emulator's ARM surface through --local: records printed, verification
// started per record type and polled to Verified, failures and timeouts named, the exact next step, --json, exit codes.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { EmailClient } from "@azure/communication-email";
import { main } from "../../runbooks/verify-domain";
import type { Output } from "../../tools/cli-kit";
import { EmulatorCredential, startEmulator, type EmulatorHandle } from "../../tools/acs-emulator/index";

const DOMAIN = "notify.contoso.com";
let emulator: EmulatorHandle | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(verificationPolls = 2): Promise<{ emulator: EmulatorHandle; envFile: string }> {
  emulator = await startEmulator({
    emailRetryAfterSeconds: 0,
    domainVerificationPolls: verificationPolls,
    email: {
      emailServiceName: "ecs-acsplat-prod",
      dataLocation: "Europe",
      domains: [
        { kind: "AzureManaged", senders: [{ username: "DoNotReply", displayName: "Dev" }], linkToAcs: true },
        { kind: "CustomerManaged", domainName: DOMAIN, senders: [{ username: "alerts", displayName: "Alerts" }], linkToAcs: true },
      ],
    },
  });
  const { close: _close, currentConnectionString: _current, eventGrid: _eventGrid, ...info } = emulator;
  const envFile = path.join(mkdtempSync(path.join(tmpdir(), "verify-domain-")), "env.json");
  writeFileSync(envFile, JSON.stringify({ tokenApiUrl: "http://127.0.0.1:9", acsEndpoint: emulator.endpoint, emulator: info }));
  return { emulator, envFile };
}

function capture(json = false): Output & { lines: string[]; errors: string[]; documents: unknown[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const documents: unknown[] = [];
  return { json, lines, errors, documents, line: (t) => lines.push(t), error: (t) => errors.push(t), document: (d) => documents.push(d) };
}

const adminJson = async (e: EmulatorHandle, method: string, p: string, body?: unknown) =>
  (
    await fetch(`${e.adminUrl}${p}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  ).json();

const states = async (e: EmulatorHandle): Promise<string[]> => {
  const doc = (await adminJson(e, "GET", "/email")) as {
    services: { domains: { name: string; verificationStates: Record<string, { status: string }> }[] }[];
  };
  const d = doc.services[0]?.domains.find((x) => x.name === DOMAIN);
  return Object.entries(d?.verificationStates ?? {}).map(([t, s]) => `${t}=${s.status}`);
};

describe("verify-domain --local", () => {
  it("--dry-run prints the records and the plan and changes nothing", async () => {
    const { emulator: e, envFile } = await start();
    const out = capture();
    const code = await main(["--local", "--local-env", envFile, "--dry-run"], { out });
    expect(code).toBe(0);
    expect(out.lines[0]).toBe(`Dry run: Verifying the email domains of local environment (resource group ${e.resourceGroupName})`);
    expect(out.lines[1]).toBe(`Domain ${DOMAIN} (email service ecs-acsplat-prod)`);
    expect(
      out.lines.slice(3, 9).map((l) => l.replace(/ms-domain-verification=[0-9a-f-]{36}/, `ms-domain-verification=${"x".repeat(36)}`)),
    ).toEqual([
      "    record  type   name                                     value                                                        ttl",
      `    Domain  TXT    ${DOMAIN}                       ms-domain-verification=${"x".repeat(36)}  3600`,
      `    SPF     TXT    ${DOMAIN}                       v=spf1 include:spf.protection.outlook.com -all               3600`,
      "    DKIM    CNAME  selector1-azurecomm-prod-net._domainkey  selector1-azurecomm-prod-net._domainkey.azurecomm.net        3600",
      "    DKIM2   CNAME  selector2-azurecomm-prod-net._domainkey  selector2-azurecomm-prod-net._domainkey.azurecomm.net        3600",
      `    DMARC   TXT    _dmarc.${DOMAIN}                v=DMARC1; p=none;                                            3600`,
    ]);
    expect(out.lines).toContain(
      "  dry run: would call initiateVerification for Domain, SPF, DKIM, DKIM2, DMARC and poll verificationStates (now: Domain=NotStarted SPF=NotStarted DKIM=NotStarted DKIM2=NotStarted DMARC=NotStarted)",
    );
    expect(out.lines.at(-1)).toBe("Next step: dry run: nothing was changed; run again without --dry-run once the records are published");
    expect(await states(e)).toEqual(["Domain=NotStarted", "SPF=NotStarted", "DKIM=NotStarted", "DKIM2=NotStarted", "DMARC=NotStarted"]);
  });

  it("verifies ownership first, then the rest, with progress, and names the exact next step; the domain then links and sends", async () => {
    const { emulator: e, envFile } = await start();
    const out = capture();
    const code = await main(["--local", "--local-env", envFile], { out });
    expect(out.errors).toEqual([]);
    expect(code).toBe(0);
    const progress = out.lines.filter((l) => /^ {2}(initiateVerification|\d{4}-)/.test(l)).map((l) => l.replace(/^ {2}\S+Z {2}/, "  "));
    expect(progress).toEqual([
      "  initiateVerification Domain",
      "  Domain=VerificationInProgress SPF=NotStarted DKIM=NotStarted DKIM2=NotStarted DMARC=NotStarted",
      "  Domain=Verified SPF=NotStarted DKIM=NotStarted DKIM2=NotStarted DMARC=NotStarted",
      "  initiateVerification SPF",
      "  initiateVerification DKIM",
      "  initiateVerification DKIM2",
      "  initiateVerification DMARC",
      "  Domain=Verified SPF=VerificationInProgress DKIM=VerificationInProgress DKIM2=VerificationInProgress DMARC=VerificationInProgress",
      "  Domain=Verified SPF=Verified DKIM=Verified DKIM2=Verified DMARC=Verified",
    ]);
    expect(out.lines).toContain("  verified: Domain, SPF, DKIM, DKIM2");
    expect(out.lines.at(-1)).toBe(
      `Next step: set \`verified: true\` on the ${DOMAIN} entry under acs-platform:email.domains in Pulumi.dev.yaml, then run \`pulumi up --stack dev\` to link it to the communication service`,
    );
    // What `pulumi up` then does: link it (now accepted), after which its sender can send.
    const arm = new CommunicationServiceManagementClient(new EmulatorCredential(), e.subscriptionId, {
      tlsOptions: { ca: e.caCertPem },
      endpoint: e.armBaseUrl,
    });
    const id = (await arm.domains.get(e.resourceGroupName, "ecs-acsplat-prod", DOMAIN)).id as string;
    const linked = (await arm.communicationServices.get(e.resourceGroupName, e.serviceName)).linkedDomains ?? [];
    await arm.communicationServices.update(e.resourceGroupName, e.serviceName, { linkedDomains: [...linked, id] });
    const email = new EmailClient(e.connectionString, { tlsOptions: { ca: e.caCertPem } });
    const sent = await (
      await email.beginSend({
        senderAddress: `alerts@${DOMAIN}`,
        content: { subject: "s", plainText: "p" },
        recipients: { to: [{ address: "a@example.com" }] },
      })
    ).pollUntilDone();
    expect(sent.status).toBe("Succeeded");
    // Run again: nothing to start, already linked.
    const again = capture();
    expect(await main(["--local", "--local-env", envFile, "--config-stack", "prod"], { out: again })).toBe(0);
    expect(again.lines.filter((l) => l.includes("initiateVerification"))).toEqual([]);
    expect(again.lines.at(-1)).toBe("Next step: every domain is verified and already linked to the communication service: nothing to do");
  });

  it("exits 1 naming the record that failed (the DNS lacks SPF) and its error code", async () => {
    const { emulator: e, envFile } = await start();
    await adminJson(e, "PUT", `/email/domains/${DOMAIN}/dns`, { unpublished: ["SPF"] });
    const out = capture();
    expect(await main(["--local", "--local-env", envFile, "--domain", DOMAIN], { out })).toBe(1);
    expect(out.lines).toContain(
      "  verification failed for SPF (DnsRecordNotFound): check that the record is published exactly as listed above, then run verify-domain again",
    );
    expect(out.lines.at(-1)).toBe(
      `Not done: not verified yet: ${DOMAIN} (failed) — publish the records listed above, wait for DNS, run verify-domain again`,
    );
  });

  it("exits 1 when verification is still running at the timeout", async () => {
    const { envFile } = await start(1_000_000);
    const out = capture();
    expect(await main(["--local", "--local-env", envFile, "--timeout", "0.3", "--poll-interval", "0.05"], { out })).toBe(1);
    expect(out.lines).toContain(
      "  Domain still in progress after 0 s; DNS changes take 15 to 30 minutes to take effect — run verify-domain again later",
    );
  });

  it("--json prints one document with the records, states and next step", async () => {
    const { emulator: e, envFile } = await start();
    const out = capture(true);
    expect(await main(["--local", "--local-env", envFile, "--json"], { out })).toBe(0);
    expect(out.documents).toHaveLength(1);
    const doc = out.documents[0] as {
      ok: boolean;
      emailService: string;
      dryRun: boolean;
      domains: {
        name: string;
        outcome: string;
        linked: boolean;
        initiated: string[];
        records: { type: string }[];
        states: Record<string, { status: string }>;
      }[];
      nextStep: string;
    };
    expect([doc.ok, doc.emailService, doc.dryRun]).toEqual([true, "ecs-acsplat-prod", false]);
    expect(doc.domains.map((d) => [d.name, d.outcome, d.linked, d.initiated.join(",")])).toEqual([
      [DOMAIN, "verified", false, "Domain,SPF,DKIM,DKIM2,DMARC"],
    ]);
    expect(doc.domains[0]?.records.map((r) => r.type)).toEqual(["Domain", "SPF", "DKIM", "DKIM2", "DMARC"]);
    expect(Object.values(doc.domains[0]?.states ?? {}).map((s) => s.status)).toEqual([
      "Verified",
      "Verified",
      "Verified",
      "Verified",
      "Verified",
    ]);
    expect(await states(e)).toEqual(["Domain=Verified", "SPF=Verified", "DKIM=Verified", "DKIM2=Verified", "DMARC=Verified"]);
  });

  it("exits 2 for an unknown domain, an Azure-managed one, or an unknown email service, naming what exists", async () => {
    const { envFile } = await start();
    const unknown = capture();
    expect(await main(["--local", "--local-env", envFile, "--domain", "mail.example.org"], { out: unknown })).toBe(2);
    expect(unknown.errors).toEqual([
      `error: domain mail.example.org not found in ecs-acsplat-prod; it has: AzureManagedDomain, ${DOMAIN} (run with --help for usage)`,
    ]);
    const managed = capture();
    expect(await main(["--local", "--local-env", envFile, "--domain", "AzureManagedDomain"], { out: managed })).toBe(2);
    expect(managed.errors[0]).toBe(
      "error: AzureManagedDomain is Azure-managed: Azure verifies it, there is nothing to publish (run with --help for usage)",
    );
    const service = capture();
    expect(await main(["--local", "--local-env", envFile, "--email-service", "ecs-other"], { out: service })).toBe(2);
    expect(service.errors[0]).toBe(
      "error: email service ecs-other not found; the resource group has: ecs-acsplat-prod (run with --help for usage)",
    );
  });

  it("exits 1 with one line when ARM refuses initiateVerification (fault), and nothing was started", async () => {
    const { emulator: e, envFile } = await start();
    await adminJson(e, "POST", "/faults", { operation: "initiateVerification", status: 403, count: 1 });
    const out = capture();
    expect(await main(["--local", "--local-env", envFile], { out })).toBe(1);
    expect(out.errors).toEqual(["error: HTTP 403 Forbidden: Injected fault for operation 'initiateVerification'."]);
    expect(await states(e)).toEqual(["Domain=NotStarted", "SPF=NotStarted", "DKIM=NotStarted", "DKIM2=NotStarted", "DMARC=NotStarted"]);
  });

  it("exits 2 without a target and with a bad flag value", async () => {
    const none = capture();
    expect(await main([], { out: none })).toBe(2);
    expect(none.errors[0]).toBe("error: choose exactly one target: --stack NAME, --outputs FILE or --local (run with --help for usage)");
    const { envFile } = await start();
    const bad = capture();
    expect(await main(["--local", "--local-env", envFile, "--timeout", "soon"], { out: bad })).toBe(2);
    expect(bad.errors[0]).toBe('error: --timeout must be a positive number of seconds, got "soon" (run with --help for usage)');
  });
});
