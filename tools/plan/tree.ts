// Renders a PlanResult as the text tree `npm run plan` prints: each resource under its parent, with type and name.
import type { PlanResult, PlannedResource } from "./types";

/** The plan as an indented tree followed by the stack outputs (secrets already masked). */
export function renderTree(plan: PlanResult): string {
  const children = new Map<string | undefined, PlannedResource[]>();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const custom = plan.resources.filter((r) => r.custom).length;
  const lines = [`Plan for ${plan.project}/${plan.stack}: ${custom} resources to create (${plan.resources.length - custom} components), program ${plan.programMs} ms`, ""];
  const walk = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
      lines.push(`${indent}${branch}+ ${r.type}  ${r.name}`);
      walk(r.urn, parent === undefined ? indent : indent + (last ? "   " : "│  "));
    });
  };
  walk(undefined, "");
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(plan.outputs).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${key}: ${JSON.stringify(value)}`);
  }
  return lines.join("\n");
}
