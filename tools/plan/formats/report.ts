// The data every output format renders: the evaluated plan, the pack's results, the change against the baseline
// and where they came from; plus the small helpers the formats share.
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Policies } from "@pulumi/policy";
import { REPO_ROOT } from "../report-builder";
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
  /** Milliseconds the comparison with the baseline took. */
  compareMs: number;
  exitCode: 0 | 1;
}

/** Counts by level, for summaries. */
export function counts(report: PlanReport): { resources: number; components: number; mandatory: number; advisory: number } {
  const custom = report.plan.resources.filter((r) => r.custom).length;
  return {
    resources: custom,
    components: report.plan.resources.length - custom,
    mandatory: report.policy.results.filter((r) => r.level === "mandatory").length,
    advisory: report.policy.results.filter((r) => r.level === "advisory").length,
  };
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
    `${c.mandatory} mandatory and ${c.advisory} advisory policy results (${report.policies.length} policies, config ${report.policyConfigFile}).`
  );
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
export function criticalLines(report: PlanReport): string[] {
  return report.changes.critical.map(
    (c: ResourceChange) =>
      `${c.op.toUpperCase()} ${c.type} ${c.name}${c.protect ? " [protected]" : ""}${c.replaceReasons.length > 0 ? `: ${c.replaceReasons.join("; ")}` : ""}`,
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

/** Where docs/policies.md is read: in the GitHub repository of the CI run when known (a PR comment or a code
 *  scanning alert cannot follow a relative link), else the local file. `anchor` is a heading's anchor. */
export function docsUrl(anchor: string): string {
  const server = process.env["GITHUB_SERVER_URL"];
  const repo = process.env["GITHUB_REPOSITORY"];
  if (server && repo) return `${server}/${repo}/blob/${process.env["GITHUB_SHA"] ?? "main"}/docs/policies.md#${anchor}`;
  return `${pathToFileURL(path.join(REPO_ROOT, "docs", "policies.md")).href}#${anchor}`;
}

/** Where a policy is documented: the "Every policy" table of docs/policies.md (one row per policy). */
export function policyDocLink(): string {
  return docsUrl("every-policy");
}
