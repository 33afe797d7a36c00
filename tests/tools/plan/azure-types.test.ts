// The catalog of Azure types (policies/azure-types.ts): every type the stacks declare has an entry (the one test that
// fails for a type added to a stack and not to the catalog), every input it names exists on that type's
// azure-native SDK inputs (read from the installed .d.ts, so none is guessed), the offline plan's ids are the ARM
// ids it states, the tags policy's flag matches what the stacks tag, and a change to each replace trigger, against a
// baseline of prod's plan, is a replace that names the property.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AZURE_TYPES, nameInput, pathParams, type AzureType } from "../../../policies/azure-types";
import { T } from "../../../policies/lib";
import type { Baseline } from "../../../tools/plan/diff/baseline";
import { compare } from "../../../tools/plan/diff/compare";
import { evaluateStack } from "../../../tools/plan/harness";
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
  plans = [await evaluateStack({ stack: "prod" }), await evaluateStack({ stack: "dev" })];
}, 60_000);

const ENTRIES = Object.entries(AZURE_TYPES as Record<string, AzureType>);
/** A catalog entry's replace triggers, as tools/plan/diff/compare.ts reads them. */
const RULES = Object.fromEntries(ENTRIES.map(([type, t]) => [type, { pathParams: pathParams(t), createOnly: t.createOnly }]));
const declared = () => new Set(plans.flatMap((p) => p.resources.map((r) => r.type)).filter((t) => t.startsWith("azure-native:")));

describe("coverage", () => {
  it("the catalog has an entry for every azure-native type dev and prod declare", () => {
    expect([...declared()].filter((t) => !Object.hasOwn(AZURE_TYPES, t))).toEqual([]);
  });
  it("the pack's type names are catalog entries", () => {
    expect(Object.values(T).filter((t) => !Object.hasOwn(AZURE_TYPES, t))).toEqual([]);
  });
  it.each(Object.entries(RULES))("%s: every property named is an SDK input", (type, rule) => {
    const inputs = sdkInputs(type);
    const named = [...rule.pathParams, ...rule.createOnly.map((c) => c.path.split(".")[0]!)];
    expect(named.filter((p) => !inputs.includes(p))).toEqual([]);
    for (const c of rule.createOnly) expect(c.source).toMatch(/^https:\/\//);
  });
  it("derives path parameters and the name input from the ARM id", () => {
    const subnet = AZURE_TYPES["azure-native:network:Subnet"];
    expect(pathParams(subnet)).toEqual(["resourceGroupName", "virtualNetworkName", "subnetName"]);
    expect(nameInput(subnet)).toBe("subnetName");
    expect(pathParams(AZURE_TYPES["azure-native:monitor:DiagnosticSetting"])).toEqual(["resourceUri", "name"]);
    expect(pathParams(AZURE_TYPES["azure-native:resources:ResourceGroup"])).toEqual(["resourceGroupName"]);
    expect(nameInput(AZURE_TYPES["azure-native:web:WebAppFtpAllowed"])).toBeUndefined();
  });
  it("the offline plan's id of every declared resource is its catalog ARM id, unless the entry keeps the type-token form", () => {
    const wrong: string[] = [];
    for (const r of plans.flatMap((p) => p.resources)) {
      const t = (AZURE_TYPES as Record<string, AzureType>)[r.type];
      if (!t || !r.custom || t.offline?.id === "type-token") continue;
      const pattern = new RegExp(`/${t.arm.replace(/\{\w+\}/g, "[^/]+")}$`);
      if (!pattern.test(r.id ?? "")) wrong.push(`${r.type} ${r.id ?? "(no id)"}`);
    }
    expect(wrong).toEqual([]);
  });
  it("every type the stacks tag is taggable in the catalog (so the tags policy requires the tags), but a Key Vault secret", () => {
    const tagged = new Set(plans.flatMap((p) => p.resources.filter((r) => r.inputs["tags"] !== undefined).map((r) => r.type)));
    expect(
      [...tagged].filter((t) => Object.hasOwn(AZURE_TYPES, t) && (AZURE_TYPES as Record<string, AzureType>)[t]!.taggable !== true),
    ).toEqual(["azure-native:keyvault:Secret"]);
  });
});

describe("a change to each trigger is a replace naming it", () => {
  const cases = Object.entries(RULES).flatMap(([type, rule]) => [
    ...rule.pathParams.map((p) => [type, p, "ARM id"] as const),
    ...rule.createOnly.map((c) => [type, c.path, "create-only"] as const),
  ]);
  it.each(cases)("%s %s (%s)", (type, property, kind) => {
    const plan = plans.find((p) => p.resources.some((r) => r.type === type));
    if (plan === undefined) {
      // A type neither stack declares today (e.g. an NSG before the network has one): nothing to compare.
      expect(Object.keys(RULES)).toContain(type);
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
