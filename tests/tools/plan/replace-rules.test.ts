// The replace triggers in tools/plan/diff/replace-rules.ts: every type the stacks declare has an entry, every
// property named exists on that type's azure-native SDK inputs (read from the installed .d.ts, so none is guessed),
// and a change to each one, against a baseline of prod's plan, is a replace that names the property.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Baseline } from "../../../tools/plan/diff/baseline";
import { compare } from "../../../tools/plan/diff/compare";
import { REPLACE_RULES } from "../../../tools/plan/diff/replace-rules";
import { sharedPlan } from "../../support/shared-plan";
import type { PlanResult } from "../../../tools/plan/types";

const SDK = path.resolve(__dirname, "../../../node_modules/@pulumi/azure-native");

/** The input property names of an azure-native type, from its `<Type>Args` interface in the SDK's .d.ts. */
function sdkInputs(type: string): string[] {
  const [, module, name] = type.split(":") as [string, string, string];
  const file = path.join(SDK, module, `${name[0]!.toLowerCase()}${name.slice(1)}.d.ts`);
  const text = fs.readFileSync(file, "utf8");
  const args = text.slice(text.indexOf(`export interface ${name}Args`));
  return [...args.slice(0, args.indexOf("\n}")).matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!);
}

let plans: PlanResult[] = [];
beforeAll(async () => {
  plans = [await sharedPlan("prod"), await sharedPlan("dev")];
}, 60_000);

describe("coverage", () => {
  it("has a rule for every azure-native type dev and prod declare", () => {
    const types = new Set(plans.flatMap((p) => p.resources.map((r) => r.type)).filter((t) => t.startsWith("azure-native:")));
    expect([...types].filter((t) => REPLACE_RULES[t] === undefined)).toEqual([]);
  });
  it.each(Object.entries(REPLACE_RULES))("%s: every property named is an SDK input", (type, rule) => {
    const inputs = sdkInputs(type);
    const named = [...rule.pathParams, ...rule.createOnly.map((c) => c.path.split(".")[0]!)];
    expect(named.filter((p) => !inputs.includes(p))).toEqual([]);
    for (const c of rule.createOnly) expect(c.source).toMatch(/^https:\/\//);
  });
});

describe("a change to each trigger is a replace naming it", () => {
  const cases = Object.entries(REPLACE_RULES).flatMap(([type, rule]) => [
    ...rule.pathParams.map((p) => [type, p, "ARM id"] as const),
    ...rule.createOnly.map((c) => [type, c.path, "create-only"] as const),
  ]);
  it.each(cases)("%s %s (%s)", (type, property, kind) => {
    const plan = plans.find((p) => p.resources.some((r) => r.type === type));
    if (plan === undefined) {
      // A type neither stack declares today (e.g. an NSG before the network has one): nothing to compare.
      expect(Object.keys(REPLACE_RULES)).toContain(type);
      return;
    }
    const target = plan.resources.find((r) => r.type === type)!;
    const baseline: Baseline = {
      kind: "plan",
      file: "main.json",
      resources: plan.resources.map((r) =>
        r.urn === target.urn ? { ...r, inputs: { ...r.inputs, [property]: "value-before-the-change" } } : r,
      ),
    };
    const change = compare(plan, baseline).changes.find((c) => c.urn === target.urn)!;
    expect(change.op).toBe("replace");
    expect(
      change.replaceReasons.some(
        (r) => r.startsWith(`${property} is `) && r.includes(kind === "ARM id" ? "part of the resource's ARM id" : "create-only"),
      ),
    ).toBe(true);
  });
});
