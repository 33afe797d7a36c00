// The json format: every resource (urn, type, name, parent, inputs with secrets masked, options, where the program
// declares it) with its operation and property diffs against the baseline, deletions, every policy result (an
// excepted one carrying its exception), and the change counts; validated by tools/plan/schema/plan-output.schema.json.
import type { PolicyException } from "../../../policies/exceptions";
import { costJson } from "../cost/section";
import type { ExceptedResult } from "../policy-runner";
import { displayPath } from "../report-builder";
import { originalPosition } from "../source-map";
import { counts, type PlanReport } from "./report";

/** Bumped when a field changes meaning or disappears; adding a field is not a change. 2.1: `results` also lists the
 *  excepted results (their `exception` is set; count the others, or read `summary`). */
export const PLAN_OUTPUT_VERSION = "2.1.0";

export function toJson(report: PlanReport): Record<string, unknown> {
  const c = counts(report);
  const change = new Map(report.changes.changes.map((x) => [x.urn, x]));
  const deleted = report.changes.changes.filter((x) => x.op === "delete");
  return {
    $schema: "./tools/plan/schema/plan-output.schema.json",
    version: PLAN_OUTPUT_VERSION,
    project: report.plan.project,
    stack: report.plan.stack,
    stackConfigFile: report.stackConfigFile,
    policyPack: { name: report.pack.name, version: report.pack.version, configFile: report.policyConfigFile },
    baseline: report.changes.baseline ?? null,
    changes: {
      ...report.changes.counts,
      critical: report.changes.critical.map((x) => ({ urn: x.urn, op: x.op, reasons: x.replaceReasons })),
    },
    resources: [
      ...report.plan.resources.map((r) => {
        const x = change.get(r.urn)!;
        const at = originalPosition(r.source);
        return {
          urn: r.urn,
          type: r.type,
          name: r.name,
          parent: r.parent ?? null,
          custom: r.custom,
          dependencies: r.dependencies,
          inputs: r.inputs,
          secretPaths: r.secretPaths,
          options: r.options,
          source: at ? { file: displayPath(at.file), line: at.line } : null,
          op: x.op,
          diffs: x.diffs,
          replaceReasons: x.replaceReasons,
          ignored: x.ignored,
          stateful: x.stateful,
        };
      }),
      ...deleted.map((x) => ({
        urn: x.urn,
        type: x.type,
        name: x.name,
        parent: null,
        custom: x.custom,
        dependencies: [],
        inputs: {},
        secretPaths: [],
        options: x.protect ? { protect: true } : {},
        source: null,
        op: x.op,
        diffs: [],
        replaceReasons: [],
        ignored: [],
        stateful: x.stateful,
      })),
    ],
    outputs: report.plan.outputs,
    mockOutputs: report.plan.mockOutputs,
    // The results that count, then the excepted ones, each carrying its exception (null for the others).
    results: [...report.policy.results, ...report.policy.excepted].map((r) => ({
      policy: r.policy,
      level: r.level,
      severity: r.severity ?? null,
      urn: r.urn ?? null,
      message: r.message,
      description: r.description,
      kind: r.kind,
      exception: "exception" in r ? exceptionJson((r as ExceptedResult).exception) : null,
    })),
    notices: [...report.notices, ...report.policy.warnings],
    summary: {
      resources: c.resources,
      components: c.components,
      mandatory: c.mandatory,
      advisory: c.advisory,
      excepted: c.excepted,
      exitCode: report.exitCode,
    },
    outputChanges: report.changes.baseline ? report.changes.outputs.filter((o) => o.op !== "same") : [],
    // Only with --cost.
    ...(report.cost ? { cost: costJson(report.cost) } : {}),
    // Only with --timings: without, the JSON depends only on the inputs (two checkouts of a commit agree).
    ...(report.timings
      ? {
          timings: {
            programMs: Math.round(report.plan.programMs),
            policiesMs: Math.round(report.policy.policiesMs),
            compareMs: Math.round(report.compareMs * 10) / 10,
            ...(report.cost ? { costMs: Math.round(report.cost.costMs * 10) / 10 } : {}),
          },
        }
      : {}),
  };
}

/** An exception as the JSON output carries it (policies/exceptions.ts PolicyException). */
function exceptionJson(e: PolicyException): Record<string, unknown> {
  return {
    psRule: e.psRule ?? null,
    stacks: e.stacks,
    resources: e.resources,
    why: e.why,
    compensatingControls: e.compensatingControls,
    sources: e.sources,
    reviewed: e.reviewed,
  };
}

export function renderJson(report: PlanReport): string {
  return JSON.stringify(toJson(report), null, 2);
}
