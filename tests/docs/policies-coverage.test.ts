// docs/policies.md's PSRule for Azure coverage section is the one tools/docs-policies/render.ts renders from
// policies/psrule.ts, policies/exceptions.ts and the policy configs (a hand edit, or a mapping change without
// `npm run docs:policies`, fails here); the rendering shows levels that are not mandatory and each stack's exceptions.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { PolicyException } from "../../policies/exceptions";
import { PSRULE_RULES } from "../../policies/psrule";
import { BEGIN_MARKER, END_MARKER, renderPsRuleCoverage, withCoverage } from "../../tools/docs-policies/render";

const ROOT = path.resolve(__dirname, "../..");
const doc = readFileSync(path.join(ROOT, "docs/policies.md"), "utf8");
const row = (block: string, rule: string) => block.split("\n").find((l) => l.startsWith(`| [${rule}](`));

describe("docs/policies.md PSRule for Azure coverage", () => {
  it("is the section rendered from the mapping (run `npm run docs:policies` after a change)", () => {
    expect(withCoverage(doc, renderPsRuleCoverage(ROOT))).toBe(doc);
  });
  it("has one row per mapped rule, with id, severity, pillar and the enforcing policy's anchor", () => {
    const block = doc.slice(doc.indexOf(BEGIN_MARKER), doc.indexOf(END_MARKER));
    expect(block.split("\n").filter((l) => l.startsWith("| [Azure.")).length).toBe(PSRULE_RULES.length);
    expect(row(block, "Azure.NSG.LateralTraversal")).toBe(
      "| [Azure.NSG.LateralTraversal](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.NSG.LateralTraversal/) | AZR-000139 | Important | Security | [`network-nsg-disallow-lateral-traversal`](#network-nsg-disallow-lateral-traversal) |  |  |",
    );
    // Advisory in dev by the dev config: said beside the policy.
    expect(row(block, "Azure.KeyVault.PurgeProtect")).toContain(
      "[`keyvault-vault-enable-purge-protection`](#keyvault-vault-enable-purge-protection) (advisory in dev) |",
    );
    expect(row(block, "Azure.NSG.Associated")).toContain("| Not applicable. Runs only on exported (live) resources");
  });
  it("lists a rule's exceptions under the stacks they hold for, with why and what compensates", () => {
    const e: PolicyException = {
      policy: "storage-account-configure-min-tls-version",
      psRule: "Azure.Storage.MinTLS",
      stacks: ["prod"],
      resources: ["acsplat-events-storage"],
      why: "Test why.",
      compensatingControls: "Test control.",
      sources: [],
      reviewed: { by: "test", on: "2026-12-07" },
    };
    const block = renderPsRuleCoverage(ROOT, PSRULE_RULES, [e]);
    expect(row(block, "Azure.Storage.MinTLS")?.endsWith(" |  | `acsplat-events-storage`: Test why. Compensates: Test control. |")).toBe(
      true,
    );
    expect(block).toContain("rules with a reviewed exception: 0 in dev, 1 in prod.");
  });
});
