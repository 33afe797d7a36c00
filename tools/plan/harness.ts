// The offline plan harness: evaluates one stack's program under Pulumi's mock engine with that stack's
// `Pulumi.<stack>.yaml`, and records every registered resource exactly as the engine would receive it (parent,
// dependencies, inputs with secrets masked, options). Used by `npm run plan`, the policy runner and the tests.
import "./lazy-sdk-deps";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import {
  specialSigKey,
  specialSecretSig,
  specialResourceSig,
  specialAssetSig,
  specialArchiveSig,
  unknownValue,
} from "@pulumi/pulumi/runtime/rpc";
import { SECRET_PLACEHOLDER, type PlannedResource, type PlanResult } from "./types";
import { PlanMocks } from "./mocks";

/** What to evaluate. */
export interface EvaluateStackOptions {
  /** Stack name; its config is `Pulumi.<stack>.yaml` unless `configFile` says otherwise. */
  stack: string;
  /** Path of the stack config file (absolute or relative to `projectRoot`). */
  configFile?: string;
  /** Directory holding Pulumi.yaml and the stack files; defaults to the repository root. The program evaluated
   *  is always this repository's `stacks/program.ts`. */
  projectRoot?: string;
  /** The subscription the mocked provider deploys to (getClientConfig); the plan's fixed one by default. */
  subscriptionId?: string;
}

/** The repository root (where Pulumi.yaml lives). */
export const DEFAULT_PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** A stack or project file that cannot be read or parsed; the message names the file (and line/column for YAML). */
export class ConfigFileError extends Error {
  override readonly name = "ConfigFileError";
}

/** Parses a YAML file, turning the yaml library's error into one line: `<file>:<line>:<column>: <reason>`. */
export function parseYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigFileError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      // The library's message ends with a code frame after the first line; the position is in `linePos`.
      const reason = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new ConfigFileError(`${file}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML syntax error: ${reason}`);
    }
    throw err;
  }
}

/** The project's name from Pulumi.yaml. */
export function readProjectName(projectRoot: string): string {
  const file = path.join(projectRoot, "Pulumi.yaml");
  const doc = parseYamlFile(file) as { name?: unknown } | null;
  if (typeof doc?.name !== "string") throw new Error(`${file}: "name" is required`);
  return doc.name;
}

/** Flat Pulumi config (`ns:key` → string, structured values as JSON) and the keys holding secure values. */
export interface StackConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/**
 * Reads a stack config file as the Pulumi CLI would hand it to the program. A `secure:` value (encrypted with a
 * key this machine does not have) becomes SECRET_PLACEHOLDER and its key is marked secret.
 */
export function readStackConfig(file: string, project: string): StackConfig {
  if (!existsSync(file)) throw new ConfigFileError(`stack config file not found: ${file}`);
  const doc = (parseYamlFile(file) ?? {}) as { config?: Record<string, unknown> } | unknown[] | string;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new ConfigFileError(`${file}: must be a YAML mapping with a "config:" key`);
  // Pulumi's stack file keys (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/).
  const known = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];
  const unknown = Object.keys(doc).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ConfigFileError(`${file}: unknown top-level key(s) ${unknown.join(", ")}; accepted: ${known.join(", ")}`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    let secret = false;
    const replaceSecure = (v: unknown): unknown => {
      if (isSecure(v)) {
        secret = true;
        return SECRET_PLACEHOLDER;
      }
      if (Array.isArray(v)) return v.map(replaceSecure);
      if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecure(x)]));
      return v;
    };
    const plain = replaceSecure(value);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

function isSecure(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

/** Replaces secret values in a serialized property tree by SECRET_PLACEHOLDER and lists their paths. */
export function maskSecrets(value: unknown, at = ""): { value: unknown; secretPaths: string[] } {
  const secretPaths: string[] = [];
  const walk = (v: unknown, p: string): unknown => {
    if (v === unknownValue) return "[unknown]";
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`));
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o[specialSigKey] === specialSecretSig) {
        secretPaths.push(p);
        return SECRET_PLACEHOLDER;
      }
      if (o[specialSigKey] === specialResourceSig) return o["urn"];
      // A file asset or archive under the project (the built token API package) is shown by its repository-relative
      // path: the build machine's checkout path would make two plans of one commit differ and leak into PR comments.
      if ((o[specialSigKey] === specialAssetSig || o[specialSigKey] === specialArchiveSig) && typeof o["path"] === "string") {
        const rel = path.relative(DEFAULT_PROJECT_ROOT, o["path"]);
        if (path.isAbsolute(o["path"]) && !rel.startsWith("..")) return { ...o, path: rel.split(path.sep).join("/") };
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, p === "" ? k : `${p}.${k}`)]));
    }
    return v;
  };
  return { value: walk(value, at), secretPaths };
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}

/** The parts of a RegisterResourceRequest the harness reads (generated protobuf getters). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): ProtoStruct | undefined;
  getDependenciesList(): string[];
  getProtect?(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAliasesList?(): Array<{ getUrn(): string }>;
  getImportid?(): string;
  getRetainondelete?(): boolean;
  getReplaceonchangesList?(): string[];
  getPropertydependenciesMap?(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getSourceposition?(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}

type Callback = (err: unknown, resp: { getUrn(): string; getId(): string } | undefined) => void;

interface HookableMonitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
  registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): ProtoStruct | undefined },
    cb: (err: unknown, resp: unknown) => void,
  ): void;
}

/** The URN the Pulumi engine gives a resource of `type` named `name` under `parent` (empty for none). */
export function urnOf(project: string, stack: string, parent: string, type: string, name: string): string {
  const parentType = parent === "" ? "" : (parent.split("::")[2] ?? "");
  const qualified = parentType === "" || parentType === ROOT_STACK_TYPE ? type : `${parentType}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Evaluates the program of `options.stack` under mocks and returns every resource it declared. Call once per
 * stack; calls run one after another (Pulumi's runtime state is global).
 */
export async function evaluateStack(options: EvaluateStackOptions): Promise<PlanResult> {
  const projectRoot = path.resolve(options.projectRoot ?? DEFAULT_PROJECT_ROOT);
  const project = readProjectName(projectRoot);
  const configFile = path.resolve(projectRoot, options.configFile ?? `Pulumi.${options.stack}.yaml`);
  const config = readStackConfig(configFile, project);
  const started = performance.now();
  // Loaded lazily: the program module reads config and declares resources only when main() runs.
  const { main, loadConfig } = await import("../../stacks/program");
  return evaluateProgram(
    () => main() as unknown as Promise<Record<string, unknown>>,
    {
      project,
      stack: options.stack,
      config,
      ...(options.subscriptionId !== undefined ? { subscriptionId: options.subscriptionId } : {}),
      // Validate first so a config error rejects here, before the root Stack exists (an error inside the Stack
      // would also surface as unhandled rejections of its pending outputs).
      beforeStack: () => void loadConfig(),
    },
    started,
  );
}

/** What evaluateProgram needs besides the program. */
export interface EvaluateProgramOptions {
  project: string;
  stack: string;
  /** Stack config (as readStackConfig returns it); none by default. */
  config?: StackConfig;
  /** Runs after config is set and before the root Stack is registered (e.g. validation that should reject cleanly). */
  beforeStack?: () => void;
  /** The subscription the mocked provider deploys to (getClientConfig); the plan's fixed one by default. */
  subscriptionId?: string;
}

/**
 * Runs any program (`run` declares resources and returns the stack outputs) under the plan's mocks and records it
 * like evaluateStack does; component tests use it to construct one component with chosen arguments.
 */
export async function evaluateProgram(
  run: () => Record<string, unknown> | Promise<Record<string, unknown>> | void,
  options: EvaluateProgramOptions,
  started = performance.now(),
): Promise<PlanResult> {
  const { project, stack } = options;
  const mocks = new PlanMocks(options.subscriptionId);
  await pulumi.runtime.setMocks(mocks, project, stack, false);
  pulumi.runtime.setAllConfig(options.config?.values ?? {}, options.config?.secretKeys ?? []);

  const monitor = settings.getMonitor() as unknown as HookableMonitor;
  const resources: PlannedResource[] = [];
  let stackOutputs: Record<string, unknown> = {};

  // The mock monitor qualifies a child's type with its parent's last type only, and prefixes top-level resources
  // with the Stack type; the engine uses the parent's full qualified type and leaves the root Stack out.
  monitor.newUrn = (parent, type, name) => urnOf(project, stack, parent, type, name);

  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const masked = maskSecrets(req.getObject()?.toJavaScript() ?? {});
    const aliases = (req.getAliasesList?.() ?? []).map((a) => a.getUrn()).filter((u) => u !== "");
    // Explicit dependsOn: the SDK sends dependsOn and the resources behind input values in one list, and the latter
    // also per property; what no property carries came from dependsOn.
    const viaProperties = new Set<string>();
    req.getPropertydependenciesMap?.().forEach((deps) => deps.getUrnsList().forEach((u) => viaProperties.add(u)));
    const dependsOn = req.getDependenciesList().filter((u) => !viaProperties.has(u));
    const importId = req.getImportid?.() ?? "";
    const replaceOnChanges = req.getReplaceonchangesList?.() ?? [];
    const pos = req.getSourceposition?.();
    const record: PlannedResource = {
      urn: "",
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() === "" ? undefined : req.getParent(),
      dependencies: [...req.getDependenciesList()],
      inputs: masked.value as Record<string, unknown>,
      secretPaths: masked.secretPaths,
      custom: req.getCustom(),
      options: {
        ...(req.getProtect?.() ? { protect: true } : {}),
        ...(req.getIgnorechangesList().length > 0 ? { ignoreChanges: [...req.getIgnorechangesList()] } : {}),
        ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {}),
        ...(aliases.length > 0 ? { aliases } : {}),
        ...(importId !== "" ? { import: importId } : {}),
        ...(req.getRetainondelete?.() ? { retainOnDelete: true } : {}),
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
        ...(replaceOnChanges.length > 0 ? { replaceOnChanges: [...replaceOnChanges] } : {}),
      },
      ...(pos && pos.getUri() !== "" ? { source: { uri: pos.getUri(), line: pos.getLine(), column: pos.getColumn() } } : {}),
    };
    resources.push(record);
    return register(req, (err, resp) => {
      if (resp !== undefined) {
        record.urn = resp.getUrn();
        if (resp.getId() !== "") record.id = resp.getId();
      }
      cb(err, resp);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    if (req.getUrn().split("::")[2] === ROOT_STACK_TYPE) {
      stackOutputs = maskSecrets(req.getOutputs()?.toJavaScript() ?? {}).value as Record<string, unknown>;
    }
    registerOutputs(req, cb);
  };

  options.beforeStack?.();
  // The SDK records `new Error().stack` on every internal promise for leak debugging; with tsx's source maps
  // that formatting was most of the evaluation time (measured 2.0-2.9 s vs 1.0-1.5 s for prod). Resource source
  // positions are unaffected (the SDK raises the limit itself while capturing them).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    await pulumi.runtime.runInPulumiStack(async () => run() ?? {});
    // Internal to the SDK (not in its typings): waits until every registration RPC has answered.
    await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const programMs = Math.round(performance.now() - started);

  const urnByTypeName = new Map(resources.map((r) => [`${r.type}::${r.name}`, r.urn]));
  const mockValues = mocks.invented
    .map(({ type, name, value }) => ({ value, urn: type.startsWith("invoke:") ? type : (urnByTypeName.get(`${type}::${name}`) ?? "") }))
    .filter((m) => m.urn !== "");
  const mockOutputs = Object.keys(stackOutputs).filter((k) => containsMockValue(stackOutputs[k], mockValues));
  return { project, stack, resources, outputs: stackOutputs, programMs, mockValues, mockOutputs };
}

/** True when any string leaf of `value` contains a value the mock cloud invented. */
export function containsMockValue(value: unknown, mockValues: PlanResult["mockValues"]): boolean {
  if (typeof value === "string") return mockValues.some((m) => value.includes(m.value));
  if (Array.isArray(value)) return value.some((v) => containsMockValue(v, mockValues));
  if (value !== null && typeof value === "object") return Object.values(value).some((v) => containsMockValue(v, mockValues));
  return false;
}
