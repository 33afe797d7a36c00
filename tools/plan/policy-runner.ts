// Runs the CrossGuard pack over an offline PlanResult exactly as the Pulumi engine would call it: config
// reconciled like the CLI (schema defaults, "all", per-policy levels, schema validation), resource policies on
// each resource's inputs, stack policies on all resources with parents and dependencies, unknown values and
// notApplicable handled like @pulumi/policy's analyzer server (server.js in @pulumi/policy 1.21).
import * as fs from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import {
  unknownCheckingProxy,
  UnknownValueError,
  type EnforcementLevel,
  type Policies,
  type PolicyResource,
  type PolicyResourceOptions,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type Severity,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import * as proxyModule from "@pulumi/policy/proxy";
import type { PolicyException } from "../../policies/exceptions";
import { exceptionFor, parseUrn } from "../../policies/lib";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME, PACK_VERSION } from "../../policies/policies";
import type { PlannedResource, PlanResult } from "./types";

/** What the harness records for a value unknown during the run (tools/plan/harness.ts maskSecrets). */
export const UNKNOWN_PLACEHOLDER = "[unknown]";
// proxy.d.ts declares none of the sentinels (they are @internal); the engine's deserializer produces them.
const UNKNOWN_SENTINEL = (proxyModule as unknown as { unknownStringValue: string }).unknownStringValue;

/** A deep copy of recorded inputs with the harness's unknown placeholder turned back into the engine's sentinel. */
function engineValue(value: unknown): unknown {
  if (value === UNKNOWN_PLACEHOLDER) return UNKNOWN_SENTINEL;
  if (Array.isArray(value)) return value.map(engineValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, engineValue(v)]));
  }
  return value;
}

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's configuration after reconciliation: its level and its knobs (defaults filled in). */
export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** The reconciled configuration of the whole pack, keyed by policy name. */
export type ResolvedPackConfig = Map<string, ResolvedPolicyConfig>;

/** A policy config file or the config was invalid; the CLI maps this to exit code 2. */
export class PolicyConfigError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

/** A policy threw something other than UnknownValueError / notApplicable; the engine fails the preview. */
export class PolicyRuntimeError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "PolicyRuntimeError";
  }
}

/** One diagnostic the pack produced. */
export interface PolicyResult {
  policy: string;
  /** The level the engine reports: remediate becomes mandatory; an unknown value is always advisory. */
  level: "advisory" | "mandatory";
  severity?: Severity;
  /** The resource the diagnostic is about; absent for a stack-wide violation. */
  urn?: string;
  /** The text the policy reported (the engine prints the description, a newline, then this). */
  message: string;
  description: string;
  /** "violation", or "unknown" when the policy touched a value that is unknown during preview. */
  kind: "violation" | "unknown";
}

/** A policy the engine recorded as not applicable to a resource (or to the stack). */
export interface NotApplicable {
  policy: string;
  urn?: string;
  reason?: string;
}

/** A violation a reviewed exception (policies/exceptions.ts) covers: reported as such, never counted toward the exit code. */
export interface ExceptedResult extends PolicyResult {
  exception: PolicyException;
}

/** An exception, for one stack and one of its resources, that matched no violation of that stack: stale. */
export interface StaleException {
  exception: PolicyException;
  stack: string;
  resource: string;
}

export interface PolicyRunResult {
  /** Results that count: every format lists them and a mandatory one fails the plan. */
  results: PolicyResult[];
  /** Results a reviewed exception covers (applyExceptions). */
  excepted: ExceptedResult[];
  /** Exceptions of this stack that match no violation (applyExceptions); each is also a warning. */
  stale: StaleException[];
  notApplicable: NotApplicable[];
  /** Config warnings (e.g. a policy name in the config file that the pack does not have). */
  warnings: string[];
  /** Milliseconds spent running policies. */
  policiesMs: number;
}

interface GivenPolicyConfig {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

function isLevel(v: unknown): v is EnforcementLevel {
  return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

/** Parses a policy config document as the CLI does (pkg/resource/analyzer/config.go parsePolicyPackConfig). */
export function parsePolicyConfig(doc: unknown): Map<string, GivenPolicyConfig> {
  const result = new Map<string, GivenPolicyConfig>();
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new PolicyConfigError("policy config must be a JSON object keyed by policy name");
  }
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value === "string") {
      if (!isLevel(value)) {
        throw new PolicyConfigError(`"${key}": "${value}" is not a valid enforcement level; accepted: ${ENFORCEMENT_LEVELS.join(", ")}`);
      }
      result.set(key, { enforcementLevel: value });
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
        throw new PolicyConfigError(
          `"${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; accepted: ${ENFORCEMENT_LEVELS.join(", ")}`,
        );
      }
      const given: GivenPolicyConfig = {};
      if (enforcementLevel !== undefined) given.enforcementLevel = enforcementLevel;
      if (Object.keys(properties).length > 0) given.properties = properties;
      if (given.enforcementLevel || given.properties) result.set(key, given);
    } else {
      throw new PolicyConfigError(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
    }
  }
  return result;
}

let ajv: Ajv | undefined;
/** One compiled validator per policy's configSchema: ajv generates code for each compile, and a new schema object
 *  is never found in its cache, so compiling on every evaluation cost most of reconciling the config. */
const validators = new WeakMap<object, ValidateFunction>();

/**
 * Reconciles the given config with the pack like the CLI (ReconcilePolicyPackConfig): schema defaults, then
 * "all", then per-policy levels and knobs, then validation of every policy's knobs against its schema.
 */
export function reconcilePolicyConfig(
  given: Map<string, GivenPolicyConfig>,
  policies: Policies = allPolicies,
  packLevel: EnforcementLevel = PACK_ENFORCEMENT_LEVEL,
): { config: ResolvedPackConfig; warnings: string[] } {
  const config: ResolvedPackConfig = new Map();
  for (const p of policies) {
    const properties: Record<string, unknown> = {};
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema.default !== undefined) properties[k] = structuredClone(schema.default);
    }
    config.set(p.name, { enforcementLevel: p.enforcementLevel ?? packLevel, properties });
  }
  const all = given.get("all");
  if (all?.enforcementLevel) for (const c of config.values()) c.enforcementLevel = all.enforcementLevel;
  const warnings: string[] = [];
  const unknownErrors: string[] = [];
  for (const [name, g] of given) {
    if (name === "all") continue;
    const c = config.get(name);
    const policy = policies.find((p) => p.name === name);
    if (!c || !policy) {
      // The CLI ignores such entries silently, so a typo would weaken enforcement unnoticed: an error here.
      const near = closest(
        name,
        policies.map((p) => p.name),
      );
      unknownErrors.push(`"${name}" is not a policy of the pack${near ? ` (did you mean "${near}"?)` : ""}`);
      continue;
    }
    const knobs = Object.keys(policy.configSchema?.properties ?? {});
    const unknownKnobs = Object.keys(g.properties ?? {}).filter((k) => !knobs.includes(k));
    if (unknownKnobs.length > 0) {
      unknownErrors.push(
        `${name}: unknown knob(s) ${unknownKnobs.join(", ")}; accepted: ${knobs.length > 0 ? knobs.join(", ") : "none (only enforcementLevel)"}`,
      );
      continue;
    }
    if (g.enforcementLevel) c.enforcementLevel = g.enforcementLevel;
    Object.assign(c.properties, g.properties ?? {});
  }
  if (unknownErrors.length > 0) {
    throw new PolicyConfigError(`policy config is invalid: ${unknownErrors.join("; ")}`, unknownErrors);
  }
  const errors: string[] = [];
  for (const p of policies) {
    if (!p.configSchema) continue;
    let validate = validators.get(p.configSchema);
    if (!validate) {
      ajv ??= new Ajv({ allErrors: true, strict: false });
      validate = ajv.compile({ type: "object", properties: p.configSchema.properties, required: p.configSchema.required ?? [] });
      validators.set(p.configSchema, validate);
    }
    if (!validate(config.get(p.name)!.properties)) {
      for (const e of validate.errors ?? []) {
        const key = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
        const missing = e.keyword === "required" ? (e.params as { missingProperty: string }).missingProperty : undefined;
        errors.push(`${p.name}: ${missing ?? (key || "(root)")}: ${e.message ?? "is invalid"}`);
      }
    }
  }
  if (errors.length > 0) {
    throw new PolicyConfigError(`policy config is invalid: ${errors.join("; ")}`, errors);
  }
  return { config, warnings };
}

/** The candidate within edit distance 3 of `name`, for "did you mean" hints. */
function closest(name: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length]!;
  };
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d <= 3 && (best === undefined || d < best.d)) best = { c, d };
  }
  return best?.c;
}

/** Reads and reconciles a policy config file (`policies/config/<env>.json` or `--policy-config`). */
export function loadPolicyConfig(file: string, policies: Policies = allPolicies): { config: ResolvedPackConfig; warnings: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new PolicyConfigError(`${file}: policy config file not found`);
  }
  let doc: unknown = {};
  if (text.trim() !== "") {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new PolicyConfigError(`${file}: ${jsonErrorWhere(text, e as Error)}`);
    }
  }
  try {
    return reconcilePolicyConfig(parsePolicyConfig(doc), policies);
  } catch (e) {
    if (e instanceof PolicyConfigError) throw new PolicyConfigError(`${file}: ${e.message}`, e.details);
    throw e;
  }
}

/** JSON.parse's message with its character position turned into line:column. */
function jsonErrorWhere(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return `not valid JSON: ${e.message}`;
  const before = text.slice(0, Number(m[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `line ${line}, column ${column}: not valid JSON: ${e.message.replace(/ in JSON at position \d+.*$/, "")}`;
}

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
  return (
    typeof (p as ResourceValidationPolicy).validateResource === "function" ||
    Array.isArray((p as ResourceValidationPolicy).validateResource)
  );
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

function pulumiTypeOf(fn: unknown): string | undefined {
  const t = (fn as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const t = pulumiTypeOf(resourceClass);
  if (t) return type === t;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

const EMPTY_TAGS: ReadonlyMap<string, string> = new Map();

/** The level a policy runs at: the reconciled config decides; remediate is reported as mandatory. */
function levelOf(p: Policies[number], config: ResolvedPackConfig): EnforcementLevel {
  return config.get(p.name)?.enforcementLevel ?? p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL;
}

function getConfigFun(name: string, config: ResolvedPackConfig): <T extends object>() => T {
  return <T extends object>() => structuredClone(config.get(name)?.properties ?? {}) as T;
}

function optionsOf(r: PlannedResource): PolicyResourceOptions {
  const opts: PolicyResourceOptions = {
    protect: r.options.protect ?? false,
    ignoreChanges: r.options.ignoreChanges ?? [],
    aliases: r.options.aliases ?? [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
  if (r.options.deleteBeforeReplace !== undefined) opts.deleteBeforeReplace = r.options.deleteBeforeReplace;
  if (r.parent) opts.parent = r.parent;
  return opts;
}

/** The default provider the engine would attach to a custom resource (`pulumi:providers:<package>::default`). */
function providerOf(r: PlannedResource): ResourceValidationArgs["provider"] {
  if (!r.custom || r.type.startsWith("pulumi:providers:")) return undefined;
  const pkg = r.type.split(":")[0]!;
  const stackPart = r.urn.split("::")[0]!;
  const project = r.urn.split("::")[1] ?? "";
  return { type: `pulumi:providers:${pkg}`, urn: `${stackPart}::${project}::pulumi:providers:${pkg}::default`, name: "default", props: {} };
}

interface Sink {
  results: PolicyResult[];
  notApplicable: NotApplicable[];
}

function reportFun(p: Policies[number], level: "advisory" | "mandatory", sink: Sink, resourceUrn?: string): ReportViolation {
  return (message: string, urn?: string) => {
    const result: PolicyResult = {
      policy: p.name,
      level,
      message: message ?? "",
      description: p.description,
      kind: "violation",
    };
    if (p.severity) result.severity = p.severity;
    // Resource policies always report against the validated resource; the urn argument is ignored.
    const target = resourceUrn ?? urn;
    if (target) result.urn = target;
    sink.results.push(result);
  };
}

function handleError(e: unknown, p: Policies[number], sink: Sink, urn: string | undefined, kind: "resource" | "stack"): void {
  const policyFrom = `policy '${p.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}'`;
  if (e instanceof UnknownValueError) {
    const result: PolicyResult = {
      policy: p.name,
      level: "advisory",
      message: `can't run ${policyFrom} during preview: ${(e as Error).message}`,
      description: p.description,
      kind: "unknown",
    };
    if (p.severity) result.severity = p.severity;
    if (urn) result.urn = urn;
    sink.results.push(result);
  } else if (e instanceof NotApplicableError) {
    const na: NotApplicable = { policy: p.name };
    if (urn) na.urn = urn;
    if (e.reason) na.reason = e.reason;
    sink.notApplicable.push(na);
  } else {
    const what = kind === "resource" ? "Error validating resource" : "Error validating stack";
    throw new PolicyRuntimeError(`${what} with ${policyFrom}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/** The subset of a PlannedResource a resource policy needs; tests build these directly. */
export type ResourceUnderTest = Pick<PlannedResource, "urn" | "type" | "name" | "inputs"> &
  Partial<Pick<PlannedResource, "parent" | "options" | "custom" | "dependencies" | "secretPaths" | "id">>;

function complete(r: ResourceUnderTest): PlannedResource {
  return {
    dependencies: [],
    secretPaths: [],
    custom: true,
    options: {},
    ...r,
  } as PlannedResource;
}

/** Runs every resource policy on one resource, as the engine's Analyze RPC does. */
export async function analyzeResource(
  resource: ResourceUnderTest,
  config: ResolvedPackConfig,
  policies: Policies = allPolicies,
  sink: Sink = { results: [], notApplicable: [] },
): Promise<Sink> {
  const r = complete(resource);
  for (const p of policies) {
    let level = levelOf(p, config);
    if (level === "disabled" || !isResourcePolicy(p)) continue;
    if (!p.validateResource) continue;
    if (level === "remediate") level = "mandatory";
    if (!Array.isArray(p.validateResource)) {
      const t = pulumiTypeOf(p.validateResource);
      if (t && r.type !== t) {
        sink.notApplicable.push({ policy: p.name, urn: r.urn, reason: `Policy only applies to resources of type '${t}'` });
        continue;
      }
    }
    const report = reportFun(p, level, sink, r.urn);
    const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
    for (const validation of validations) {
      try {
        // The engine deserializes a fresh copy per validation and wraps it in the unknown-checking proxy.
        const props = unknownCheckingProxy(engineValue(r.inputs)) as ResourceValidationArgs["props"];
        const args: ResourceValidationArgs = {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: optionsOf(r),
          stackTags: EMPTY_TAGS,
          isType: (cls) => isTypeOf(r.type, cls),
          asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
          getConfig: getConfigFun(p.name, config),
          notApplicable: throwNotApplicable,
        };
        const provider = providerOf(r);
        if (provider) args.provider = provider;
        await Promise.resolve(validation(args, report));
      } catch (e) {
        handleError(e, p, sink, r.urn, "resource");
      }
    }
  }
  return sink;
}

/** Builds the engine's view of the stack: PolicyResources linked to their parent and dependencies. */
export function toPolicyResources(resources: ResourceUnderTest[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const all = resources.map(complete);
  const out = all.map((r) => {
    // The engine passes outputs here; the offline plan has the declared inputs (plus the id), which for
    // azure-native resources are what the outputs echo back.
    const props = unknownCheckingProxy(engineValue(r.id ? { ...r.inputs, id: r.id } : r.inputs)) as PolicyResource["props"];
    const pr: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
    };
    const provider = providerOf(r);
    if (provider) pr.provider = provider;
    byUrn.set(r.urn, pr);
    return pr;
  });
  all.forEach((r, i) => {
    const pr = out[i]!;
    if (r.parent) {
      const parent = byUrn.get(r.parent);
      if (parent) pr.parent = parent;
    }
    pr.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
  });
  return out;
}

/** Runs every stack policy over the whole stack, as the engine's AnalyzeStack RPC does. */
export async function analyzeStack(
  resources: ResourceUnderTest[],
  config: ResolvedPackConfig,
  policies: Policies = allPolicies,
  sink: Sink = { results: [], notApplicable: [] },
): Promise<Sink> {
  for (const p of policies) {
    let level = levelOf(p, config);
    if (level === "disabled" || !isStackPolicy(p)) continue;
    if (level === "remediate") level = "mandatory";
    const t = pulumiTypeOf(p.validateStack);
    if (t && !resources.some((r) => r.type === t)) {
      sink.notApplicable.push({ policy: p.name, reason: `Policy only applies to resources of type '${t}'` });
      continue;
    }
    const report = reportFun(p, level, sink);
    try {
      const args: StackValidationArgs = {
        resources: toPolicyResources(resources),
        getConfig: getConfigFun(p.name, config),
        stackTags: EMPTY_TAGS,
        notApplicable: throwNotApplicable,
      };
      await Promise.resolve(p.validateStack(args, report));
    } catch (e) {
      handleError(e, p, sink, undefined, "stack");
    }
  }
  return sink;
}

/** Runs the whole pack over a plan: resource policies per resource in registration order, then stack policies. */
export async function runPolicies(
  plan: Pick<PlanResult, "resources">,
  config: ResolvedPackConfig,
  policies: Policies = allPolicies,
): Promise<PolicyRunResult> {
  const started = performance.now();
  const sink: Sink = { results: [], notApplicable: [] };
  for (const r of plan.resources) await analyzeResource(r, config, policies, sink);
  await analyzeStack(plan.resources, config, policies, sink);
  return { ...sink, excepted: [], stale: [], warnings: [], policiesMs: performance.now() - started };
}

/**
 * Splits a stack's results by the reviewed exceptions, as the real pack skips them (policies/lib.ts
 * honourExceptions): a result is excepted when an exception names its policy, the stack (read from the result's
 * URN) and the resource's logical name (the last part of its URN). A result without a URN (stack-wide) is never
 * excepted. Every (exception, resource) pair listed for `stack` that matches no result is stale.
 */
export function applyExceptions(
  stack: string,
  results: readonly PolicyResult[],
  exceptions: readonly PolicyException[],
): { results: PolicyResult[]; excepted: ExceptedResult[]; stale: StaleException[] } {
  const kept: PolicyResult[] = [];
  const excepted: ExceptedResult[] = [];
  for (const r of results) {
    const exception = exceptionFor(exceptions, r.policy, r.urn);
    if (exception) excepted.push({ ...r, exception });
    else kept.push(r);
  }
  const stale: StaleException[] = [];
  for (const exception of exceptions) {
    if (!(exception.stacks as readonly string[]).includes(stack)) continue;
    for (const resource of exception.resources) {
      const used = excepted.some((r) => r.exception === exception && r.urn !== undefined && parseUrn(r.urn)?.name === resource);
      if (!used) stale.push({ exception, stack, resource });
    }
  }
  return { results: kept, excepted, stale };
}

/** The warning the plan prints for a stale exception. */
export function staleWarning(s: StaleException): string {
  return (
    `stale exception in policies/exceptions.ts: ${s.exception.policy}${s.exception.psRule ? ` (${s.exception.psRule})` : ""} ` +
    `for '${s.resource}' matches no violation in stack '${s.stack}'; remove it or fix its policy and resource names`
  );
}

/** Exit code of the plan: 1 when any mandatory violation remains, else 0. */
export function exitCodeFor(results: PolicyResult[]): 0 | 1 {
  return results.some((r) => r.level === "mandatory") ? 1 : 0;
}
