// Compares an evaluated plan with a baseline (an earlier plan or a `pulumi stack export`) the way `pulumi preview`
// decides an operation per resource: create, update, replace, delete or same, with the changed input paths and
// their before/after values (secrets masked), and the reason for every replacement (the path parameters and create-only properties of policies/azure-types.ts).
import { SECRET_PLACEHOLDER, type PlannedResource, type PlanResult } from "../types";
import type { Baseline, BaselineResource } from "./baseline";
import { azureType, pathParams, typesWhere } from "../../../policies/azure-types";

/**
 * `import`: the resource is declared with Pulumi's `import` option and is not in the baseline's state, so `pulumi up`
 * reads it from Azure instead of creating it (then updates what the program declares differently; pulumi/pulumi
 * #19339, https://www.pulumi.com/docs/iac/concepts/resources/options/import/).
 */
export type Operation = "create" | "import" | "update" | "replace" | "delete" | "same";
export const OPERATIONS: readonly Operation[] = ["create", "import", "update", "replace", "delete", "same"];

/** Shown as the new value of an input that comes from a resource being created or replaced. */
export const KNOWN_AFTER_APPLY = "[known after apply]";

/** One changed input: `before` or `after` is absent when the property is added or removed. */
export interface PropertyDiff {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  op: Operation;
  diffs: PropertyDiff[];
  /** Why a replace is a replace, e.g. `dataLocation is create-only (<source>)`. */
  replaceReasons: string[];
  /** Changed inputs the resource's `ignoreChanges` drops: `pulumi up` sends nothing for them (secrets masked). */
  ignored: PropertyDiff[];
  /** Losing this resource loses data or identity (a `stateful` type of the catalog), or it is protected. */
  stateful: boolean;
  protect: boolean;
  /** The ARM id the resource is imported with (Pulumi's `import` option), when it has one. */
  importId?: string;
}

export interface ChangeSet {
  /** The baseline, or undefined when there is none (everything is a create). */
  baseline?: { file: string; kind: Baseline["kind"] };
  /** Plan order, then deletions in baseline order. */
  changes: ResourceChange[];
  /** Counts over custom resources (components and the stack are not counted, as in the resource totals). */
  counts: Record<Operation, number>;
  /** Replacements and deletions of stateful or protected resources: listed first by every format. */
  critical: ResourceChange[];
  /** Each stack output against the baseline's (all `create` without a baseline or when it recorded none), by name. */
  outputs: OutputChange[];
}

/** A stack output against the baseline, as `pulumi preview` marks outputs (`+`, `~`, `-`). */
export interface OutputChange {
  name: string;
  op: "create" | "update" | "delete" | "same";
  before?: unknown;
  after?: unknown;
}

/** Outputs against the baseline's (all creates without one). Against a stack export, an output holding a mock value is Azure's there and the
 *  mock cloud's here, so it is not compared (shown unchanged). */
function compareOutputs(plan: PlanResult, baseline: Baseline | undefined): OutputChange[] {
  const before = baseline?.outputs;
  const mocked = new Set(baseline?.kind === "stack-export" ? plan.mockOutputs : []);
  const names = [...new Set([...Object.keys(plan.outputs), ...Object.keys(before ?? {})])].sort();
  return names.map((name) => {
    const after = plan.outputs[name];
    if (baseline === undefined) return { name, op: "create", after };
    // A baseline that recorded no outputs (an export of a stack whose root kept none) cannot tell: not compared.
    if (before === undefined || Object.keys(before).length === 0) return { name, op: "same", after };
    const prev = before[name];
    if (prev === undefined) return { name, op: "create", after };
    if (!(name in plan.outputs)) return { name, op: "delete", before: prev };
    const op = mocked.has(name) || JSON.stringify(prev) === JSON.stringify(after) ? "same" : "update";
    return { name, op, before: prev, after };
  });
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isPrimitive = (v: unknown) => v === null || typeof v !== "object";

/** True for a list whose items are objects with distinct string `name`s (app settings, subnets, security rules):
 *  compared and addressed by name, `siteConfig.appSettings[ACS_ENDPOINT].value`, as `terraform plan` shows keyed
 *  blocks, so one inserted setting is one change and a change names its setting instead of an index. */
export function isKeyedList(v: unknown): v is Array<Record<string, unknown> & { name: string }> {
  if (!Array.isArray(v) || v.length === 0) return false;
  const names = v.map((x) => (isObject(x) && typeof x["name"] === "string" && !/^\d+$/.test(x["name"]) ? x["name"] : undefined));
  return names.every((n) => n !== undefined) && new Set(names).size === names.length;
}

/** The path segment of item `i` of `list`: its name in a keyed list, else its index. */
export function itemPath(at: string, list: unknown[], i: number): string {
  return isKeyedList(list) ? `${at}[${list[i]!.name}]` : `${at}[${i}]`;
}

/** Leaf-level differences between two input trees; arrays of primitives that change length are one diff; keyed
 *  lists (isKeyedList) are matched by name. */
export function diffInputs(before: unknown, after: unknown, at = "", out: PropertyDiff[] = []): PropertyDiff[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) diffInputs(before[k], after[k], at === "" ? k : `${at}.${k}`, out);
    return out;
  }
  if (isKeyedList(before) && isKeyedList(after)) {
    const b = new Map(before.map((x) => [x.name, x]));
    const a = new Map(after.map((x) => [x.name, x]));
    for (const name of [...new Set([...b.keys(), ...a.keys()])]) diffInputs(b.get(name), a.get(name), `${at}[${name}]`, out);
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length && before.every(isPrimitive) && after.every(isPrimitive)) {
      out.push({ path: at, before, after });
      return out;
    }
    for (let i = 0; i < Math.max(before.length, after.length); i++) diffInputs(before[i], after[i], `${at}[${i}]`, out);
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return out;
  const d: PropertyDiff = { path: at };
  if (before !== undefined) d.before = before;
  if (after !== undefined) d.after = after;
  out.push(d);
  return out;
}

/** The first segment of a property path (`sku.name` → `sku`, `linkedDomains[0]` → `linkedDomains`). */
function rootOf(p: string): string {
  return p.split(/[.[]/)[0]!;
}

/** Whether the property path `p` is `prefix` or a path below it. */
export function under(p: string, prefix: string): boolean {
  return p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`);
}

/** Secret values are never shown and cannot be compared (both sides are masked): a changed secret shows masked. */
function maskDiff(d: PropertyDiff, secretPaths: string[]): PropertyDiff | undefined {
  const secret = d.before === SECRET_PLACEHOLDER || d.after === SECRET_PLACEHOLDER || secretPaths.some((s) => under(d.path, s));
  if (!secret) return d;
  const masked: PropertyDiff = { path: d.path };
  if (d.before !== undefined) masked.before = SECRET_PLACEHOLDER;
  if (d.after !== undefined) masked.after = SECRET_PLACEHOLDER;
  return masked;
}

/** Types whose replacement or deletion loses data or identity; a storage account that holds a Table (the identity
 *  mapping) and any protected resource are added from the plan itself. */
const STATEFUL_TYPES: readonly string[] = typesWhere("stateful");

/** Storage accounts that hold a Table (the identity mapping): stateful like the vault. */
function mappingAccounts(resources: Array<{ type: string; inputs: Record<string, unknown> }>): Set<string> {
  return new Set(resources.filter((r) => r.type === "azure-native:storage:Table").map((r) => String(r.inputs["accountName"] ?? "")));
}

function isStateful(r: { type: string; inputs: Record<string, unknown>; options: { protect?: boolean } }, accounts: Set<string>): boolean {
  if (r.options.protect === true || STATEFUL_TYPES.includes(r.type)) return true;
  return r.type === "azure-native:storage:StorageAccount" && accounts.has(String(r.inputs["accountName"] ?? ""));
}

/** Every resource is a create: the change set of a plan without a baseline. */
export function allCreates(plan: PlanResult): ChangeSet {
  return compare(plan, undefined);
}

/** Compares a plan with its baseline (or with nothing: all creates). */
export function compare(plan: PlanResult, baseline: Baseline | undefined): ChangeSet {
  const accounts = mappingAccounts([...plan.resources, ...(baseline?.resources ?? [])]);
  const old = new Map<string, BaselineResource>();
  for (const r of baseline?.resources ?? []) if (!r.type.startsWith("pulumi:providers:")) old.set(r.urn, r);
  const matched = new Set<string>();
  const before = new Map<string, BaselineResource | undefined>();
  // Resources the baseline has under another URN but with the id a plan resource is imported with: the snapshot
  // `npm run adopt` saves (the existing resources as Azure returns them), against which the import's update shows.
  const existing = new Map<string, BaselineResource>();
  const byId = new Map<string, string>();
  for (const [urn, r] of old) if (r.id !== undefined) byId.set(`${r.type}|${r.id.toLowerCase()}`, urn);
  for (const r of plan.resources) {
    const hit = [r.urn, ...(r.options.aliases ?? [])].find((u) => old.has(u));
    if (hit !== undefined) matched.add(hit);
    before.set(r.urn, hit !== undefined ? old.get(hit) : undefined);
    const imported = hit === undefined && r.options.import ? byId.get(`${r.type}|${r.options.import.toLowerCase()}`) : undefined;
    if (imported !== undefined) {
      matched.add(imported);
      existing.set(r.urn, old.get(imported)!);
    }
  }
  // Who produced each mock value (ids, principal ids, host names) that flows into other resources' inputs. A value
  // several resources report (the tenant id of every identity) belongs to none of them.
  const owners = new Map<string, Set<string>>();
  for (const m of plan.mockValues) owners.set(m.value, (owners.get(m.value) ?? new Set()).add(m.urn));
  const producers = plan.mockValues.map((m) => (owners.get(m.value)!.size === 1 ? m : { value: m.value, urn: "shared" }));
  const changes = new Map<string, ResourceChange>();
  for (const r of plan.resources) {
    const b = before.get(r.urn);
    changes.set(r.urn, {
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      op: baseline !== undefined && b !== undefined ? "same" : r.options.import ? "import" : "create",
      diffs: [],
      replaceReasons: [],
      ignored: [],
      stateful: isStateful(r, accounts),
      protect: r.options.protect === true,
      ...(r.options.import ? { importId: r.options.import } : {}),
    });
  }
  if (baseline !== undefined) settle(plan.resources, before, changes, producers, baseline.kind);
  // In the baseline's state under another id: Pulumi plans an import-replacement, which deletes the deployed
  // resource (pulumi/pulumi pkg/resource/deploy/step_generator.go, NewImportReplacementStep).
  for (const r of plan.resources) {
    const b = before.get(r.urn);
    const deployed = b?.options.import ?? b?.id;
    if (!r.options.import || b === undefined || deployed === undefined || deployed.toLowerCase() === r.options.import.toLowerCase())
      continue;
    const c = changes.get(r.urn)!;
    c.op = "replace";
    c.replaceReasons = [
      `imported with ${r.options.import}, but the baseline holds ${deployed}: Pulumi replaces the deployed resource by the imported one and deletes it`,
    ];
  }
  // What the first `up` changes on an imported resource: its inputs against the existing resource's.
  for (const [urn, e] of existing) {
    const r = plan.resources.find((x) => x.urn === urn)!;
    const d = decide(r, e, new Set(), producers, "stack-export", new Map());
    Object.assign(changes.get(urn)!, {
      diffs: d.diffs,
      ignored: d.ignored,
      replaceReasons: d.replaceReasons,
      op: d.replaceReasons.length > 0 ? "replace" : "import",
    });
  }
  const deletions: ResourceChange[] = [];
  for (const [urn, r] of old) {
    if (matched.has(urn)) continue;
    deletions.push({
      urn,
      type: r.type,
      name: nameOf(urn),
      custom: r.custom,
      op: "delete",
      diffs: [],
      replaceReasons: [],
      ignored: [],
      stateful: isStateful(r, accounts),
      protect: r.options.protect === true,
    });
  }
  const all = [...changes.values(), ...deletions];
  const counts = Object.fromEntries(OPERATIONS.map((op) => [op, all.filter((c) => c.custom && c.op === op).length])) as Record<
    Operation,
    number
  >;
  const critical = all.filter((c) => c.stateful && (c.op === "replace" || c.op === "delete"));
  return {
    ...(baseline ? { baseline: { file: baseline.file, kind: baseline.kind } } : {}),
    changes: all,
    counts,
    critical,
    outputs: compareOutputs(plan, baseline),
  };
}

/** Decides update/replace/same for matched resources, repeating until replacements stop spreading. */
function settle(
  resources: PlannedResource[],
  before: Map<string, BaselineResource | undefined>,
  changes: Map<string, ResourceChange>,
  producers: PlanResult["mockValues"],
  kind: Baseline["kind"],
): void {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  for (let pass = 0; pass < resources.length + 1; pass++) {
    let changed = false;
    const fresh = new Set([...changes.values()].filter((c) => c.op === "create" || c.op === "replace").map((c) => c.urn));
    for (const r of resources) {
      const b = before.get(r.urn);
      const c = changes.get(r.urn)!;
      if (b === undefined || !r.custom) continue;
      const next = decide(r, b, fresh, producers, kind, byUrn, changes);
      if (
        next.op !== c.op ||
        next.diffs.length !== c.diffs.length ||
        next.ignored.length !== c.ignored.length ||
        next.replaceReasons.join() !== c.replaceReasons.join()
      ) {
        Object.assign(c, next);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

function decide(
  r: PlannedResource,
  b: BaselineResource,
  fresh: Set<string>,
  producers: PlanResult["mockValues"],
  kind: Baseline["kind"],
  byUrn: Map<string, PlannedResource>,
  changes?: Map<string, ResourceChange>,
): Pick<ResourceChange, "op" | "diffs" | "replaceReasons" | "ignored"> {
  const entry = azureType(r.type);
  const rule = entry && { pathParams: pathParams(entry), createOnly: entry.createOnly };
  const ignore = r.options.ignoreChanges ?? [];
  const secretPaths = [...r.secretPaths, ...b.secretPaths];
  const reasons: string[] = [];
  const diffs: PropertyDiff[] = [];
  // Values the mock cloud invented stand for what Azure returns; their producers say whether they change.
  const afterLeaves = new Map<string, string[]>();
  const collect = (v: unknown, at: string) => {
    if (typeof v === "string") {
      const from = producers.filter((m) => m.urn !== r.urn && v.includes(m.value)).map((m) => m.urn);
      if (from.length > 0) afterLeaves.set(at, [...new Set(from)]);
    } else if (Array.isArray(v)) v.forEach((x, i) => collect(x, itemPath(at, v, i)));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) collect(x, at === "" ? k : `${at}.${k}`);
  };
  collect(r.inputs, "");
  const raw = diffInputs(b.inputs, r.inputs);
  const seen = new Set<string>();
  for (const d of raw) {
    seen.add(d.path);
    const from = afterLeaves.get(d.path);
    if (from !== undefined && d.before !== undefined) {
      // A value Azure returns: it changes when its producer is re-created; against a stack export the deployed
      // value is Azure's and the plan's a mock, so they are not compared otherwise.
      if (from.some((u) => fresh.has(u))) {
        diffs.push({ path: d.path, before: d.before, after: KNOWN_AFTER_APPLY });
        continue;
      }
      if (kind === "stack-export") continue;
    }
    diffs.push(d);
  }
  // Equal values that come from a resource being re-created change too.
  for (const [p, from] of afterLeaves) {
    if (seen.has(p) || !from.some((u) => fresh.has(u))) continue;
    const prev = valueAt(b.inputs, p);
    if (prev === undefined) continue;
    diffs.push({ path: p, before: prev, after: KNOWN_AFTER_APPLY });
  }
  const shown = (list: PropertyDiff[]) =>
    list
      .map((d) => maskDiff(d, secretPaths))
      .filter((d): d is PropertyDiff => d !== undefined)
      .sort((x, y) => x.path.localeCompare(y.path));
  const isIgnored = (d: PropertyDiff) => ignore.some((i) => under(d.path, i));
  const kept = shown(diffs.filter((d) => !isIgnored(d)));
  // Listed, not applied: a reviewer must see that a config change (a create-only property kept by ignoreChanges)
  // has no effect on Azure rather than find the plan silent about it.
  const ignored = shown(diffs.filter(isIgnored));
  for (const d of kept) {
    const root = rootOf(d.path);
    const producer = d.after === KNOWN_AFTER_APPLY ? afterLeaves.get(d.path)?.find((u) => fresh.has(u)) : undefined;
    const via = producer ? ` (from ${nameOf(producer)}, which is ${byUrn.get(producer) ? "re-created" : "new"})` : "";
    if (rule?.pathParams.includes(root)) reasons.push(`${d.path} is part of the resource's ARM id${via}`);
    const createOnly = rule?.createOnly.find((c) => under(d.path, c.path));
    if (createOnly) reasons.push(`${d.path} is create-only${via} (${createOnly.source})`);
    if ((r.options.replaceOnChanges ?? []).some((p) => p === "*" || under(d.path, p)))
      reasons.push(`${d.path} is in replaceOnChanges${via}`);
  }
  // An ARM child (its id below a re-created resource's id) goes with its parent.
  if (r.id !== undefined) {
    for (const u of fresh) {
      const parent = byUrn.get(u);
      if (parent?.id !== undefined && u !== r.urn && r.id.startsWith(`${parent.id}/`)) {
        const why =
          changes
            ?.get(u)
            ?.replaceReasons.map((x) => x.split(" ")[0])
            .filter((x) => x !== "inside") ?? [];
        reasons.push(`inside ${parent.name}, which is re-created${why.length > 0 ? ` (${[...new Set(why)].join(", ")})` : ""}`);
      }
    }
  }
  const unique = [...new Set(reasons)];
  return { op: unique.length > 0 ? "replace" : kept.length > 0 ? "update" : "same", diffs: kept, replaceReasons: unique, ignored };
}

/** The value at a property path (`properties.sku.name`, `subnets[0].id`, `appSettings[ACS_ENDPOINT].value`) of a
 *  resource's inputs, if any. */
export function valueAt(root: unknown, p: string): unknown {
  let cur: unknown = root;
  for (const part of p.match(/[^.[\]]+/g) ?? []) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur =
      Array.isArray(cur) && !/^\d+$/.test(part)
        ? cur.find((x) => isObject(x) && x["name"] === part)
        : (cur as Record<string, unknown>)[part];
  }
  return cur;
}
