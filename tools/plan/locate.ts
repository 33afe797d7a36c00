// Finds the line that causes a policy result, for SARIF (GitHub code scanning puts a result on a diff only with a
// `region.startLine`): the key in `Pulumi.<stack>.yaml` whose value decides the offending input when there is one,
// else the component source line that declares the resource.
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from "yaml";
import { valueAt } from "./diff/compare";
import type { PolicyResult } from "./policy-runner";
import { originalPosition } from "./source-map";
import type { PlannedResource } from "./types";

/** One scalar of the stack config: its key path (`acs-platform:keyVault.enablePurgeProtection`), value and position. */
export interface ConfigLeaf {
  key: string;
  leafName: string;
  value: string;
  line: number;
  column: number;
}

/** Every scalar value of the stack config file with its 1-based line and column. */
export function configLeaves(file: string): ConfigLeaf[] {
  const counter = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: counter });
  const out: ConfigLeaf[] = [];
  const walk = (node: Node | null | undefined, key: string, leafName: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : "";
        walk(pair.value as Node, key === "" ? k : `${key}.${k}`, k);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, `${key}[${i}]`, leafName));
    } else if (isScalar(node) && node.range) {
      const pos = counter.linePos(node.range[0]);
      out.push({ key, leafName, value: String(node.value), line: pos.line, column: pos.col });
    }
  };
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) if (isScalar(pair.key) && pair.key.value === "config") walk(pair.value as Node, "", "");
  }
  return out;
}

/** The position of the first stack-config key a config error names (`acs-platform:logAnalytics.retentionInDays must
 *  be a number`), so its SARIF result sits on that key's line; undefined when the message names no key the file has
 *  (a required key that is missing). */
export function configKeyPosition(file: string, message: string): { line: number; column: number } | undefined {
  let leaves: ConfigLeaf[];
  try {
    leaves = configLeaves(file);
  } catch {
    return undefined; // A YAML syntax error carries its own line.
  }
  for (const m of message.matchAll(/\b([a-z][\w-]*:[A-Za-z][\w.[\]-]*)/g)) {
    const key = m[1]!.replace(/[.[]+$/, "");
    const leaf = leaves.find((l) => l.key === key || l.key.startsWith(`${key}.`) || l.key.startsWith(`${key}[`));
    if (leaf) return { line: leaf.line, column: leaf.column };
  }
  return undefined;
}

/** Where a result points: a config line (`configKey` set) or a source line, or the config file's top. */
export interface ResultLocation {
  file: string;
  line: number;
  column?: number;
  configKey?: string;
}

/** Prefer the program's own namespace over a provider's (`acs-platform:location` over `azure-native:location`). */
function best(candidates: ConfigLeaf[], project: string): ConfigLeaf | undefined {
  return candidates.find((c) => c.key.startsWith(`${project}:`)) ?? candidates[0];
}

/** Objects `{ name: N, value: V }` anywhere in the inputs (app settings, headers), by name. */
function namedValues(v: unknown, out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(v)) v.forEach((x) => namedValues(x, out));
  else if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o["name"] === "string" && "value" in o) out.set(o["name"], o["value"]);
    Object.values(o).forEach((x) => namedValues(x, out));
  }
  return out;
}

/**
 * The config key that decides a result, found from the message: a quoted value that is a config value; a
 * property path the message names whose input value is set by a config key of the same name (or by a distinctive
 * config value); a quoted setting name whose value is a config value. Undefined when the cause is in code.
 */
export function configCause(
  result: PolicyResult,
  resource: PlannedResource | undefined,
  leaves: ConfigLeaf[],
  project: string,
): ConfigLeaf | undefined {
  const quoted = [...result.message.matchAll(/'([^']+)'|"([^"]+)"/g)].map((m) => m[1] ?? m[2] ?? "");
  for (const q of quoted) {
    const hit = best(
      leaves.filter((l) => l.value === q),
      project,
    );
    if (hit) return hit;
  }
  if (resource === undefined) return undefined;
  const paths = [...result.message.matchAll(/\b[a-z][A-Za-z0-9]*(?:\.[a-zA-Z][A-Za-z0-9]*)*\b/g)].map((m) => m[0]);
  for (const p of paths) {
    const v = valueAt(resource.inputs, p);
    if (v === undefined || (v !== null && typeof v === "object")) continue;
    const last = p.split(".").pop()!;
    const sameName = best(
      leaves.filter((l) => l.leafName === last && l.value === String(v)),
      project,
    );
    if (sameName) return sameName;
    if (typeof v === "string" && v.length >= 6) {
      const sameValue = best(
        leaves.filter((l) => l.value === v),
        project,
      );
      if (sameValue) return sameValue;
    }
  }
  // A property the message names that the config sets under the same name, whatever the input holds now
  // (a component may leave a false flag out of the inputs altogether).
  for (const p of paths) {
    const last = p.split(".").pop()!;
    if (last.length < 8) continue;
    const sameName = best(
      leaves.filter((l) => l.leafName === last),
      project,
    );
    if (sameName) return sameName;
  }
  const settings = namedValues(resource.inputs);
  for (const q of quoted) {
    const v = settings.get(q);
    if (typeof v !== "string" || v.length < 6) continue;
    const hit = best(
      leaves.filter((l) => l.value === v),
      project,
    );
    if (hit) return hit;
  }
  return undefined;
}

/** The location of a result: its config key's line, else the declaring source line, else the stack file's top. */
export function locateResult(
  result: PolicyResult,
  resource: PlannedResource | undefined,
  leaves: ConfigLeaf[],
  stackFile: string,
  project: string,
): ResultLocation {
  const leaf = configCause(result, resource, leaves, project);
  if (leaf) return { file: stackFile, line: leaf.line, column: leaf.column, configKey: leaf.key };
  const at = originalPosition(resource?.source);
  if (at && !at.file.includes("node_modules")) return { file: at.file, line: at.line };
  return { file: stackFile, line: 1 };
}
