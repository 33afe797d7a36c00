// The text format, for a terminal: the change summary line, stateful replacements and deletions, the resource tree
// with operations and property diffs, the policy results grouped by policy, the excepted ones with their reason,
// notices, then the verdict line.
import { costText } from "../cost/section";
import { resultKey } from "../diff/baseline";
import { Footnotes, renderTree } from "../tree";
import {
  byUrn,
  changeLine,
  criticalLines,
  exceptedLines,
  groupByPolicy,
  ignoredLine,
  noChanges,
  psRuleLabel,
  resultCounts,
  summaryLine,
  type PlanReport,
} from "./report";

export function renderText(report: PlanReport): string {
  const { plan, changes } = report;
  const notes = new Footnotes();
  const against = changes.baseline ? ` against ${changes.baseline.kind === "plan" ? "plan" : "stack export"} ${changes.baseline.file}` : "";
  const lines = [`Plan for ${plan.project}/${plan.stack}${against}: ${changeLine(report)}`];
  const ignored = ignoredLine(report);
  if (noChanges(report)) {
    lines.push(
      ignored === undefined
        ? "No changes: the program declares exactly what the baseline holds."
        : "No changes to Azure: every difference from the baseline is in an ignoreChanges path.",
    );
  }
  if (ignored !== undefined) lines.push(`${ignored.replace(/`/g, "")} (marked "ignored (ignoreChanges)" below).`);
  if (!changes.baseline) lines.push("(no --compare baseline: every resource is a create)");
  if (changes.critical.length > 0) {
    lines.push(
      "",
      `WARNING: ${changes.critical.length} stateful or protected resource(s) would be replaced or deleted${report.failOnReplace ? " (--fail-on-replace: the plan fails)" : ""}:`,
    );
    for (const l of criticalLines(report, (r) => notes.reason(r))) lines.push(`  ${l}`);
  }
  lines.push("", renderTree(plan, changes, { showSames: report.showSames, notes }), "");
  const resources = byUrn(report);
  lines.push(`Policy results: ${resultCounts(report)}`);
  // An advisory result the baseline plan already had is a "same": summarised like unchanged resources, so a one-line
  // change reads as one line (mandatory results are always listed: they fail the plan).
  const before = new Set(report.baselineResults.map(resultKey));
  const isSame = (r: { level: string; policy: string; urn?: string; message: string }): boolean =>
    !report.showSames && r.level === "advisory" && before.has(resultKey(r));
  let sameResults = 0;
  for (const g of groupByPolicy(report)) {
    const shown = g.results.filter((r) => !isSame({ ...r, level: g.level }));
    sameResults += g.results.length - shown.length;
    if (shown.length === 0) continue;
    lines.push(
      `  [${g.level}] ${g.policy}${g.severity ? ` (${g.severity})` : ""}${psRuleLabel(g.policy) ? ` [PSRule ${psRuleLabel(g.policy)}]` : ""}: ${g.results.length} result${g.results.length === 1 ? "" : "s"}`,
    );
    for (const r of shown) {
      const res = r.urn ? resources.get(r.urn) : undefined;
      lines.push(`      ${res ? `${res.type}  ${res.name}` : (r.urn ?? "(stack)")}: ${r.message}`);
    }
  }
  if (sameResults > 0)
    lines.push(`  (${sameResults} advisory result${sameResults === 1 ? "" : "s"} as in the baseline not shown; --show-sames lists them)`);
  // Excepted violations are always listed, with the reviewed reason (policies/exceptions.ts): never a silent pass.
  for (const x of exceptedLines(report)) {
    lines.push(
      `  [excepted ${x.level}] ${x.policy}${x.psRule ? ` (${x.psRule})` : ""}: ${x.resource}: ${x.message}`,
      `      why: ${x.why}`,
    );
  }
  if (report.cost) lines.push("", ...costText(report.cost));
  const sources = notes.list();
  if (sources.length > 0) lines.push("", "Sources of the replace reasons:", ...sources.map((s) => `  ${s}`));
  lines.push("");
  for (const n of report.notices) lines.push(`note: ${n}`);
  for (const w of report.policy.warnings) lines.push(`warning: ${w}`);
  // Off by default: two plans of the same inputs are byte-identical.
  if (report.timings) {
    lines.push(
      `timings: program ${plan.programMs} ms, policies ${Math.round(report.policy.policiesMs)} ms${changes.baseline ? `, compare ${Math.round(report.compareMs)} ms` : ""}${report.cost ? `, cost ${Math.round(report.cost.costMs)} ms` : ""}`,
    );
  }
  lines.push(summaryLine(report));
  return lines.join("\n");
}
