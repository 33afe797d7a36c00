// The reverse of pack.test.ts: every policy file in policies/ is registered in allPolicies, so a forgotten one cannot pass every test unseen.
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allPolicies } from "../../policies/policies";

const POLICIES_DIR = path.join(__dirname, "../../policies");
/** The files of the pack that are not one policy each; a new helper file is added here on purpose. */
const NOT_POLICIES = [
  "acs-event-types.ts",
  "azure-types.ts",
  "deployability-facts.ts",
  "exceptions.ts",
  "index.ts",
  "lib.ts",
  "nsg-rules.ts",
  "policies.ts",
  "psrule-types.ts",
  "psrule.ts",
];
/** Policies the offline plan runs and the pack does not: they need what `pulumi preview` never gives a policy (the
 *  price table and the usage profile of `--cost`). */
const PLAN_ONLY = ["cost-stack-enforce-ceiling.ts"];
const policyFiles = readdirSync(POLICIES_DIR)
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !NOT_POLICIES.includes(file) && !PLAN_ONLY.includes(file))
  .sort();

/** An exported value shaped like a CrossGuard policy (a name and a validateResource or validateStack function). */
function isPolicy(value: unknown): value is { name: string } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && (typeof v.validateResource === "function" || typeof v.validateStack === "function");
}

describe("policy registration", () => {
  it.each(PLAN_ONLY)("%s exports one policy, named after the file, that the pack does not register", async (file) => {
    const mod = (await import(path.join(POLICIES_DIR, file))) as Record<string, unknown>;
    const exported = Object.values(mod).filter(isPolicy);
    expect(exported.map((p) => p.name)).toEqual([file.replace(/\.ts$/, "")]);
    expect(allPolicies.map((p) => p.name)).not.toContain(exported[0]!.name);
  });
  it.each(policyFiles)("%s exports one policy, named after the file, and allPolicies holds it", async (file) => {
    const mod = (await import(path.join(POLICIES_DIR, file))) as Record<string, unknown>;
    const exported = Object.values(mod).filter(isPolicy);
    expect(exported.map((p) => p.name)).toEqual([file.replace(/\.ts$/, "")]);
    expect(allPolicies).toContain(exported[0]);
  });

  it("allPolicies holds nothing but those files' policies", () => {
    expect(allPolicies.map((p) => `${p.name}.ts`).sort()).toEqual(policyFiles);
  });

  it("the helper files export no policy", async () => {
    for (const file of NOT_POLICIES.filter((f) => f !== "index.ts")) {
      const mod = (await import(path.join(POLICIES_DIR, file))) as Record<string, unknown>;
      expect({ file, policies: Object.values(mod).filter(isPolicy).length }).toEqual({ file, policies: 0 });
    }
  });
});
