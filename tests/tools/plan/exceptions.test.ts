// Reviewed exceptions (policies/exceptions.ts): the offline plan reports a covered violation as excepted in every
// format and never counts it toward the exit code; the real pack (policies/lib.ts honourExceptions) skips the same
// resource, so `pulumi preview --policy-pack` agrees; an exception that matches nothing is stale, a warning here and
// a failing test for the real list over both stacks. Temporary exceptions are injected, the real file is untouched.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { POLICY_EXCEPTIONS, type PolicyException } from "../../../policies/exceptions";
import { exceptionFor, honourExceptions, parseUrn } from "../../../policies/lib";
import { allPolicies } from "../../../policies/policies";
import { renderMarkdown } from "../../../tools/plan/formats/markdown";
import { toJson } from "../../../tools/plan/formats/json";
import { toSarif } from "../../../tools/plan/formats/sarif";
import { renderText } from "../../../tools/plan/formats/text";
import { loadPolicyConfig, runPolicies } from "../../../tools/plan/policy-runner";
import { buildReport, defaultPolicyConfig, REPO_ROOT } from "../../../tools/plan/report-builder";
import type { PlanResult } from "../../../tools/plan/types";
import { sharedPlan } from "../../support/shared-plan";

const TLS_POLICY = "storage-account-configure-min-tls-version";
const ACCOUNT = "acsplat-events-storage";
const DIAGNOSTICS_POLICY = "monitor-diagnostics-missing-diagnostic-setting";

const exception = (over: Partial<PolicyException> = {}): PolicyException => ({
  policy: TLS_POLICY,
  psRule: "Azure.Storage.MinTLS",
  stacks: ["prod"],
  resources: [ACCOUNT],
  why: "Test: a client of this account only speaks TLS 1.0.",
  compensatingControls: "Test: the account holds no data.",
  sources: ["https://learn.microsoft.com/en-us/azure/storage/common/transport-layer-security-configure-minimum-version"],
  reviewed: { by: "test", on: "2026-12-07" },
  ...over,
});

/** The committed exceptions plus the injected ones: prod's own (Azure.Log.Replication) keep holding beside a test's. */
const withCommitted = (...extra: PolicyException[]): PolicyException[] => [...POLICY_EXCEPTIONS, ...extra];

/** Prod's plan with one resource's inputs changed (a deep copy: the shared plan stays as it is). */
async function prodWith(name: string, change: (inputs: Record<string, unknown>) => void): Promise<PlanResult> {
  const plan = structuredClone(await sharedPlan("prod"));
  const r = plan.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name} in prod`);
  change(r.inputs);
  return plan;
}
const weakTls = () => prodWith(ACCOUNT, (i) => (i["minimumTlsVersion"] = "TLS1_0"));
/** Prod without the events account's blob diagnostic setting: the stack policy reports the account by URN. */
async function withoutDiagnostics(): Promise<PlanResult> {
  const plan = structuredClone(await sharedPlan("prod"));
  plan.resources = plan.resources.filter((r) => r.name !== `${ACCOUNT}-blob-diagnostics` && r.name !== `${ACCOUNT}-queue-diagnostics`);
  return plan;
}

describe("matching", () => {
  it("reads stack and logical name from the URN (the name is everything after the third '::')", () => {
    expect(parseUrn("urn:pulumi:prod::acs-platform::acs:storage:X$azure-native:storage:StorageAccount::acsplat-events-storage")).toEqual({
      stack: "prod",
      project: "acs-platform",
      type: "acs:storage:X$azure-native:storage:StorageAccount",
      name: "acsplat-events-storage",
    });
    expect(parseUrn("urn:pulumi:dev::p::t::a::b")?.name).toBe("a::b");
    expect(parseUrn("not-a-urn")).toBeUndefined();
    expect(parseUrn("urn:pulumi:dev::p::t")).toBeUndefined();
  });
  it("needs the same policy, a listed stack and a listed logical name, exactly", () => {
    const list = [exception()];
    const urn = (stack: string, name: string) => `urn:pulumi:${stack}::acs-platform::azure-native:storage:StorageAccount::${name}`;
    expect(exceptionFor(list, TLS_POLICY, urn("prod", ACCOUNT))).toBe(list[0]);
    expect(exceptionFor(list, TLS_POLICY, urn("dev", ACCOUNT))).toBeUndefined();
    expect(exceptionFor(list, TLS_POLICY, urn("prod", `${ACCOUNT}-2`))).toBeUndefined();
    expect(exceptionFor(list, TLS_POLICY, urn("prod", ACCOUNT.toUpperCase()))).toBeUndefined();
    expect(exceptionFor(list, "storage-account-enable-https-only", urn("prod", ACCOUNT))).toBeUndefined();
    expect(exceptionFor(list, TLS_POLICY, undefined)).toBeUndefined();
  });
});

describe("the offline plan", () => {
  it("without the exception, the weak TLS version fails prod", async () => {
    const report = await buildReport(await weakTls(), { exceptions: [] });
    expect(report.exitCode).toBe(1);
    expect(report.policy.results.filter((r) => r.policy === TLS_POLICY).map((r) => parseUrn(r.urn!)!.name)).toEqual([ACCOUNT]);
  });

  it("with it, the violation is excepted: listed with its why in text and markdown, not counted, exit 0", async () => {
    const report = await buildReport(await weakTls(), { exceptions: withCommitted(exception()) });
    expect(report.exitCode).toBe(0);
    expect(report.policy.results.filter((r) => r.policy === TLS_POLICY)).toEqual([]);
    expect(report.policy.excepted.filter((r) => r.policy === TLS_POLICY).map((r) => [r.policy, r.level, parseUrn(r.urn!)!.name])).toEqual([
      [TLS_POLICY, "mandatory", ACCOUNT],
    ]);
    expect(report.policy.stale).toEqual([]);
    const text = renderText(report);
    // 4 excepted: this one and prod's three committed ones (the workspace's replication, the package account's keys and firewall).
    expect(text).toContain("Policy results: 0 mandatory, 3 advisory, 4 excepted");
    expect(text).toContain(
      `  [excepted mandatory] ${TLS_POLICY} (Azure.Storage.MinTLS): ${ACCOUNT}: minimumTlsVersion is 'TLS1_0'; it must be TLS1_2 or TLS1_3.\n      why: Test: a client of this account only speaks TLS 1.0.`,
    );
    expect(text.split("\n").at(-1)).toMatch(
      /^PASS: acs-platform\/prod: \d+ resources, \d+ components; 0 mandatory, 3 advisory and 4 excepted policy results/,
    );
    const md = renderMarkdown(report);
    expect(md).toContain("#### Policy results: 0 mandatory, 3 advisory, 4 excepted");
    expect(md).toContain(
      `| [\`${TLS_POLICY}\`](docs/policies.md#${TLS_POLICY}) | \`Azure.Storage.MinTLS\` | \`${ACCOUNT}\` | minimumTlsVersion is 'TLS1_0'; it must be TLS1_2 or TLS1_3. | Test: a client of this account only speaks TLS 1.0. |`,
    );
  });

  it("JSON: the result carries its exception, the summary counts it apart, the output validates", async () => {
    const report = await buildReport(await weakTls(), { exceptions: withCommitted(exception()) });
    const doc = toJson(report) as { results: Array<Record<string, unknown>>; summary: Record<string, unknown> };
    expect(doc.summary).toMatchObject({ mandatory: 0, advisory: 3, excepted: 4, exitCode: 0 });
    const excepted = doc.results.filter((r) => r["exception"] !== null && r["policy"] === TLS_POLICY);
    expect(excepted).toHaveLength(1);
    expect(excepted[0]).toMatchObject({
      policy: TLS_POLICY,
      level: "mandatory",
      exception: {
        psRule: "Azure.Storage.MinTLS",
        stacks: ["prod"],
        resources: [ACCOUNT],
        why: "Test: a client of this account only speaks TLS 1.0.",
        compensatingControls: "Test: the account holds no data.",
        reviewed: { by: "test", on: "2026-12-07" },
      },
    });
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tools/plan/schema/plan-output.schema.json"), "utf8")));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it("SARIF: the result is suppressed (external, accepted) with the justification, and the log validates", async () => {
    const report = await buildReport(await weakTls(), { exceptions: withCommitted(exception()) });
    const doc = toSarif(report) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    const results = doc.runs[0]!.results.filter((r) => r["ruleId"] === TLS_POLICY);
    expect(results).toHaveLength(1);
    expect(results[0]!["level"]).toBe("error");
    expect(results[0]!["suppressions"]).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "Test: a client of this account only speaks TLS 1.0. Compensating controls: Test: the account holds no data.",
        properties: {
          reviewedBy: "test",
          reviewedOn: "2026-12-07",
          sources: ["https://learn.microsoft.com/en-us/azure/storage/common/transport-layer-security-configure-minimum-version"],
          psRule: "Azure.Storage.MinTLS",
        },
      },
    ]);
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tools/plan/schema/sarif-schema-2.1.0.json"), "utf8")));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it("an exception for dev only does not hold in prod: prod fails, and it is not stale there", async () => {
    const report = await buildReport(await weakTls(), { exceptions: [exception({ stacks: ["dev"] })] });
    expect(report.exitCode).toBe(1);
    expect(report.policy.excepted).toEqual([]);
    expect(report.policy.stale).toEqual([]);
  });

  it("an exception that matches no violation is stale: the plan warns, naming it", async () => {
    const report = await buildReport(await sharedPlan("prod"), {
      exceptions: withCommitted(exception({ resources: [ACCOUNT, "acsplat-token-api-data"] })),
    });
    expect(report.exitCode).toBe(0);
    expect(report.policy.warnings).toEqual([
      `stale exception in policies/exceptions.ts: ${TLS_POLICY} (Azure.Storage.MinTLS) for '${ACCOUNT}' matches no violation in stack 'prod'; remove it or fix its policy and resource names`,
      `stale exception in policies/exceptions.ts: ${TLS_POLICY} (Azure.Storage.MinTLS) for 'acsplat-token-api-data' matches no violation in stack 'prod'; remove it or fix its policy and resource names`,
    ]);
    expect(renderText(report)).toContain(`warning: stale exception in policies/exceptions.ts: ${TLS_POLICY}`);
  });

  it("a stack policy's per-resource violation is excepted the same way", async () => {
    const plan = await withoutDiagnostics();
    const without = await buildReport(plan, { exceptions: [] });
    expect(without.policy.results.filter((r) => r.policy === DIAGNOSTICS_POLICY).map((r) => parseUrn(r.urn!)!.name)).toEqual([ACCOUNT]);
    const report = await buildReport(plan, { exceptions: withCommitted(exception({ policy: DIAGNOSTICS_POLICY, psRule: undefined })) });
    expect(report.exitCode).toBe(0);
    expect(report.policy.excepted.filter((r) => r.policy === DIAGNOSTICS_POLICY).map((r) => [r.policy, parseUrn(r.urn!)!.name])).toEqual([
      [DIAGNOSTICS_POLICY, ACCOUNT],
    ]);
  });
});

describe("the real pack agrees: it skips what the plan reports as excepted", () => {
  const prodConfig = () => loadPolicyConfig(defaultPolicyConfig("prod")).config;

  it("a resource policy marks the excepted resource not applicable, with the reason, and reports nothing for it", async () => {
    const plan = await weakTls();
    const e = exception();
    const pack = await runPolicies(plan, prodConfig(), honourExceptions(allPolicies, [e]));
    const plain = await runPolicies(plan, prodConfig(), allPolicies);
    expect(pack.results.filter((r) => r.policy === TLS_POLICY)).toEqual([]);
    expect(pack.notApplicable.filter((n) => n.policy === TLS_POLICY && parseUrn(n.urn!)!.name === ACCOUNT)).toEqual([
      {
        policy: TLS_POLICY,
        urn: plan.resources.find((r) => r.name === ACCOUNT)!.urn,
        reason: "excepted in stack 'prod' (policies/exceptions.ts): Test: a client of this account only speaks TLS 1.0.",
      },
    ]);
    // Everything else is what the unwrapped pack reports.
    expect(pack.results).toEqual(plain.results.filter((r) => r.policy !== TLS_POLICY));
    // And the plan, on the same inputs, reports exactly the skipped violation as excepted.
    const report = await buildReport(plan, { exceptions: [e] });
    expect(report.policy.excepted.filter((r) => r.policy === TLS_POLICY).map((r) => [r.policy, r.urn])).toEqual(
      plain.results.filter((r) => r.policy === TLS_POLICY).map((r) => [r.policy, r.urn]),
    );
  });

  it("a stack policy drops the excepted resource's report and keeps the others", async () => {
    const plan = await withoutDiagnostics();
    const other = plan.resources.find((r) => r.name === "acsplat-token-api-data")!.urn;
    const moreMissing = { ...plan, resources: plan.resources.filter((r) => r.name !== "acsplat-token-api-data-table-diagnostics") };
    const pack = await runPolicies(moreMissing, prodConfig(), honourExceptions(allPolicies, [exception({ policy: DIAGNOSTICS_POLICY })]));
    expect(pack.results.filter((r) => r.policy === DIAGNOSTICS_POLICY).map((r) => r.urn)).toEqual([other]);
  });

  it("without exceptions the pack is the list itself; a policy no exception names is the same object", () => {
    expect(honourExceptions(allPolicies, [])).toEqual(allPolicies);
    const wrapped = honourExceptions(allPolicies, [exception()]);
    expect(wrapped.filter((p, i) => p !== allPolicies[i]).map((p) => p.name)).toEqual([TLS_POLICY]);
  });
});

describe("policies/exceptions.ts as committed", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: every exception listed for the stack matches a violation (none is stale)`, async () => {
      const report = await buildReport(await sharedPlan(stack), { exceptions: POLICY_EXCEPTIONS });
      expect(report.policy.stale.map((s) => `${s.exception.policy} ${s.resource}`)).toEqual([]);
    });
  }
  it("every exception names a policy of the pack and at least one stack and resource", () => {
    const names = new Set(allPolicies.map((p) => p.name));
    for (const e of POLICY_EXCEPTIONS) {
      expect(names.has(e.policy), e.policy).toBe(true);
      expect([e.stacks.length > 0, e.resources.length > 0, e.why.trim() !== "", e.compensatingControls.trim() !== ""]).toEqual([
        true,
        true,
        true,
        true,
      ]);
    }
  });
});
