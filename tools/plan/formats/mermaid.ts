// The mermaid format: the architecture drawn from the actual resources: components as subgraphs, Azure
// resources as nodes, and an arrow from each resource to what it depends on.
import type { PlanReport } from "./report";

function label(s: string): string {
  return s.replace(/"/g, "#quot;");
}

/** `azure-native:keyvault:Vault` -> `keyvault:Vault`. */
function shortType(type: string): string {
  const parts = type.split(":");
  return parts.length === 3 ? `${parts[1]}:${parts[2]}` : type;
}

export function renderMermaid(report: PlanReport): string {
  const shown = report.plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
  const ids = new Map(shown.map((r, i) => [r.urn, `r${i}`]));
  const children = new Map<string | undefined, typeof shown>();
  for (const r of shown) {
    const parent = r.parent && ids.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines = ["flowchart LR"];
  const walk = (parent: string | undefined, indent: string) => {
    for (const r of children.get(parent) ?? []) {
      const id = ids.get(r.urn)!;
      if (!r.custom) {
        lines.push(`${indent}subgraph ${id}["${label(`${r.name} (${r.type})`)}"]`);
        walk(r.urn, indent + "  ");
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${id}["${label(`${shortType(r.type)}<br/>${r.name}`)}"]`);
      }
    }
  };
  walk(undefined, "  ");
  const edges = new Set<string>();
  for (const r of shown) {
    if (!r.custom) continue;
    for (const d of r.dependencies) {
      const target = ids.get(d);
      const dep = shown.find((x) => x.urn === d);
      if (!target || !dep || !dep.custom || d === r.parent) continue;
      edges.add(`  ${ids.get(r.urn)} --> ${target}`);
    }
  }
  lines.push(...edges);
  return lines.join("\n");
}
