// The markdown format: the PR comment. A hidden marker (one sticky comment per stack), the verdict, the change
// summary, stateful replacements first, the changed resources with their property diffs (creates with their inputs
// folded), changed outputs, policy results grouped by policy with remediation and a link to the policy's row in
// docs/policies.md, notices, and the inventory folded; kept under GitHub's comment limit.
import { costMarkdown } from "../cost/section";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { ResourceChange } from "../diff/compare";
import { inputLeaves, optionsLabel } from "../tree";
import {
  byUrn,
  changeLine,
  counts,
  exceptedLines,
  failureReasons,
  fullPlanPointer,
  groupByPolicy,
  ignoredLine,
  noChanges,
  OP_SYMBOL,
  policyDocLink,
  psRuleLabel,
  resultCounts,
  showValue,
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

/** GitHub refuses an issue or PR comment body longer than this many characters: the API answers 422 "Body is too
 *  long (maximum is 65536 characters)" (quoted in https://github.com/danger/danger/issues/424 and
 *  https://github.com/telia-oss/github-pr-resource/issues/259). */
export const COMMENT_LIMIT = 65_536;

/** How much a rendering keeps, from everything (0) to the least (5): each level drops the least important part
 *  left, so a comment over the limit loses the inventory first and the change summary never. */
const CUTS = [
  "",
  "the resource inventory",
  "the inputs of created resources",
  "property diffs beyond 3 per resource and resource names beyond 10 per policy",
  "changed resources beyond 40",
  "changed resources beyond 10, critical ones beyond 20 and policies beyond 20",
] as const;

/** Replace reasons' sources as markdown reference links, defined once at the end of the comment. */
class References {
  private readonly urls: string[] = [];
  reason(text: string): string {
    return text.replace(/ ?\((https?:\/\/[^)\s]+)\)/g, (_m, url: string) => {
      let i = this.urls.indexOf(url);
      if (i === -1) i = this.urls.push(url) - 1;
      return ` ([source ${i + 1}][src-${i + 1}])`;
    });
  }
  definitions(): string[] {
    return this.urls.map((u, i) => `[src-${i + 1}]: ${u}`);
  }
}

function diffCell(c: ResourceChange, refs: References, maxDiffs: number): string {
  const parts = c.replaceReasons.map((r) => `**replace:** ${cell(refs.reason(r))}`);
  for (const d of c.diffs.slice(0, maxDiffs))
    parts.push(`${code(d.path)}: ${code(showValue(d.before, 60))} → ${code(showValue(d.after, 60))}`);
  if (c.diffs.length > maxDiffs) parts.push(`… and ${c.diffs.length - maxDiffs} more`);
  return parts.join("<br>");
}

/** A created resource's inputs, folded: `<details>` inside the table cell. */
function createCell(inputs: Record<string, unknown>): string {
  const leaves = inputLeaves(inputs);
  if (leaves.length === 0) return "new";
  const rows = leaves.map((d) => `${code(d.path)}: ${code(showValue(d.after, 80))}`);
  return `new <details><summary>${leaves.length} input${leaves.length === 1 ? "" : "s"}</summary>${rows.join("<br>")}</details>`;
}

/** The PR comment: at most `limit` characters (GitHub's COMMENT_LIMIT by default), cutting the least important parts
 *  first (CUTS) and then saying what was cut and where the full plan is. */
export function renderMarkdown(report: PlanReport, limit: number = COMMENT_LIMIT): string {
  for (let level = 0; level < CUTS.length; level++) {
    const md = renderAt(report, level);
    if (md.length <= limit) return md;
  }
  // Still too long (thousands of resources): keep the head, then the pointer.
  const tail = `\n\n> [!WARNING]\n> Cut at GitHub's comment limit; the full plan is ${fullPlanPointer(report.plan.stack)}.\n`;
  return renderAt(report, CUTS.length - 1).slice(0, limit - tail.length) + tail;
}

function renderAt(report: PlanReport, level: number): string {
  const { plan, changes } = report;
  const c = counts(report);
  const resources = byUrn(report);
  const refs = new References();
  const failing = failureReasons(report);
  const maxDiffs = level >= 3 ? 3 : 12;
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
  if (level > 0) {
    const cut = CUTS.slice(1, level + 1).join("; ");
    lines.push(
      "",
      `> [!NOTE]`,
      `> Shortened to fit GitHub's comment limit (left out: ${cut}). The full plan is ${fullPlanPointer(plan.stack)}.`,
    );
  }
  if (changes.critical.length > 0) {
    const maxCritical = level >= 5 ? 20 : Infinity;
    lines.push(
      "",
      `> [!CAUTION]`,
      `> **${changes.critical.length} stateful or protected resource(s) would be replaced or deleted**${report.failOnReplace ? " (`--fail-on-replace`: the plan fails)" : ""}: their data or identity is lost.`,
      "",
      "| Operation | Resource | Type | Why |",
      "|---|---|---|---|",
    );
    for (const x of changes.critical.slice(0, maxCritical)) {
      lines.push(
        `| **${x.op}** | ${code(x.name)}${x.protect ? " (protected)" : ""} | ${shortType(x.type)} | ${cell(x.replaceReasons.map((r) => refs.reason(r)).join("; ") || (x.op === "delete" ? "removed from the program" : ""))} |`,
      );
    }
    if (changes.critical.length > maxCritical) lines.push(`| | … and ${changes.critical.length - maxCritical} more | | |`);
  }
  const changed = changes.changes.filter((x) => x.custom && x.op !== "same" && !(x.op === "create" && !changes.baseline));
  if (changed.length > 0) {
    const order = { replace: 0, delete: 1, import: 2, update: 3, create: 4, same: 5 } as const;
    const maxRows = level >= 5 ? 10 : level >= 4 ? 40 : Infinity;
    const sorted = [...changed].sort((a, b) => order[a.op] - order[b.op]);
    lines.push("", "#### Changes", "", "| | Operation | Resource | Type | What changes |", "|---|---|---|---|---|");
    for (const x of sorted.slice(0, maxRows)) {
      const what =
        x.op === "create"
          ? level >= 2
            ? "new"
            : createCell(resources.get(x.urn)?.inputs ?? {})
          : diffCell(x, refs, maxDiffs) || (x.op === "delete" ? "removed" : x.op === "import" ? `existing ${cell(x.importId ?? "")}` : "");
      lines.push(`| ${OP_SYMBOL[x.op]} | ${x.op} | ${code(x.name)} | ${shortType(x.type)} | ${what} |`);
    }
    if (sorted.length > maxRows) lines.push(`| | | … and ${sorted.length - maxRows} more | | |`);
  }
  const outputs = changes.baseline ? changes.outputs.filter((o) => o.op !== "same") : [];
  if (outputs.length > 0) {
    const mocked = new Set(plan.mockOutputs);
    lines.push("", "#### Outputs that change", "", "| | Output | Before | After |", "|---|---|---|---|");
    for (const o of outputs) {
      const after = o.op === "delete" ? "(removed)" : `${code(showValue(o.after, 80))}${mocked.has(o.name) ? " (mock value)" : ""}`;
      lines.push(`| ${OP_SYMBOL[o.op]} | ${code(o.name)} | ${o.op === "create" ? "(new)" : code(showValue(o.before, 80))} | ${after} |`);
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
  lines.push("", `#### Policy results: ${resultCounts(report)}`, "");
  lines.push(`Pack \`${report.pack.name}@${report.pack.version}\` with \`${report.policyConfigFile}\`.`);
  const groups = groupByPolicy(report);
  if (groups.length > 0) {
    const maxGroups = level >= 5 ? 20 : Infinity;
    const maxNames = level >= 3 ? 10 : Infinity;
    lines.push("", "| Level | Policy | Severity | Resources | Finding | Remediation |", "|---|---|---|---|---|---|");
    for (const g of groups.slice(0, maxGroups)) {
      const policy = report.policies.find((p) => p.name === g.policy) as ResourceValidationPolicy | undefined;
      const names = [...new Set(g.results.map((r) => (r.urn ? (resources.get(r.urn)?.name ?? r.urn) : "stack")))];
      const shown = names.slice(0, maxNames).map(code).join(", ") + (names.length > maxNames ? ` and ${names.length - maxNames} more` : "");
      const messages = [...new Set(g.results.map((r) => r.message))];
      const finding = messages.length <= 2 ? messages.join(" / ") : `${messages[0]} (and ${messages.length - 1} other findings)`;
      lines.push(
        `| ${g.level} | [${code(g.policy)}](${policyDocLink(g.policy)})${psRuleLabel(g.policy) ? `<br>PSRule ${psRuleLabel(g.policy)}` : ""} | ${g.severity ?? ""} | ${cell(shown)} | ${cell(finding)} | ${cell(policy?.remediationSteps ?? "")} |`,
      );
    }
    if (groups.length > maxGroups) lines.push(`| | … and ${groups.length - maxGroups} more policies | | | | |`);
  } else {
    lines.push("", "No policy results.");
  }
  const excepted = exceptedLines(report);
  if (excepted.length > 0) {
    // Never folded away: an excepted violation is reported with its reviewed reason (policies/exceptions.ts).
    lines.push(
      "",
      "Excepted (reviewed in `policies/exceptions.ts`; they do not fail the plan):",
      "",
      "| Policy | PSRule | Resource | Finding | Why |",
      "|---|---|---|---|---|",
    );
    for (const x of excepted) {
      lines.push(
        `| [${code(x.policy)}](${policyDocLink(x.policy)}) | ${x.psRule ? code(x.psRule) : ""} | ${code(x.resource)} | ${cell(x.message)} | ${cell(x.why)} |`,
      );
    }
  }
  if (report.cost) lines.push(...costMarkdown(report.cost));
  const notes = [...report.notices.map((n) => `Note: ${n}`), ...report.policy.warnings.map((w) => `Warning: ${w}`)];
  if (plan.mockOutputs.length > 0) {
    notes.push(`Outputs ${plan.mockOutputs.map(code).join(", ")} hold mock values (ids, host names, keys); Azure returns the real ones.`);
  }
  if (notes.length > 0) lines.push("", ...notes.map((n) => `- ${cell(n)}`));
  if (level < 1) {
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
    lines.push("", "</details>");
  }
  const definitions = refs.definitions();
  if (definitions.length > 0) lines.push("", ...definitions);
  return lines.join("\n");
}
