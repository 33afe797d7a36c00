// The data every output format renders: the evaluated plan, the pack's results, the change against the baseline
// and where they came from; plus the small helpers the formats share.
import type { Baseline } from "../diff/baseline";
import type { Policies } from "@pulumi/policy";
import { psRulesOf } from "../../../policies/psrule";
import type { CostReport } from "../cost/section";
import type { ChangeSet, Operation, ResourceChange } from "../diff/compare";
import type { PolicyResult, PolicyRunResult, ResolvedPackConfig } from "../policy-runner";
import type { PlannedResource, PlanResult } from "../types";

export interface PlanReport {
  plan: PlanResult;
  policy: PolicyRunResult;
  /** The pack's policies then the plan's own rules (tools/plan/plan-rules.ts), and the pack's reconciled config. */
  policies: Policies;
  config: ResolvedPackConfig;
  pack: { name: string; version: string };
  /** Stack config file and policy config file, relative to the repository root where possible. */
  stackConfigFile: string;
  policyConfigFile: string;
  /** Absolute path of the stack config file (for reading positions). */
  stackConfigPath: string;
  /** Operation per resource against the baseline (all creates without one). */
  changes: ChangeSet;
  /** Things the reader must know about how the plan was made (e.g. pack defaults used). */
  notices: string[];
  failOnReplace: boolean;
  /** List unchanged resources and outputs even against a baseline (`--show-sames`). */
  showSames: boolean;
  /** The baseline plan's policy results (none for a stack export or without a baseline): what is "the same" there. */
  baselineResults: NonNullable<Baseline["results"]>;
  /** Show timings (`--timings`); without, every format depends only on the inputs. */
  timings: boolean;
  /** Milliseconds the comparison with the baseline took. */
  compareMs: number;
  /** The cost estimate (`--cost`), or undefined. */
  cost?: CostReport;
  exitCode: 0 | 1;
}

/** Counts by level, for summaries; `excepted` counts the violations a reviewed exception covers (not in the others). */
export function counts(report: PlanReport): {
  resources: number;
  components: number;
  mandatory: number;
  advisory: number;
  excepted: number;
} {
  const custom = report.plan.resources.filter((r) => r.custom).length;
  return {
    resources: custom,
    components: report.plan.resources.length - custom,
    mandatory: report.policy.results.filter((r) => r.level === "mandatory").length,
    advisory: report.policy.results.filter((r) => r.level === "advisory").length,
    excepted: report.policy.excepted.length,
  };
}

/** `N mandatory, N advisory, N excepted`: the policy count every human format shows. */
export function resultCounts(report: PlanReport): string {
  const c = counts(report);
  return `${c.mandatory} mandatory, ${c.advisory} advisory, ${c.excepted} excepted`;
}

/** The excepted results, by policy then resource, each as one line: what, where, and the exception's why. */
export function exceptedLines(
  report: PlanReport,
): Array<{ policy: string; psRule?: string; resource: string; level: string; why: string; message: string }> {
  const resources = byUrn(report);
  return report.policy.excepted
    .map((r) => ({
      policy: r.policy,
      ...(r.exception.psRule ? { psRule: r.exception.psRule } : {}),
      resource: (r.urn ? resources.get(r.urn)?.name : undefined) ?? r.urn ?? "(stack)",
      level: r.level,
      why: r.exception.why,
      message: r.message,
    }))
    .sort((a, b) => a.policy.localeCompare(b.policy) || a.resource.localeCompare(b.resource));
}

/** `N to create, N to update, N to replace, N to delete, N unchanged`: the first line every human format shows. */
export function changeLine(report: PlanReport): string {
  const c = report.changes.counts;
  const imports = c.import > 0 ? `${c.import} to import, ` : "";
  return `${c.create} to create, ${imports}${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ${c.same} unchanged`;
}

/** True when the baseline and the plan declare the same thing. */
export function noChanges(report: PlanReport): boolean {
  const c = report.changes.counts;
  return report.changes.baseline !== undefined && c.create + c.import + c.update + c.replace + c.delete === 0;
}

/** Resources whose changed inputs `ignoreChanges` drops (only with a baseline), in plan order. */
export function withIgnoredChanges(report: PlanReport): ResourceChange[] {
  return report.changes.changes.filter((c) => c.ignored.length > 0);
}

/** `N changed input(s) ignored by ignoreChanges ...`, or undefined when there are none. */
export function ignoredLine(report: PlanReport): string | undefined {
  const n = withIgnoredChanges(report).reduce((sum, c) => sum + c.ignored.length, 0);
  if (n === 0) return undefined;
  return `${n} changed input${n === 1 ? "" : "s"} ignored by ignoreChanges: \`pulumi up\` does not send ${n === 1 ? "it" : "them"}, so ${n === 1 ? "that config change has" : "those config changes have"} no effect on Azure`;
}

/** Why the plan fails, if it does: mandatory violations and/or (with --fail-on-replace) critical replacements. */
export function failureReasons(report: PlanReport): string[] {
  const reasons: string[] = [];
  const c = counts(report);
  if (c.mandatory > 0) reasons.push(`${c.mandatory} mandatory policy violation${c.mandatory === 1 ? "" : "s"}`);
  if (report.failOnReplace && report.changes.critical.length > 0) {
    reasons.push(`${report.changes.critical.length} replacement/deletion of stateful resources (--fail-on-replace)`);
  }
  return reasons;
}

/** The one-line summary every human format ends with. */
export function summaryLine(report: PlanReport): string {
  const c = counts(report);
  const verdict = report.exitCode === 0 ? "PASS" : "FAIL";
  return (
    `${verdict}: ${report.plan.project}/${report.plan.stack}: ${c.resources} resources, ${c.components} components; ` +
    `${c.mandatory} mandatory, ${c.advisory} advisory and ${c.excepted} excepted policy results (${report.policies.length} policies, config ${report.policyConfigFile}).`
  );
}

/** The PSRule for Azure rules a policy enforces, as `Azure.X.Y AZR-nnnnnn, ...` (empty when it maps none). */
export function psRuleLabel(policy: string): string {
  return psRulesOf(policy)
    .map((r) => `${r.name} ${r.ref}`)
    .join(", ");
}

/** Looks a resource up by URN. */
export function byUrn(report: PlanReport): Map<string, PlannedResource> {
  return new Map(report.plan.resources.map((r) => [r.urn, r]));
}

/** The symbol `pulumi preview` uses per operation. */
export const OP_SYMBOL: Record<Operation, string> = { create: "+", import: "=", update: "~", replace: "+-", delete: "-", same: " " };

/** A value as shown in a diff: JSON, long values cut in the middle so a line stays readable. */
export function showValue(v: unknown, max = 120): string {
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(v);
  return s.length <= max ? s : `${s.slice(0, max - 20)}…${s.slice(-15)}`;
}

/** The stateful replacements/deletions as lines: `replace ACS acs-... (dataLocation is create-only ...)`. */
export function criticalLines(report: PlanReport, cite: (reason: string) => string = (r) => r): string[] {
  return report.changes.critical.map(
    (c: ResourceChange) =>
      `${c.op.toUpperCase()} ${c.type} ${c.name}${c.protect ? " [protected]" : ""}${c.replaceReasons.length > 0 ? `: ${c.replaceReasons.map(cite).join("; ")}` : ""}`,
  );
}

/** Results grouped by policy, mandatory first, each with the resources it names. */
export function groupByPolicy(
  report: PlanReport,
): Array<{ policy: string; level: PolicyResult["level"]; severity?: string; results: PolicyResult[] }> {
  const groups = new Map<string, { policy: string; level: PolicyResult["level"]; severity?: string; results: PolicyResult[] }>();
  for (const r of report.policy.results) {
    const key = `${r.level}|${r.policy}`;
    const g = groups.get(key) ?? { policy: r.policy, level: r.level, ...(r.severity ? { severity: r.severity } : {}), results: [] };
    g.results.push(r);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (a.level === b.level ? a.policy.localeCompare(b.policy) : a.level === "mandatory" ? -1 : 1));
}

/** The repository the CI run builds, from GitHub Actions' default variables (GITHUB_SERVER_URL, GITHUB_REPOSITORY,
 *  GITHUB_SHA: https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/store-information-in-variables#default-environment-variables),
 *  or undefined outside CI. */
function ciRepository(): { url: string; sha: string } | undefined {
  const server = process.env["GITHUB_SERVER_URL"];
  const repo = process.env["GITHUB_REPOSITORY"];
  const sha = process.env["GITHUB_SHA"];
  if (!server || !repo || !sha) return undefined;
  return { url: `${server.replace(/\/+$/, "")}/${repo}`, sha };
}

/** A repository file as a reader can open it: in CI an https link to the file at the commit being built (a PR
 *  comment or a code-scanning alert cannot follow a relative link); locally the repository-relative path. Never a
 *  file:// URL, which no reader of a comment or an alert can open. */
export function repoFileLink(file: string, anchor?: string): string {
  const ci = ciRepository();
  const hash = anchor === undefined ? "" : `#${anchor}`;
  return ci ? `${ci.url}/blob/${ci.sha}/${file}${hash}` : `${file}${hash}`;
}

/** The policy documentation file; each policy's table row there carries an anchor named like the policy. */
export const POLICY_DOCS = "docs/policies.md";

/** Where a policy is documented: its own row (anchor) in docs/policies.md. */
export function policyDocLink(policy: string): string {
  return repoFileLink(POLICY_DOCS, policy);
}

/** Where the full plan is when a PR comment had to be shortened: this run's `plan-pr-<stack>` artifact in CI (the
 *  name .github/workflows/plan.yml uploads it under), else the command that prints it. */
export const FULL_PLAN_ARTIFACT = (stack: string) => `plan-pr-${stack}`;
export function fullPlanPointer(stack: string): string {
  const ci = ciRepository();
  const run = process.env["GITHUB_RUN_ID"];
  if (ci && run) return `the \`${FULL_PLAN_ARTIFACT(stack)}\` artifact of [this run](${ci.url}/actions/runs/${run}) (text, JSON, SARIF)`;
  return `\`npm run plan -- --stack ${stack} --show-sames\` (add the same \`--compare\`)`;
}
