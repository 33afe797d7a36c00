// Turns an evaluated plan into a PlanReport: loads and reconciles the policy config (or the pack's defaults when a
// stack has none), runs the pack, compares with a baseline, runs the plan's own rules (which need the baseline) and
// sets the exit code. Shared by the CLI, the bench and
// the tests (which call it in-process).
import { existsSync } from "node:fs";
import * as path from "node:path";
import { POLICY_EXCEPTIONS, type PolicyException } from "../../policies/exceptions";
import { allPolicies, PACK_NAME, PACK_VERSION } from "../../policies/policies";
import type { Baseline } from "./diff/baseline";
import { compare } from "./diff/compare";
import type { CostOptions, CostReport } from "./cost/section";
import type { PlanReport } from "./formats/report";
import { PLAN_RULES, runPlanRules } from "./plan-rules";
import { applyExceptions, exitCodeFor, reconcilePolicyConfig, loadPolicyConfig, runPolicies, staleWarning } from "./policy-runner";
import type { PlanResult } from "./types";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The default policy config of a stack: `policies/config/<stack>.json`. */
export function defaultPolicyConfig(stack: string): string {
  return path.join(REPO_ROOT, "policies", "config", `${stack}.json`);
}

/** A path relative to the repository root when inside it (stable across machines), else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(REPO_ROOT, path.resolve(file));
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(file) : rel.split(path.sep).join("/");
}

export interface BuildReportOptions {
  /** An explicit policy config file (must exist); default `policies/config/<stack>.json`, or the pack's defaults. */
  policyConfigFile?: string;
  stackConfigFile?: string;
  /** What to compare with; without it every resource is a create. */
  baseline?: Baseline;
  /** `--fail-on-replace`: a replacement or deletion of a stateful or protected resource fails the plan. */
  failOnReplace?: boolean;
  /** `--show-sames`: list unchanged resources and outputs too (they are summarised when there is a baseline). */
  showSames?: boolean;
  /** `--timings`: show how long each part took; off by default, so the output depends only on the inputs. */
  timings?: boolean;
  /** `--cost`: estimate the monthly cost and run the cost policy (tools/plan/cost/); the clock dates the prices. */
  cost?: CostOptions;
  /** The reviewed exceptions; default policies/exceptions.ts (tests pass their own). */
  exceptions?: readonly PolicyException[];
}

export async function buildReport(plan: PlanResult, options: BuildReportOptions = {}): Promise<PlanReport> {
  const notices: string[] = [];
  let policyConfigFile: string | undefined = options.policyConfigFile ?? defaultPolicyConfig(plan.stack);
  let loaded;
  if (options.policyConfigFile === undefined && !existsSync(policyConfigFile)) {
    // `pulumi preview --policy-pack` needs no config file either: every policy runs at its pack default.
    notices.push(`no ${displayPath(policyConfigFile)}: using the pack's defaults (each policy at its default level and knobs)`);
    loaded = reconcilePolicyConfig(new Map(), allPolicies);
    policyConfigFile = undefined;
  } else {
    loaded = loadPolicyConfig(policyConfigFile, allPolicies);
  }
  const { config, warnings } = loaded;
  const policy = await runPolicies(plan, config, allPolicies);
  policy.warnings.push(...warnings);
  const compareStarted = performance.now();
  const changes = compare(plan, options.baseline);
  const compareMs = performance.now() - compareStarted;
  // After the pack's results, in the same shape: every format lists them and a mandatory one fails the plan.
  policy.results.push(...runPlanRules(plan, changes, options.baseline));
  const stackConfigPath = path.resolve(options.stackConfigFile ?? path.join(REPO_ROOT, `Pulumi.${plan.stack}.yaml`));
  let cost: CostReport | undefined;
  const policies: PlanReport["policies"] = [...allPolicies, ...PLAN_RULES];
  if (options.cost !== undefined) {
    // Loaded only with --cost, so a plan without it pays nothing for it.
    const { buildCost, costStackEnforceCeiling } = await import("./cost/section");
    const built = buildCost(plan, stackConfigPath, options.baseline, options.cost, displayPath);
    cost = built.cost;
    policy.results.push(...built.results);
    policies.push(costStackEnforceCeiling);
  }
  // Last, over every result: an excepted one is listed as such and never fails the plan; an unused exception warns.
  const split = applyExceptions(plan.stack, policy.results, options.exceptions ?? POLICY_EXCEPTIONS);
  policy.results = split.results;
  policy.excepted = split.excepted;
  policy.stale = split.stale;
  policy.warnings.push(...split.stale.map(staleWarning));
  const policyExit = exitCodeFor(policy.results);
  const replaceFails = options.failOnReplace === true && changes.critical.length > 0;
  return {
    plan,
    policy,
    policies,
    config,
    pack: { name: PACK_NAME, version: PACK_VERSION },
    stackConfigFile: displayPath(options.stackConfigFile ?? path.join(REPO_ROOT, `Pulumi.${plan.stack}.yaml`)),
    stackConfigPath,
    policyConfigFile: policyConfigFile !== undefined ? displayPath(policyConfigFile) : "(pack defaults)",
    changes,
    notices,
    failOnReplace: options.failOnReplace === true,
    showSames: options.showSames === true,
    baselineResults: options.baseline?.results ?? [],
    timings: options.timings === true,
    compareMs,
    ...(cost ? { cost } : {}),
    exitCode: policyExit === 1 || replaceFails ? 1 : 0,
  };
}
