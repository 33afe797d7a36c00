// Tests for the pack's shape: every policy follows the naming rule, lives in its own file exporting a matching
// constant, carries description, severity, remediation and a group, is listed in docs/policies.md and in one list
// ordered by group; a level is stated only where it differs from the pack's; the pack entry only assembles.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AZURE_TYPES } from "../../policies/azure-types";
import { POLICY_GROUPS } from "../../policies/lib";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_VERSION } from "../../policies/policies";

const POLICIES_DIR = path.join(__dirname, "../../policies");
const NAME = /^[a-z]+-[a-z]+-(missing|disallow|enable|disable|configure|enforce)-[a-z0-9-]+$/;
/** The name's first segment: an azure-native module of the catalog, `loganalytics` (operationalinsights' product
 *  name) or `azure` (rules on every resource); groups such as deployability live in the `group` field. */
const SERVICES = new Set([...Object.keys(AZURE_TYPES).map((t) => t.split(":")[1]!), "loganalytics", "azure"]);
const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

describe("the policy pack", () => {
  it.each(allPolicies.map((p) => [p.name, p]))("%s is well formed", async (name, p) => {
    expect(name).toMatch(NAME);
    expect(SERVICES).toContain(name.split("-")[0]);
    expect(p.description).toMatch(/^[A-Z].*\.$/);
    expect(["low", "medium", "high", "critical"]).toContain(p.severity);
    expect((p.remediationSteps ?? "").length).toBeGreaterThan(20);
    const mod = (await import(path.join(POLICIES_DIR, `${name}.ts`))) as Record<string, unknown>;
    expect(mod[camel(name)]).toBe(p);
    expect(POLICY_GROUPS).toContain(p.group);
    // The pack's level (and the stack's policy config) decide; a file states a level only where it differs.
    expect(p.enforcementLevel).not.toBe(PACK_ENFORCEMENT_LEVEL);
  });
  it("lists the policies in one list, grouped in POLICY_GROUPS order", () => {
    const firstSeen = [...new Set(allPolicies.map((p) => p.group))];
    expect(firstSeen).toEqual(POLICY_GROUPS.filter((g) => firstSeen.includes(g)));
    // Each group is contiguous: a group seen once is not seen again after another.
    const runs = allPolicies.map((p) => p.group).filter((g, i, all) => i === 0 || all[i - 1] !== g);
    expect(runs).toEqual(firstSeen);
  });
  it("has unique names", () => {
    expect(new Set(allPolicies.map((p) => p.name)).size).toBe(allPolicies.length);
  });
  it("docs/policies.md has a table row for every policy", () => {
    const doc = fs.readFileSync(path.join(__dirname, "../../docs/policies.md"), "utf8");
    const missing = allPolicies.filter((p) => !doc.includes(`| \`${p.name}\` |`)).map((p) => p.name);
    expect(missing).toEqual([]);
  });
  it("the entry only assembles, and the pack's metadata files are in place", () => {
    const index = fs.readFileSync(path.join(POLICIES_DIR, "index.ts"), "utf8");
    expect(index.match(/^import .*$/gm)).toEqual([
      'import { PolicyPack } from "@pulumi/policy";',
      'import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, packPolicies } from "./policies";',
    ]);
    expect(fs.readFileSync(path.join(POLICIES_DIR, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    expect(JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "package.json"), "utf8")).version).toBe(PACK_VERSION);
  });
});
