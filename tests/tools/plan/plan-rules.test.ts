// The plan's own rules (tools/plan/plan-rules.ts), in fresh `npm run plan` processes: prod with its customer domain
// marked verified links it at once, which Azure rejects when the domain is new — exit 1 against an empty stack
// export, exit 0 against the phase-1 plan in which the domain exists, exit 0 with an advisory result without any
// baseline; the result is in every format like a pack policy's.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { allPolicies } from "../../../policies/policies";
import { PLAN_RULES } from "../../../tools/plan/plan-rules";
import { plan, ROOT } from "./run-plan";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-rules-"));
const RULE = "plan-communication-disallow-new-domain-link";
const ACS_URN =
  "urn:pulumi:prod::acs-platform::acs:communication:CommunicationServices$azure-native:communication:CommunicationService::acsplat-communication-acs";
const SOURCE = "https://learn.microsoft.com/azure/communication-services/quickstarts/email/connect-email-communication-resource";

const prodYaml = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}
/** Prod as the second phase of the customer-domain flow: the domain marked verified, so ACS links it. */
const verified = write("Pulumi.prod-verified.yaml", prodYaml.replace("        verified: false\n", "        verified: true\n"));
const emptyExport = write("empty-export.json", '{"version":3,"deployment":{"resources":[]}}');
const phase1 = path.join(tmp, "phase1.json");

interface JsonResult {
  policy: string;
  level: string;
  urn: string | null;
  message: string;
}
const ruleResults = (stdout: string): JsonResult[] =>
  (JSON.parse(stdout) as { results: JsonResult[] }).results.filter((r) => r.policy === RULE);

/** The first deploy of the verified prod (an empty stack export as baseline): JSON on stdout, the other formats via --also. */
let firstDeploy: { code: number; stdout: string; stderr: string };
const firstDeployFiles = { text: path.join(tmp, "first.txt"), markdown: path.join(tmp, "first.md"), sarif: path.join(tmp, "first.sarif") };

beforeAll(async () => {
  expect(fs.readFileSync(verified, "utf8")).not.toBe(prodYaml);
  const also = Object.entries(firstDeployFiles).flatMap(([format, file]) => ["--also", `${format}=${file}`]);
  const [phase1Run, first] = await Promise.all([
    // Phase 1 as deployed: prod as it is (domain created, not linked), its JSON plan kept as main's artifact.
    plan(["--stack", "prod", "--format", "json", "--output", phase1]),
    plan(["--stack", "prod", "--config-file", verified, "--compare", emptyExport, "--format", "json", ...also]),
  ]);
  expect(phase1Run.code).toBe(0);
  firstDeploy = first;
}, 60_000);

describe(`${RULE}: linking a customer domain the deployment creates`, () => {
  it("fails against an empty stack export (a first deploy), naming ACS, the domain and the source", () => {
    const r = firstDeploy;
    expect(r.code).toBe(1);
    const results = ruleResults(r.stdout);
    expect(results.map((x) => [x.level, x.urn])).toEqual([["mandatory", ACS_URN]]);
    expect(results[0]!.message).toBe(
      "azure-native:communication:CommunicationService 'acsplat-communication-acs' links the customer-managed domain " +
        "'acsplat-communication-domain-notify-contoso-com' (notify.contoso.com), which this deployment creates (it is not in the baseline " +
        `${emptyExport}). Azure will answer that the domain "must be fully verified before attempting to link it", and the ACS create ` +
        `or update fails. Source: ${SOURCE}`,
    );
  });

  it("passes against the phase-1 plan, where the domain exists", async () => {
    const r = await plan(["--stack", "prod", "--config-file", verified, "--compare", phase1, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(ruleResults(r.stdout)).toEqual([]);
    // The link itself is the one change phase 2 makes to ACS.
    const acs = (JSON.parse(r.stdout) as { resources: Array<{ urn: string; op: string; diffs: Array<{ path: string }> }> }).resources.find(
      (x) => x.urn === ACS_URN,
    )!;
    expect([acs.op, acs.diffs.map((d) => d.path)]).toEqual(["update", ["linkedDomains"]]);
  }, 30_000);

  it("fails when a create-only change re-creates the linked domain", async () => {
    const moved = write(
      "Pulumi.prod-verified-germany.yaml",
      fs.readFileSync(verified, "utf8").replace("acs-platform:dataLocation: Europe", "acs-platform:dataLocation: Germany"),
    );
    const r = await plan(["--stack", "prod", "--config-file", moved, "--compare", phase1, "--format", "json"]);
    expect(r.code).toBe(1);
    const results = ruleResults(r.stdout);
    expect(results.map((x) => x.level)).toEqual(["mandatory"]);
    expect(results[0]!.message).toMatch(
      /\(notify\.contoso\.com\), which this deployment re-creates \(inside acsplat-communication-email, which is re-created \(dataLocation\)\)\. Azure will answer/,
    );
  }, 30_000);

  it("without a baseline is advisory (exit 0) and says how to find out", async () => {
    const r = await plan(["--stack", "prod", "--config-file", verified, "--format", "json"]);
    expect(r.code).toBe(0);
    const results = ruleResults(r.stdout);
    expect(results.map((x) => [x.level, x.urn])).toEqual([["advisory", ACS_URN]]);
    expect(results[0]!.message).toContain("without a baseline the plan cannot tell whether that domain exists already");
    expect(results[0]!.message).toContain("Run with --compare against the deployed stack's export or main's plan.");
  }, 30_000);

  it("is shown by text, markdown and SARIF like a pack policy", () => {
    const read = (format: keyof typeof firstDeployFiles) => fs.readFileSync(firstDeployFiles[format], "utf8");
    expect(read("text")).toContain(`[mandatory] ${RULE} (critical): 1 result`);
    expect(read("markdown")).toMatch(
      new RegExp(
        `\\| mandatory \\| \\[\`${RULE}\`\\]\\([^)]+\\) \\| critical \\| \`acsplat-communication-acs\` \\| .*notify\\.contoso\\.com.* \\| Deploy the customer-managed domain with \`verified: false\` first`,
      ),
    );
    const run = (
      JSON.parse(read("sarif")) as {
        runs: Array<{
          tool: { driver: { rules: Array<{ id: string }> } };
          results: Array<{ ruleId: string; ruleIndex: number; level: string }>;
        }>;
      }
    ).runs[0]!;
    const result = run.results.find((x) => x.ruleId === RULE)!;
    expect([result.level, run.tool.driver.rules[result.ruleIndex]!.id]).toEqual(["error", RULE]);
    expect(run.tool.driver.rules.length).toBe(allPolicies.length + PLAN_RULES.length);
  });

  it("leaves the default plans of dev and prod without any result of the rule", async () => {
    const dev = await plan(["--stack", "dev", "--format", "json"]);
    expect([dev.code, ruleResults(dev.stdout)]).toEqual([0, []]);
    // Prod's default plan is phase 1's.
    expect(ruleResults(fs.readFileSync(phase1, "utf8"))).toEqual([]);
  }, 60_000);
});
