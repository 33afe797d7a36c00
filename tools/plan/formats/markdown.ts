// The markdown format: a PR comment with the verdict, a table of policy results and the resource list folded.
import { byUrn, counts, summaryLine, type PlanReport } from "./report";

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function renderMarkdown(report: PlanReport): string {
  const c = counts(report);
  const resources = byUrn(report);
  const lines = [
    `### Offline plan: \`${report.plan.project}/${report.plan.stack}\` ${report.exitCode === 0 ? "passes" : "is blocked"}`,
    "",
    `${c.resources} resources (${c.components} components) · **${c.mandatory} mandatory** · ${c.advisory} advisory · ` +
      `pack \`${report.pack.name}@${report.pack.version}\` with \`${report.policyConfigFile}\``,
    "",
  ];
  if (report.policy.results.length > 0) {
    lines.push("| Level | Severity | Policy | Resource | Message |", "|---|---|---|---|---|");
    const ordered = [...report.policy.results].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
    for (const r of ordered) {
      const res = r.urn ? resources.get(r.urn) : undefined;
      const where = res ? `\`${res.name}\` (${res.type})` : "stack";
      lines.push(`| ${r.level} | ${r.severity ?? ""} | \`${r.policy}\` | ${cell(where)} | ${cell(r.message)} |`);
    }
  } else {
    lines.push("No policy results.");
  }
  lines.push("", "<details><summary>Resources</summary>", "", "| Type | Name | Parent |", "|---|---|---|");
  for (const r of report.plan.resources) {
    const parent = r.parent ? resources.get(r.parent)?.name ?? "" : "";
    lines.push(`| ${r.type} | ${cell(r.name)} | ${cell(parent)} |`);
  }
  lines.push("", "</details>", "", summaryLine(report));
  return lines.join("\n");
}
