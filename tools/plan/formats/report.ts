// The data every output format renders: the evaluated plan, the pack's results and where they came from.
import type { Policies } from "@pulumi/policy";
import type { PolicyRunResult, ResolvedPackConfig } from "../policy-runner";
import type { PlannedResource, PlanResult } from "../types";

export interface PlanReport {
  plan: PlanResult;
  policy: PolicyRunResult;
  /** The pack's policies and their reconciled config (levels and knobs). */
  policies: Policies;
  config: ResolvedPackConfig;
  pack: { name: string; version: string };
  /** Stack config file and policy config file, relative to the repository root where possible. */
  stackConfigFile: string;
  policyConfigFile: string;
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

/** The one-line summary every human format ends with. */
export function summaryLine(report: PlanReport): string {
  const c = counts(report);
  const verdict = report.exitCode === 0 ? "PASS" : "FAIL";
  return `${verdict}: ${report.plan.project}/${report.plan.stack}: ${c.resources} resources, ${c.components} components; ` +
    `${c.mandatory} mandatory and ${c.advisory} advisory policy results (${report.policies.length} policies, config ${report.policyConfigFile}).`;
}

/** Looks a resource up by URN. */
export function byUrn(report: PlanReport): Map<string, PlannedResource> {
  return new Map(report.plan.resources.map((r) => [r.urn, r]));
}
