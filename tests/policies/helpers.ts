// Test helpers for the policy tests: run one policy on a synthetic resource or stack through the same engine
// emulation the offline plan uses, with the policy's schema defaults applied like the CLI.
import type { Policies } from "@pulumi/policy";
import * as proxyModule from "@pulumi/policy/proxy";
import {
  analyzeResource,
  analyzeStack,
  reconcilePolicyConfig,
  type PolicyResult,
  type ResourceUnderTest,
} from "../../tools/plan/policy-runner";

/** Sentinels the engine puts in place of values unknown during preview. */
// proxy.d.ts declares none of its exports (they are @internal), so the sentinels are typed here.
const sentinels = proxyModule as unknown as { unknownStringValue: string; unknownBooleanValue: string };
export const UNKNOWN = { string: sentinels.unknownStringValue, boolean: sentinels.unknownBooleanValue };

export interface Outcome {
  /** Messages of the violations, in report order. */
  messages: string[];
  /** True when the policy declared itself not applicable. */
  notApplicable: boolean;
  results: PolicyResult[];
}

function configFor(policy: Policies[number], knobs: Record<string, unknown> = {}) {
  const given = new Map([[policy.name, Object.keys(knobs).length > 0 ? { properties: knobs } : {}]]);
  return reconcilePolicyConfig(given, [policy]).config;
}

/** Runs a resource policy on one resource of `type` with inputs `props`. */
export async function runResource(
  policy: Policies[number],
  type: string,
  props: Record<string, unknown>,
  knobs?: Record<string, unknown>,
  name = "subject",
): Promise<Outcome> {
  const resource: ResourceUnderTest = { urn: `urn:pulumi:test::acs-platform::${type}::${name}`, type, name, inputs: props };
  const sink = await analyzeResource(resource, configFor(policy, knobs), [policy]);
  return { messages: sink.results.map((r) => r.message), notApplicable: sink.notApplicable.length > 0, results: sink.results };
}

/** Runs a stack policy over synthetic resources. */
export async function runStack(
  policy: Policies[number],
  resources: ResourceUnderTest[],
  knobs?: Record<string, unknown>,
): Promise<Outcome> {
  const sink = await analyzeStack(resources, configFor(policy, knobs), [policy]);
  return { messages: sink.results.map((r) => r.message), notApplicable: sink.notApplicable.length > 0, results: sink.results };
}

/** A synthetic resource for stack tests. */
export function res(type: string, name: string, inputs: Record<string, unknown>, dependencies: string[] = []): ResourceUnderTest {
  return { urn: urnOf(type, name), type, name, inputs, dependencies };
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::acs-platform::${type}::${name}`;
}

/** A deep copy of `base` with `path` (dot notation) set to `value`, or deleted when value is undefined. */
export function mutate<T extends Record<string, unknown>>(base: T, path: string, value: unknown): T {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split(".");
  let cur = copy;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy as T;
}
