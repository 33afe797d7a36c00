// Reads the baseline of `npm run plan -- --compare <file>`: an earlier plan's JSON (`--format json`) or a
// `pulumi stack export` of the deployed stack (Pulumi's apitype UntypedDeployment with a version-3 deployment,
// https://github.com/pulumi/pulumi/blob/master/sdk/go/common/apitype/core.go, ResourceV3).
import { readFileSync } from "node:fs";
import { SECRET_PLACEHOLDER, type ResourceOptions } from "../types";

/** A baseline file that cannot be used; the CLI exits 2 with this one line. */
export class BaselineError extends Error {
  override readonly name = "BaselineError";
}

/** One resource of the baseline, in the shape the comparison needs. */
export interface BaselineResource {
  urn: string;
  type: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  secretPaths: string[];
  parent?: string;
  id?: string;
  options: ResourceOptions;
}

export interface Baseline {
  /** "plan" for an earlier plan's JSON, "stack-export" for `pulumi stack export`. */
  kind: "plan" | "stack-export";
  file: string;
  /** The stack and project the baseline was made of (a plan names both; a stack export's root stack URN does). */
  stack?: string;
  project?: string;
  resources: BaselineResource[];
  /** The stack outputs it recorded (secrets masked), when it has them. */
  outputs?: Record<string, unknown>;
  /** A plan baseline's policy results, as `policy`, `urn` and `message` (a stack export has none). */
  results?: Array<{ policy: string; urn?: string; message: string }>;
}

/** The key under which a result counts as "the same" in two plans: its policy, resource and message. */
export const resultKey = (r: { policy: string; urn?: string; message: string }): string =>
  `${r.policy}\u0000${r.urn ?? ""}\u0000${r.message}`;

/** Stack and project of a URN (`urn:pulumi:<stack>::<project>::...`). */
function urnParts(urn: string): { stack: string; project: string } | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  return m ? { stack: m[1]!, project: m[2]! } : undefined;
}

/** The signature key of Pulumi's special serialized values and the value that marks a secret (assets and archives
 *  carry the same key with other values): apitype SecretV1 and sdk/go/common/resource/sig. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces serialized secrets (`{ <sig>: ..., ciphertext | plaintext }`) by the plan's placeholder, noting their paths. */
function maskExportSecrets(value: unknown, at: string, paths: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => maskExportSecrets(v, `${at}[${i}]`, paths));
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) {
      paths.push(at);
      return SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, maskExportSecrets(v, at === "" ? k : `${at}.${k}`, paths)]));
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function fromExport(file: string, resources: unknown[]): BaselineResource[] {
  return resources.map((raw, i) => {
    if (!isObject(raw) || typeof raw["urn"] !== "string" || typeof raw["type"] !== "string") {
      throw new BaselineError(`${file}: deployment.resources[${i}] needs "urn" and "type" strings`);
    }
    const secretPaths: string[] = [];
    const inputs = maskExportSecrets(isObject(raw["inputs"]) ? raw["inputs"] : {}, "", secretPaths) as Record<string, unknown>;
    const options: ResourceOptions = {};
    if (raw["protect"] === true) options.protect = true;
    if (raw["retainOnDelete"] === true) options.retainOnDelete = true;
    if (typeof raw["importID"] === "string" && raw["importID"] !== "") options.import = raw["importID"];
    if (Array.isArray(raw["ignoreChanges"])) options.ignoreChanges = raw["ignoreChanges"].map(String);
    const r: BaselineResource = { urn: raw["urn"], type: raw["type"], custom: raw["custom"] === true, inputs, secretPaths, options };
    if (typeof raw["parent"] === "string") r.parent = raw["parent"];
    if (typeof raw["id"] === "string") r.id = raw["id"];
    return r;
  });
}

function fromPlan(file: string, resources: unknown[]): BaselineResource[] {
  // A plan written with --compare lists the resources it would delete too; they are not part of its declared state.
  return resources
    .filter((raw) => !(isObject(raw) && raw["op"] === "delete"))
    .map((raw, i) => {
      if (!isObject(raw) || typeof raw["urn"] !== "string" || typeof raw["type"] !== "string" || !isObject(raw["inputs"])) {
        throw new BaselineError(`${file}: resources[${i}] needs "urn", "type" and "inputs" (is it a plan written with --format json?)`);
      }
      const r: BaselineResource = {
        urn: raw["urn"],
        type: raw["type"],
        custom: raw["custom"] === true,
        inputs: raw["inputs"],
        secretPaths: Array.isArray(raw["secretPaths"]) ? raw["secretPaths"].map(String) : [],
        options: isObject(raw["options"]) ? (raw["options"] as ResourceOptions) : {},
      };
      if (typeof raw["parent"] === "string") r.parent = raw["parent"];
      if (typeof raw["id"] === "string") r.id = raw["id"];
      return r;
    });
}

/** Loads and recognises a baseline file; every problem is one BaselineError line naming the file. */
export function loadBaseline(file: string, displayName: string = file): Baseline {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BaselineError(
      `--compare ${displayName}: ${code === "ENOENT" ? "file not found" : `cannot read (${code ?? (err as Error).message})`}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`--compare ${displayName}: not valid JSON: ${(err as Error).message}`);
  }
  if (isObject(doc) && isObject(doc["deployment"])) {
    const version = doc["version"];
    if (version !== undefined && version !== 3) {
      throw new BaselineError(
        `--compare ${displayName}: deployment version ${JSON.stringify(version)} is not supported; accepted: 3 (pulumi stack export)`,
      );
    }
    const resources = doc["deployment"]["resources"] ?? [];
    if (!Array.isArray(resources)) throw new BaselineError(`--compare ${displayName}: deployment.resources must be an array`);
    const root = resources.find((r: unknown) => isObject(r) && r["type"] === "pulumi:pulumi:Stack") as Record<string, unknown> | undefined;
    const where = typeof root?.["urn"] === "string" ? urnParts(root["urn"]) : undefined;
    const baseline: Baseline = { kind: "stack-export", file: displayName, resources: fromExport(displayName, resources), ...where };
    if (isObject(root?.["outputs"])) baseline.outputs = maskExportSecrets(root["outputs"], "", []) as Record<string, unknown>;
    return baseline;
  }
  if (isObject(doc) && Array.isArray(doc["resources"]) && typeof doc["stack"] === "string") {
    return {
      kind: "plan",
      file: displayName,
      stack: doc["stack"],
      ...(typeof doc["project"] === "string" ? { project: doc["project"] } : {}),
      resources: fromPlan(displayName, doc["resources"]),
      ...(isObject(doc["outputs"]) ? { outputs: doc["outputs"] } : {}),
      ...(Array.isArray(doc["results"])
        ? {
            results: doc["results"]
              .filter(
                (r: unknown): r is Record<string, unknown> =>
                  isObject(r) && typeof r["policy"] === "string" && typeof r["message"] === "string",
              )
              .map((r) => ({
                policy: String(r["policy"]),
                message: String(r["message"]),
                ...(typeof r["urn"] === "string" ? { urn: r["urn"] } : {}),
              })),
          }
        : {}),
    };
  }
  throw new BaselineError(
    `--compare ${displayName}: neither a plan (--format json, with "stack" and "resources") nor a pulumi stack export (with "deployment.resources")`,
  );
}
