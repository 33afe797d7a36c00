// The mermaid format: the architecture a stack deploys as a reader draws it, derived from the plan: one node per
// part of the platform (grouped by the component that declares it), and the data flow between them as labelled
// edges (client → token API → ACS, ACS → events → queues, diagnostics → workspace, alerts → action group).
// Fenced, so it pastes into a PR comment. Nodes and edges appear only for resource types the stack declares.
import { DIAGRAM_ROLES, typesDrawnAs, type DiagramRole } from "../../../policies/azure-types";
import type { PlannedResource } from "../types";
import type { PlanReport } from "./report";

/** The most nodes the diagram may have (the README's hand-drawn diagram has about twenty). */
export const MAX_NODES = 25;

interface DiagramNode {
  id: string;
  label: string;
  shape: "box" | "store" | "external";
  /** The component (parent) whose subgraph the node sits in; undefined for external actors. */
  component?: PlannedResource;
}

function esc(s: string): string {
  return s.replace(/"/g, "#quot;");
}

/** The types drawn in each role, from the catalog's `diagram` field. */
const T = Object.fromEntries(DIAGRAM_ROLES.map((role) => [role, typesDrawnAs(role)])) as Record<DiagramRole, string[]>;

export function renderMermaid(report: PlanReport): string {
  const all = report.plan.resources;
  const byUrn = new Map(all.map((r) => [r.urn, r]));
  const of = (types: readonly string[]) => all.filter((r) => types.includes(r.type));
  const first = (types: readonly string[]) => of(types)[0];
  const componentOf = (r: PlannedResource | undefined) => {
    const p = r?.parent ? byUrn.get(r.parent) : undefined;
    return p && !p.custom && p.type !== "pulumi:pulumi:Stack" ? p : undefined;
  };
  const nodes = new Map<string, DiagramNode>();
  const edges: string[] = [];
  const add = (id: string, label: string, shape: DiagramNode["shape"], source?: PlannedResource) => {
    const n: DiagramNode = { id, label, shape };
    const c = componentOf(source);
    if (c) n.component = c;
    nodes.set(id, n);
  };
  const edge = (from: string, to: string, label: string, dotted = false) => {
    if (nodes.has(from) && nodes.has(to)) edges.push(`  ${from} ${dotted ? "-.->" : "-->"}|"${esc(label)}"| ${to}`);
  };

  const app = first(T.webApp);
  const plan = first(T.plan);
  if (app) {
    add("client", "Web / mobile client", "external");
    add("idp", "OIDC issuer", "external");
    const sku = (plan?.inputs["sku"] as { name?: string; capacity?: number } | undefined) ?? {};
    add("api", `Token API (Web App)${sku.name ? `<br/>${sku.name} x${sku.capacity ?? 1}` : ""}`, "box", app);
  }
  if (first(T.table)) add("table", "Identity mapping table", "store", first(T.table));
  if (first(T.vault)) add("kv", "Key Vault<br/>ACS connection string", "store", first(T.vault));
  const acs = first(T.acs);
  if (acs) add("acs", `Communication Services<br/>data location ${String(acs.inputs["dataLocation"] ?? "")}`, "box", acs);
  if (first(T.email)) add("email", `Email service<br/>${of(T.domain).length} domain(s)`, "box", first(T.email));
  const topic = first(T.topic);
  if (topic) add("topic", `Event Grid system topic<br/>${of(T.subscription).length} subscription(s)`, "box", topic);
  const queues = of(T.queue);
  if (queues.length > 0) {
    add("queues", `Storage queues<br/>${queues.map((q) => String(q.inputs["queueName"] ?? q.name)).join(", ")}`, "store", queues[0]);
    add("consumers", "Queue consumers", "external");
  }
  const deadLetter = of(T.subscription).some(
    (s) => s.inputs["deadLetterWithResourceIdentity"] !== undefined || s.inputs["deadLetterDestination"] !== undefined,
  );
  if (deadLetter) add("deadletter", "Dead-letter container", "store", of(T.subscription)[0]);
  if (first(T.workspace)) add("law", "Log Analytics workspace", "store", first(T.workspace));
  if (first(T.appInsights)) add("appi", "Application Insights", "box", first(T.appInsights));
  const alertCount = of(T.metricAlert).length + of(T.logAlert).length;
  if (alertCount > 0)
    add(
      "alerts",
      `Alerts<br/>${of(T.metricAlert).length} metric, ${of(T.logAlert).length} log`,
      "box",
      of(T.metricAlert)[0] ?? of(T.logAlert)[0],
    );
  if (first(T.budget)) add("budget", "Monthly budget", "box", first(T.budget));
  if (first(T.actionGroup)) add("ag", "Action group (e-mail)", "box", first(T.actionGroup));
  if (first(T.vnet)) add("vnet", `Virtual network${first(T.endpoint) ? "<br/>private endpoint to the vault" : ""}`, "box", first(T.vnet));

  // The data flow.
  edge("client", "api", "bearer JWT");
  edge("api", "idp", "JWKS (validate JWT)");
  edge("api", "acs", "issue token, create identity");
  edge("api", "table", "user ↔ ACS identity");
  edge("api", "kv", "read connection string");
  edge("api", "appi", "telemetry");
  if (app && first(T.vnet)) edge("api", "vnet", "VNet integration");
  if (first(T.endpoint)) edge("vnet", "kv", "private endpoint");
  edge("email", "acs", "linked sender domains");
  edge("acs", "topic", "events");
  edge("topic", "queues", "delivery reports, chat messages");
  edge("topic", "deadletter", "undeliverable events");
  edge("queues", "consumers", "dequeue");
  edge("appi", "law", "workspace-based");
  edge("alerts", "ag", "notify");
  edge("budget", "ag", "notify");
  if (of(T.logAlert).length > 0) edge("alerts", "law", "log query", true);
  // Diagnostics: one dotted edge per node whose resources send diagnostic settings to the workspace.
  const nodeOfRole: Array<[readonly string[], string]> = [
    [T.acs, "acs"],
    [T.vault, "kv"],
    [T.webApp, "api"],
    [T.topic, "topic"],
    [T.workspace, "law"],
    [T.vnet, "vnet"],
  ];
  const nodeOfResource = new Map<string, string>(nodeOfRole.flatMap(([types, node]) => types.map((t) => [t, node] as [string, string])));
  const idToNode = new Map<string, string>();
  for (const r of all) {
    const n = nodeOfResource.get(r.type);
    if (n && r.id) idToNode.set(r.id, n);
    if (T.storageAccount.includes(r.type) && r.id) {
      // The events account holds the queues; the token API's accounts hold the table and the package.
      const account = String(r.inputs["accountName"] ?? "");
      if (queues.some((q) => q.inputs["accountName"] === account)) idToNode.set(r.id, "queues");
      else if (of(T.table).some((t) => t.inputs["accountName"] === account)) idToNode.set(r.id, "table");
    }
  }
  const diagSources = new Set<string>();
  for (const d of of(T.diagnostics)) {
    const uri = String(d.inputs["resourceUri"] ?? "");
    const hit = [...idToNode.entries()].find(([id]) => uri === id || uri.startsWith(`${id}/`));
    if (hit && hit[1] !== "law") diagSources.add(hit[1]);
  }
  for (const s of diagSources) edge(s, "law", "diagnostics", true);

  const lines = ["```mermaid", "flowchart LR"];
  const shape = (n: DiagramNode) =>
    n.shape === "store"
      ? `${n.id}[("${esc(n.label)}")]`
      : n.shape === "external"
        ? `${n.id}(["${esc(n.label)}"])`
        : `${n.id}["${esc(n.label)}"]`;
  const groups = new Map<string, { component: PlannedResource; nodes: DiagramNode[] }>();
  for (const n of nodes.values()) {
    if (!n.component) {
      lines.push(`  ${shape(n)}`);
      continue;
    }
    const g = groups.get(n.component.urn) ?? { component: n.component, nodes: [] };
    g.nodes.push(n);
    groups.set(n.component.urn, g);
  }
  let i = 0;
  for (const g of groups.values()) {
    const kind = g.component.type.split(":").pop() ?? g.component.type;
    lines.push(`  subgraph c${i++}["${esc(kind)}"]`);
    for (const n of g.nodes) lines.push(`    ${shape(n)}`);
    lines.push("  end");
  }
  lines.push(...edges, "```");
  if (nodes.size > MAX_NODES) throw new Error(`the architecture diagram has ${nodes.size} nodes, more than ${MAX_NODES}`);
  return lines.join("\n");
}
