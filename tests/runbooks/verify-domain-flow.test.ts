// The verify-domain flow's decisions with a scripted DomainPort: ownership before the rest, what is (not) re-started,
// optional DMARC, and the next step's wording for a target without a stack name.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../runbooks/verify-domain";
import { RECORD_TYPES, verifyDomains, type DomainPort, type DomainView, type RecordType } from "../../runbooks/lib/domain-verification";
import type { Output } from "../../tools/cli-kit";

/** A domain whose running records settle on the next read, to the outcome the test chooses. */
function scripted(
  outcomes: Partial<Record<RecordType, "Verified" | "VerificationFailed">>,
  initial: Partial<Record<RecordType, string>> = {},
) {
  const states: Record<string, { status: string; errorCode?: string }> = Object.fromEntries(
    RECORD_TYPES.map((t) => [t, { status: initial[t] ?? "NotStarted" }]),
  );
  const calls: string[] = [];
  const view = (): DomainView => ({
    name: "mail.example.com",
    id: "/sub/x/domains/mail.example.com",
    domainManagement: "CustomerManaged",
    records: RECORD_TYPES.map((t) => ({ type: t, recordType: "TXT", name: "n", value: "v", ttl: 3600 })),
    states: JSON.parse(JSON.stringify(states)) as DomainView["states"],
  });
  const port: DomainPort = {
    listEmailServices: async () => ["ecs"],
    listDomains: async () => [view()],
    getDomain: async () => {
      for (const t of RECORD_TYPES) {
        if (states[t]?.status === "VerificationRequested" || states[t]?.status === "VerificationInProgress") {
          const outcome = outcomes[t] ?? "Verified";
          states[t] = outcome === "Verified" ? { status: "Verified" } : { status: "VerificationFailed", errorCode: "E1" };
        }
      }
      return view();
    },
    initiateVerification: async (_s, _d, type) => {
      calls.push(type);
      states[type] = { status: "VerificationRequested" };
    },
    linkedDomains: async () => [],
  };
  return { port, calls };
}

const options = { dryRun: false, timeoutMs: 10_000, pollIntervalMs: 0, stack: "prod" };

describe("verify-domain flow", () => {
  it("stops after a failed ownership record without starting SPF or DKIM", async () => {
    const { port, calls } = scripted({ Domain: "VerificationFailed" });
    const report = await verifyDomains(port, options);
    expect(calls).toEqual(["Domain"]);
    expect([report.ok, report.domains[0]?.outcome, report.domains[0]?.message]).toEqual([
      false,
      "failed",
      "verification failed for Domain (E1): check that the record is published exactly as listed above, then run verify-domain again",
    ]);
  });

  it("does not restart records already Verified or in progress", async () => {
    const { port, calls } = scripted({}, { Domain: "Verified", SPF: "VerificationInProgress", DKIM: "Verified" });
    const report = await verifyDomains(port, options);
    expect(calls).toEqual(["DKIM2", "DMARC"]);
    expect(report.domains[0]?.outcome).toBe("verified");
  });

  it("counts the domain verified when only the optional DMARC fails, and says so", async () => {
    const { port } = scripted({ DMARC: "VerificationFailed" });
    const report = await verifyDomains(port, options);
    expect([report.ok, report.domains[0]?.message]).toEqual([
      true,
      "verified: Domain, SPF, DKIM, DKIM2 (optional DMARC: VerificationFailed)",
    ]);
    expect(report.nextStep).toBe(
      "set `verified: true` on the mail.example.com entry under acs-platform:email.domains in Pulumi.prod.yaml, then run `pulumi up --stack prod` to link it to the communication service",
    );
  });

  it("with --outputs (no stack name) the next step names the stack file generically", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "verify-outputs-"));
    const file = path.join(dir, "outputs.json");
    writeFileSync(
      file,
      JSON.stringify({
        tokenApiUrl: "https://t.example",
        acsEndpoint: "https://a.example/",
        subscriptionId: "s",
        resourceGroupName: "rg",
        acsName: "acs",
      }),
    );
    const lines: string[] = [];
    const out: Output = { json: false, line: (t) => lines.push(t), error: (t) => lines.push(t), document: () => undefined };
    const { port } = scripted({});
    expect(await main(["--outputs", file], { out, port })).toBe(0);
    expect(lines.at(-1)).toBe(
      "Next step: set `verified: true` on the mail.example.com entry under acs-platform:email.domains in the stack's Pulumi.<stack>.yaml, then run `pulumi up` to link it to the communication service",
    );
  });
});
