// Renders a plan as the text tree `npm run plan` prints, like `pulumi preview`: each resource under its parent with
// its operation against the baseline, its options in brackets, and the property diff under each changed one.
import { allCreates, isKeyedList, type ChangeSet, type PropertyDiff, type ResourceChange } from "./diff/compare";
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

/** How the tree is shown: unchanged resources and outputs hidden against a baseline unless `showSames`, and a
 *  footnote list that each replace reason's source is cited through (see Footnotes). */
export interface TreeOptions {
  showSames?: boolean;
  notes?: Footnotes;
}

/** Sources cited once: each distinct URL gets a number the first time, and `list()` prints them at the end. */
export class Footnotes {
  private readonly urls: string[] = [];
  cite(url: string): number {
    const at = this.urls.indexOf(url);
    if (at !== -1) return at + 1;
    this.urls.push(url);
    return this.urls.length;
  }
  /** Replaces every `(https://...)` in a replace reason by `[n]`. */
  reason(text: string): string {
    return text.replace(/ ?\((https?:\/\/[^)\s]+)\)/g, (_m, url: string) => ` [${this.cite(url)}]`);
  }
  list(): string[] {
    return this.urls.map((u, i) => `[${i + 1}] ${u}`);
  }
}

/** Every leaf of a resource's inputs as `path: value` (keyed lists by name, lists of primitives as one value): what a
 *  create sends, as `pulumi preview --diff` lists a new resource's inputs. */
export function inputLeaves(v: unknown, at = "", out: PropertyDiff[] = []): PropertyDiff[] {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    for (const k of Object.keys(v).sort()) inputLeaves((v as Record<string, unknown>)[k], at === "" ? k : `${at}.${k}`, out);
  } else if (isKeyedList(v)) {
    for (const x of v) inputLeaves(x, `${at}[${x.name}]`, out);
  } else if (Array.isArray(v) && v.some((x) => x !== null && typeof x === "object")) {
    v.forEach((x, i) => inputLeaves(x, `${at}[${i}]`, out));
  } else if (v !== undefined) {
    out.push({ path: at, after: v });
  }
  return out;
}

/** The plan as an indented tree, then the stack outputs (secrets masked, mock values marked). Against a baseline,
 *  unchanged resources and outputs are counted, not listed (unless `showSames`), and creates show their inputs. */
export function renderTree(plan: PlanResult, changes: ChangeSet = allCreates(plan), options: TreeOptions = {}): string {
  const byUrn = new Map(changes.changes.map((c) => [c.urn, c]));
  const inputsOf = new Map(plan.resources.map((r) => [r.urn, r.inputs]));
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
  // Against a baseline, a resource is shown when it changes or something below it does (and the stack always).
  const hideSames = changes.baseline !== undefined && options.showSames !== true;
  // A resource whose only differences ignoreChanges drops is shown too: the reader must see them ignored.
  const shown = new Set<string>();
  const mark = (r: Node): boolean => {
    const below = (children.get(r.urn) ?? []).map(mark).some(Boolean);
    const change = byUrn.get(r.urn);
    const own = (change?.op ?? "create") !== "same" || (change?.ignored.length ?? 0) > 0;
    if (!hideSames || below || own || r.parent === undefined) shown.add(r.urn);
    return below || own;
  };
  for (const r of children.get(undefined) ?? []) mark(r);
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string) => {
    const list = (children.get(parent) ?? []).filter((r) => shown.has(r.urn));
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
      const change = byUrn.get(r.urn);
      const op = change?.op ?? "create";
      const symbol = OP_SYMBOL[op].padEnd(3);
      const tag = op === "same" || (!changes.baseline && op !== "import") ? "" : ` ${op}`;
      lines.push(`${indent}${branch}${symbol}${r.type}  ${r.name}${tag}${optionsLabel(r.options)}`);
      const childIndent = parent === undefined ? indent : indent + (last ? "   " : "│  ");
      const under = (children.get(r.urn) ?? []).some((c) => shown.has(c.urn)) ? "│  " : "   ";
      if (change) {
        const creates = change.op === "create" && changes.baseline !== undefined && change.custom;
        const body = creates ? createLines(inputsOf.get(r.urn) ?? {}) : diffLines(change, options.notes);
        for (const l of body) lines.push(`${childIndent}${under}${l}`);
      }
      walk(r.urn, childIndent);
    });
  };
  walk(undefined, "");
  if (hideSames) {
    const plural = (n: number, what: string) => `${n} unchanged ${what}${n === 1 ? "" : "s"}`;
    const hidden = [changes.counts.same, changes.outputs.filter((o) => o.op === "same").length];
    const parts = [hidden[0]! > 0 ? plural(hidden[0]!, "resource") : "", hidden[1]! > 0 ? plural(hidden[1]!, "output") : ""].filter(
      Boolean,
    );
    if (parts.length > 0) lines.push(`(${parts.join(" and ")} not shown; --show-sames lists them)`);
  }
  const outputs = outputLines(plan, changes, options);
  if (outputs.length > 0) lines.push("", ...outputs);
  return lines.join("\n");
}

/** `+ path: value` per input of a created resource. */
function createLines(inputs: Record<string, unknown>): string[] {
  return inputLeaves(inputs).map((d) => `  + ${d.path}: ${showValue(d.after)}`);
}

/** The outputs: all of them without a baseline (or with `showSames`), else only those that change, marked. */
function outputLines(plan: PlanResult, changes: ChangeSet, options: TreeOptions): string[] {
  const mocked = new Set(plan.mockOutputs);
  const mock = (key: string) => (mocked.has(key) ? "  (mock value: Azure returns the real one)" : "");
  const against = changes.baseline !== undefined;
  const list = changes.outputs.filter((o) => !against || options.showSames === true || o.op !== "same");
  if (list.length === 0) return [];
  const lines = ["Outputs:"];
  for (const o of list) {
    if (!against || o.op === "same") lines.push(`  ${o.name}: ${showValue(o.after, 160)}${mock(o.name)}`);
    else if (o.op === "create") lines.push(`+ ${o.name}: ${showValue(o.after, 160)}${mock(o.name)}`);
    else if (o.op === "delete") lines.push(`- ${o.name}: ${showValue(o.before, 160)}`);
    else lines.push(`~ ${o.name}: ${showValue(o.before, 100)} => ${showValue(o.after, 100)}${mock(o.name)}`);
  }
  return lines;
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
export function diffLines(c: ResourceChange, notes?: Footnotes): string[] {
  const lines: string[] = [];
  for (const reason of c.replaceReasons) lines.push(`  replace: ${notes ? notes.reason(reason) : reason}`);
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
