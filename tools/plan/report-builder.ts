// Turns an evaluated plan into a PlanReport: loads and reconciles the policy config, runs the pack, sets the
// exit code. Shared by the CLI, the bench and the tests (which call it in-process).
import * as path from "node:path";
import { allPolicies, PACK_NAME, PACK_VERSION } from "../../policies/policies";
import type { PlanReport } from "./formats/report";
import { exitCodeFor, loadPolicyConfig, runPolicies } from "./policy-runner";
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

export async function buildReport(
  plan: PlanResult,
  options: { policyConfigFile?: string; stackConfigFile?: string } = {},
): Promise<PlanReport> {
  const policyConfigFile = options.policyConfigFile ?? defaultPolicyConfig(plan.stack);
  const { config, warnings } = loadPolicyConfig(policyConfigFile, allPolicies);
  const policy = await runPolicies(plan, config, allPolicies);
  policy.warnings.push(...warnings);
  return {
    plan,
    policy,
    policies: allPolicies,
    config,
    pack: { name: PACK_NAME, version: PACK_VERSION },
    stackConfigFile: displayPath(options.stackConfigFile ?? path.join(REPO_ROOT, `Pulumi.${plan.stack}.yaml`)),
    policyConfigFile: displayPath(policyConfigFile),
    exitCode: exitCodeFor(policy.results),
  };
}
