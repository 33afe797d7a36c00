// The json format: every resource (urn, type, name, parent, inputs with secrets masked) and every policy result
// (policy, level, severity, urn, message); validated by tools/plan/schema/plan-output.schema.json.
import { counts, type PlanReport } from "./report";

/** Bumped when a field changes meaning or disappears; adding a field is not a change. */
export const PLAN_OUTPUT_VERSION = "1.0.0";

export function toJson(report: PlanReport): Record<string, unknown> {
  const c = counts(report);
  return {
    $schema: "https://acs-platform.invalid/schemas/plan-output.schema.json",
    version: PLAN_OUTPUT_VERSION,
    project: report.plan.project,
    stack: report.plan.stack,
    stackConfigFile: report.stackConfigFile,
    policyPack: { name: report.pack.name, version: report.pack.version, configFile: report.policyConfigFile },
    resources: report.plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      custom: r.custom,
      dependencies: r.dependencies,
      inputs: r.inputs,
      secretPaths: r.secretPaths,
    })),
    outputs: report.plan.outputs,
    results: report.policy.results.map((r) => ({
      policy: r.policy,
      level: r.level,
      severity: r.severity ?? null,
      urn: r.urn ?? null,
      message: r.message,
      description: r.description,
      kind: r.kind,
    })),
    summary: { resources: c.resources, components: c.components, mandatory: c.mandatory, advisory: c.advisory, exitCode: report.exitCode },
    timings: { programMs: Math.round(report.plan.programMs), policiesMs: Math.round(report.policy.policiesMs) },
  };
}

export function renderJson(report: PlanReport): string {
  return JSON.stringify(toJson(report), null, 2);
}
