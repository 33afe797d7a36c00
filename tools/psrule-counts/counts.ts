// The PSRule for Azure counts of one stack, computed from the mapping (policies/psrule.ts) and the stack's plan
// results: how many Default-baseline rules apply, pass, fail, are excepted, have no policy in the pack yet, and are
// enforced (a mapped policy in the pack at mandatory for the stack). A result counts against a rule when its policy
// enforces the rule and its resource's ARM type is one the rule targets (any type for the generic Azure.Resource.*).
import { armType, azureType } from "../../policies/azure-types";
import { parseUrn } from "../../policies/lib";
import type { PsRule } from "../../policies/psrule";

export interface CountsInput {
  stack: string;
  rules: readonly PsRule[];
  /** The plan's resources (type and URN). */
  resources: ReadonlyArray<{ urn: string; type: string }>;
  /** Results that count, and results a reviewed exception covers. */
  results: ReadonlyArray<{ policy: string; urn?: string }>;
  excepted: ReadonlyArray<{ policy: string; urn?: string }>;
  /** Each pack policy's level in the stack's config. */
  levels: ReadonlyMap<string, string>;
}

export interface StackCounts {
  stack: string;
  /** Rules mapped to a policy that target a type the stack declares (or any type, for the generic ones). */
  applicable: number;
  pass: number;
  fail: number;
  excepted: number;
  /** Applicable rules whose policies are not in the pack (yet): neither pass nor fail can be told. */
  unchecked: number;
  /** Applicable rules with a mapped policy in the pack at mandatory for the stack. */
  enforced: number;
  /** Rules the mapping marks not applicable, or that target no type the stack declares. */
  notApplicable: number;
  failing: string[];
  exceptedRules: string[];
  uncheckedRules: string[];
  notEnforced: string[];
}

export function psRuleCounts(input: CountsInput): StackCounts {
  const typeOf = new Map<string, string>();
  for (const r of input.resources) {
    const t = azureType(r.type);
    if (t) typeOf.set(r.urn, armType(t));
  }
  const declared = new Set(typeOf.values());
  const hits = (rule: PsRule, policies: readonly string[], list: CountsInput["results"]) =>
    list.some(
      (x) =>
        policies.includes(x.policy) &&
        (rule.selector !== undefined || x.urn === undefined || rule.armTypes.includes(typeOf.get(x.urn) ?? "")),
    );
  const out: StackCounts = {
    stack: input.stack,
    applicable: 0,
    pass: 0,
    fail: 0,
    excepted: 0,
    unchecked: 0,
    enforced: 0,
    notApplicable: 0,
    failing: [],
    exceptedRules: [],
    uncheckedRules: [],
    notEnforced: [],
  };
  for (const rule of input.rules) {
    const c = rule.coverage;
    if (c.kind !== "policy" || (rule.selector === undefined && !rule.armTypes.some((t) => declared.has(t)))) {
      out.notApplicable++;
      continue;
    }
    out.applicable++;
    const inPack = c.policies.filter((p) => input.levels.has(p));
    if (inPack.some((p) => input.levels.get(p) === "mandatory")) out.enforced++;
    else out.notEnforced.push(rule.name);
    if (inPack.length === 0) {
      out.unchecked++;
      out.uncheckedRules.push(rule.name);
    } else if (hits(rule, inPack, input.results)) {
      out.fail++;
      out.failing.push(rule.name);
    } else if (hits(rule, inPack, input.excepted)) {
      out.excepted++;
      out.exceptedRules.push(rule.name);
    } else {
      out.pass++;
    }
  }
  return out;
}

/** The stack of a result's URN, for callers that mix stacks. */
export const stackOf = (urn: string): string | undefined => parseUrn(urn)?.stack;
