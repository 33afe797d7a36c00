// The text format: the resource tree, then the policy results grouped by level, then a one-line summary.
import { renderTree } from "../tree";
import { byUrn, summaryLine, type PlanReport } from "./report";

export function renderText(report: PlanReport): string {
  const lines = [renderTree(report.plan), ""];
  const resources = byUrn(report);
  for (const level of ["mandatory", "advisory"] as const) {
    const results = report.policy.results.filter((r) => r.level === level);
    lines.push(`Policy results: ${level} (${results.length})`);
    for (const r of results) {
      const res = r.urn ? resources.get(r.urn) : undefined;
      const where = res ? `${res.type}  ${res.name}` : r.urn ?? "(stack)";
      lines.push(`  [${level}] ${r.policy}${r.severity ? ` (${r.severity})` : ""}`, `      ${where}`, `      ${r.message}`);
    }
    lines.push("");
  }
  for (const w of report.policy.warnings) lines.push(`warning: ${w}`);
  lines.push(summaryLine(report));
  return lines.join("\n");
}
