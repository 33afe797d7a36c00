// Renders a plan as the text tree `npm run plan` prints, like `pulumi preview`: each resource under its parent with
// its operation against the baseline, its options in brackets, and the property diff under each changed one.
import { allCreates, type ChangeSet, type PropertyDiff, type ResourceChange } from "./diff/compare";
import { OP_SYMBOL, showValue } from "./formats/report";
import type { PlannedResource, PlanResult, ResourceOptions } from "./types";

/** The options worth a reader's attention, compactly: `[protect, import, ignoreChanges: tags, dependsOn: 2]`. */
export function optionsLabel(o: ResourceOptions): string {
  const parts: string[] = [];
  if (o.protect) parts.push("protect");
  if (o.import) parts.push("import");
  if (o.retainOnDelete) parts.push("retainOnDelete");
  if (o.deleteBeforeReplace) parts.push("deleteBeforeReplace");
  if (o.ignoreChanges?.length) parts.push(`ignoreChanges: ${o.ignoreChanges.join(",")}`);
  if (o.replaceOnChanges?.length) parts.push(`replaceOnChanges: ${o.replaceOnChanges.join(",")}`);
  if (o.dependsOn?.length) parts.push(`dependsOn: ${o.dependsOn.length}`);
  return parts.length > 0 ? `  [${parts.join(", ")}]` : "";
}

interface Node {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  options: ResourceOptions;
}

/** The plan as an indented tree, then the stack outputs (secrets masked, mock values marked). */
export function renderTree(plan: PlanResult, changes: ChangeSet = allCreates(plan)): string {
  const byUrn = new Map(changes.changes.map((c) => [c.urn, c]));
  const nodes: Node[] = [...plan.resources];
  const known = new Set(plan.resources.map((r) => r.urn));
  for (const c of changes.changes) {
    if (c.op === "delete")
      nodes.push({ urn: c.urn, type: c.type, name: c.name, options: {}, ...(parentOf(c, known) ? { parent: parentOf(c, known)! } : {}) });
  }
  const children = new Map<string | undefined, Node[]>();
  for (const r of nodes) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
      const change = byUrn.get(r.urn);
      const op = change?.op ?? "create";
      const symbol = OP_SYMBOL[op].padEnd(3);
      const tag = op === "same" || (!changes.baseline && op !== "import") ? "" : ` ${op}`;
      lines.push(`${indent}${branch}${symbol}${r.type}  ${r.name}${tag}${optionsLabel(r.options)}`);
      const childIndent = parent === undefined ? indent : indent + (last ? "   " : "│  ");
      if (change)
        for (const l of diffLines(change)) lines.push(`${childIndent}${(children.get(r.urn)?.length ?? 0) > 0 ? "│  " : "   "}${l}`);
      walk(r.urn, childIndent);
    });
  };
  walk(undefined, "");
  lines.push("", "Outputs:");
  const mocked = new Set(plan.mockOutputs);
  for (const [key, value] of Object.entries(plan.outputs).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${key}: ${showValue(value, 160)}${mocked.has(key) ? "  (mock value: Azure returns the real one)" : ""}`);
  }
  return lines.join("\n");
}

function parentOf(c: ResourceChange, known: Set<string>): string | undefined {
  // A deleted resource's URN carries its parent's type chain, not its parent's URN; hang it under the parent
  // whose type chain and stack match when that parent still exists.
  const [prefix = "", , qualified = ""] = c.urn.split("::");
  const types = qualified.split("$");
  if (types.length < 2) return undefined;
  const parentType = types[types.length - 2]!;
  for (const u of known) if (u.startsWith(`${prefix}::`) && u.split("::")[2]?.endsWith(parentType)) return u;
  return undefined;
}

/** The lines under a changed resource: why it is replaced, `~ path: before => after` per changed input, then the
 *  changes its ignoreChanges drops (`ignored (ignoreChanges): path before → after`). */
export function diffLines(c: ResourceChange): string[] {
  const lines: string[] = [];
  for (const reason of c.replaceReasons) lines.push(`  replace: ${reason}`);
  for (const d of c.diffs) {
    const mark = d.before === undefined ? "+" : d.after === undefined ? "-" : "~";
    lines.push(`  ${mark} ${d.path}: ${showValue(d.before)} => ${showValue(d.after)}`);
  }
  for (const d of c.ignored) lines.push(`  ${ignoredLine(d)}`);
  return lines;
}

/** `ignored (ignoreChanges): path before → after`: a changed input `pulumi up` will not send. */
export function ignoredLine(d: PropertyDiff, max = 120): string {
  return `ignored (ignoreChanges): ${d.path} ${showValue(d.before, max)} → ${showValue(d.after, max)}`;
}

export type { PlannedResource };
