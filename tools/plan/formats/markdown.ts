// The markdown format: the PR comment. A hidden marker (one sticky comment per stack), the verdict, the change
// summary, stateful replacements first, the changed resources with their property diffs, policy results grouped by
// policy with remediation and a link to docs/policies.md, notices, and the inventory folded.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { ResourceChange } from "../diff/compare";
import { optionsLabel } from "../tree";
import {
  byUrn,
  changeLine,
  counts,
  failureReasons,
  groupByPolicy,
  ignoredLine,
  noChanges,
  OP_SYMBOL,
  policyDocLink,
  showValue,
  summaryLine,
  withIgnoredChanges,
  type PlanReport,
} from "./report";

/** The hidden first line a workflow searches for to update the stack's one comment instead of adding another. */
export function stickyMarker(stack: string): string {
  return `<!-- acs-platform-plan:${stack} -->`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

function shortType(type: string): string {
  const parts = type.split(":");
  return parts.length === 3 ? `${parts[1]}:${parts[2]}` : type;
}

function diffCell(c: ResourceChange): string {
  const parts = c.replaceReasons.map((r) => `**replace:** ${cell(r)}`);
  for (const d of c.diffs.slice(0, 12)) parts.push(`${code(d.path)}: ${code(showValue(d.before, 60))} → ${code(showValue(d.after, 60))}`);
  if (c.diffs.length > 12) parts.push(`… and ${c.diffs.length - 12} more`);
  return parts.join("<br>");
}

export function renderMarkdown(report: PlanReport): string {
  const { plan, changes } = report;
  const c = counts(report);
  const resources = byUrn(report);
  const failing = failureReasons(report);
  const lines = [
    stickyMarker(plan.stack),
    `### ${report.exitCode === 0 ? "✅" : "❌"} Offline plan \`${plan.project}/${plan.stack}\`: ${report.exitCode === 0 ? "passes" : `blocked (${failing.join(", ")})`}`,
    "",
  ];
  if (!changes.baseline) {
    lines.push(`**${changeLine(report)}** (no baseline given: every resource is shown as a create)`);
  } else if (noChanges(report) && withIgnoredChanges(report).length > 0) {
    lines.push(
      `**No changes to Azure.** Every difference from \`${changes.baseline.file}\` is in an \`ignoreChanges\` path (${changes.counts.same} resources unchanged; see "Ignored changes").`,
    );
  } else if (noChanges(report)) {
    lines.push(
      `**No changes.** The program declares exactly what \`${changes.baseline.file}\` holds (${changes.counts.same} resources unchanged).`,
    );
  } else {
    lines.push(
      `**${changeLine(report)}** (against ${changes.baseline.kind === "plan" ? "the plan" : "the stack export"} \`${changes.baseline.file}\`)`,
    );
  }
  if (changes.critical.length > 0) {
    lines.push(
      "",
      `> [!CAUTION]`,
      `> **${changes.critical.length} stateful or protected resource(s) would be replaced or deleted**${report.failOnReplace ? " (`--fail-on-replace`: the plan fails)" : ""}: their data or identity is lost.`,
      "",
      "| Operation | Resource | Type | Why |",
      "|---|---|---|---|",
    );
    for (const x of changes.critical) {
      lines.push(
        `| **${x.op}** | ${code(x.name)}${x.protect ? " (protected)" : ""} | ${shortType(x.type)} | ${cell(x.replaceReasons.join("; ") || (x.op === "delete" ? "removed from the program" : ""))} |`,
      );
    }
  }
  const changed = changes.changes.filter((x) => x.custom && x.op !== "same" && !(x.op === "create" && !changes.baseline));
  if (changed.length > 0) {
    const order = { replace: 0, delete: 1, import: 2, update: 3, create: 4, same: 5 } as const;
    lines.push("", "#### Changes", "", "| | Operation | Resource | Type | What changes |", "|---|---|---|---|---|");
    for (const x of [...changed].sort((a, b) => order[a.op] - order[b.op])) {
      lines.push(
        `| ${OP_SYMBOL[x.op]} | ${x.op} | ${code(x.name)} | ${shortType(x.type)} | ${diffCell(x) || (x.op === "create" ? "new" : x.op === "delete" ? "removed" : x.op === "import" ? `existing ${cell(x.importId ?? "")}` : "")} |`,
      );
    }
  }
  const ignored = withIgnoredChanges(report);
  if (ignored.length > 0) {
    lines.push("", "#### Ignored changes", "", `${ignoredLine(report)}.`, "", "| Resource | Type | Ignored change |", "|---|---|---|");
    for (const x of ignored) {
      lines.push(
        `| ${code(x.name)} | ${shortType(x.type)} | ${x.ignored.map((d) => `ignored (ignoreChanges): ${code(d.path)} ${code(showValue(d.before, 60))} → ${code(showValue(d.after, 60))}`).join("<br>")} |`,
      );
    }
  }
  lines.push("", `#### Policy results: ${c.mandatory} mandatory, ${c.advisory} advisory`, "");
  lines.push(`Pack \`${report.pack.name}@${report.pack.version}\` with \`${report.policyConfigFile}\`.`);
  const groups = groupByPolicy(report);
  if (groups.length > 0) {
    lines.push("", "| Level | Policy | Severity | Resources | Finding | Remediation |", "|---|---|---|---|---|---|");
    for (const g of groups) {
      const policy = report.policies.find((p) => p.name === g.policy) as ResourceValidationPolicy | undefined;
      const names = [...new Set(g.results.map((r) => (r.urn ? (resources.get(r.urn)?.name ?? r.urn) : "stack")))];
      const messages = [...new Set(g.results.map((r) => r.message))];
      const finding = messages.length <= 2 ? messages.join(" / ") : `${messages[0]} (and ${messages.length - 1} other findings)`;
      lines.push(
        `| ${g.level} | [${code(g.policy)}](${policyDocLink()}) | ${g.severity ?? ""} | ${cell(names.map(code).join(", "))} | ${cell(finding)} | ${cell(policy?.remediationSteps ?? "")} |`,
      );
    }
  } else {
    lines.push("", "No policy results.");
  }
  const notes = [...report.notices.map((n) => `Note: ${n}`), ...report.policy.warnings.map((w) => `Warning: ${w}`)];
  if (plan.mockOutputs.length > 0) {
    notes.push(`Outputs ${plan.mockOutputs.map(code).join(", ")} hold mock values (ids, host names, keys); Azure returns the real ones.`);
  }
  if (notes.length > 0) lines.push("", ...notes.map((n) => `- ${cell(n)}`));
  // The inventory, grouped by component (parent) and sorted by type and name.
  lines.push(
    "",
    `<details><summary>Inventory: ${c.resources} resources in ${c.components} components</summary>`,
    "",
    "| Component | Type | Name | Options |",
    "|---|---|---|---|",
  );
  const rows = plan.resources
    .filter((r) => r.custom)
    .map((r) => ({ parent: r.parent ? (resources.get(r.parent)?.name ?? "") : "", r }))
    .sort((a, b) => a.parent.localeCompare(b.parent) || a.r.type.localeCompare(b.r.type) || a.r.name.localeCompare(b.r.name));
  for (const { parent, r } of rows) {
    lines.push(
      `| ${cell(parent || "(stack)")} | ${shortType(r.type)} | ${code(r.name)} | ${cell(
        optionsLabel(r.options)
          .trim()
          .replace(/^\[|\]$/g, ""),
      )} |`,
    );
  }
  lines.push("", "</details>", "", `<sub>${cell(summaryLine(report))}</sub>`);
  return lines.join("\n");
}
