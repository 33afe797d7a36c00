// SARIF for GitHub code scanning: the misconfigured fixture's results validate against the SARIF 2.1.0 schema and
// sit on the config line that causes each of them; a result caused by code points at the line that declares the
// resource; rules carry security-severity and helpUri; fingerprints depend on policy and URN only.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import * as storage from "@pulumi/azure-native/storage";
import { beforeAll, describe, expect, it } from "vitest";
import { psRulesOf, psRuleUrl } from "../../../policies/psrule";
import { toSarif } from "../../../tools/plan/formats/sarif";
import { evaluateProgram } from "../../../tools/plan/harness";
import { buildReport } from "../../../tools/plan/report-builder";
import { plan, ROOT } from "./run-plan";

const FIXTURE = path.join("tests", "fixtures", "Pulumi.prod-misconfigured.yaml");
const fixtureLines = fs.readFileSync(path.join(ROOT, FIXTURE), "utf8").split("\n");
/** The 1-based line of the first fixture line containing `text`. */
const lineOf = (text: string) => fixtureLines.findIndex((l) => l.includes(text)) + 1;

interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
    logicalLocations?: Array<{ name: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  properties: { configKey?: string };
  suppressions?: Array<{ kind: string; status: string }>;
}
let doc: {
  runs: Array<{
    results: SarifResult[];
    tool: { driver: { rules: Array<{ id: string; helpUri: string; properties: Record<string, unknown> }> } };
  }>;
};

beforeAll(async () => {
  const r = await plan(["--stack", "prod", "--config-file", FIXTURE, "--format", "sarif"]);
  expect(r.code).toBe(1);
  doc = JSON.parse(r.stdout);
}, 60_000);

describe("the misconfigured fixture as SARIF", () => {
  it("validates against the official SARIF 2.1.0 schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "tools/plan/schema/sarif-schema-2.1.0.json"), "utf8")));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it("puts every result on the config line that causes it", () => {
    const at = (text: string, key: string) => `${FIXTURE}:${lineOf(text)} ${key}`;
    const expected: Record<string, string> = {
      "azure-resource-enforce-allowed-regions": at("acs-platform:location: eastus", "acs-platform:location"),
      "communication-service-enforce-data-location": at("acs-platform:dataLocation:", "acs-platform:dataLocation"),
      "keyvault-vault-enable-purge-protection": at("enablePurgeProtection: false", "acs-platform:keyVault.enablePurgeProtection"),
      "communication-domain-disallow-azure-managed": at("- kind: AzureManaged", "acs-platform:email.domains[0].kind"),
      "web-webapp-disallow-plain-secrets": at("jwksUri:", "acs-platform:tokenApi.oidc.jwksUri"),
    };
    // The retirement reminders come with every stack and point at the component line (tests/tools/plan/retirement-cli.test.ts).
    // Suppressed results are prod's reviewed exceptions (policies/exceptions.ts: the package account), not mistakes.
    const results = doc.runs[0]!.results.filter((r) => r.ruleId !== "plan-communication-disallow-retired-service" && !r.suppressions);
    expect([...new Set(results.map((r) => r.ruleId))].sort()).toEqual(Object.keys(expected).sort());
    for (const r of results) {
      const loc = r.locations[0]!.physicalLocation;
      expect(
        `${loc.artifactLocation.uri}:${loc.region.startLine} ${r.properties.configKey ?? ""}`,
        `${r.ruleId} on ${r.locations[0]!.logicalLocations?.[0]?.name}`,
      ).toBe(expected[r.ruleId]);
    }
    // Every regional resource is flagged, each on the same config line.
    expect(results.filter((r) => r.ruleId === "azure-resource-enforce-allowed-regions").length).toBeGreaterThanOrEqual(12);
  });

  it("gives every rule a security-severity from the policy's severity, and (locally) a relative link; helpUri only to a PSRule page", () => {
    const rules = doc.runs[0]!.tool.driver.rules;
    const severity = Object.fromEntries(rules.map((r) => [r.id, r.properties["security-severity"]]));
    expect(severity["web-webapp-disallow-plain-secrets"]).toBe("9.5"); // critical
    expect(severity["azure-resource-enforce-allowed-regions"]).toBe("8.0"); // high
    expect(severity["azure-resource-missing-required-tags"]).toBe("5.5"); // medium
    expect(severity["azure-resource-configure-naming-convention"]).toBe("2.0"); // low
    // The test runs outside CI (the plan child gets no GITHUB_* variables here): helpUri, an absolute URI, is the
    // PSRule rule's page for a policy that enforces one, and left out for the others.
    for (const r of rules) {
      const covers = psRulesOf(r.id);
      expect([r.id, r.helpUri]).toEqual([r.id, covers.length > 0 ? psRuleUrl(covers[0]!.name) : undefined]);
    }
    expect(rules.find((r) => r.id === "monitor-logalert-disallow-high-frequency")).toMatchObject({
      helpUri: "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Alert.HighFrequencyQuery/",
      properties: { tags: ["security", "infrastructure", "AZR-000492", "Azure.Alert.HighFrequencyQuery"] },
    });
    const help = rules.find((r) => r.id === "keyvault-vault-enable-purge-protection") as unknown as { help: { markdown: string } };
    expect(help.help.markdown).toContain("See [docs/policies.md](docs/policies.md#keyvault-vault-enable-purge-protection).");
  });

  it("fingerprints by policy and URN, not by message", () => {
    const fps = doc.runs[0]!.results.map((r) => r.partialFingerprints["policyUrn/v1"]!);
    expect(new Set(fps).size).toBe(fps.length);
    for (const r of doc.runs[0]!.results) expect(r.partialFingerprints["policyUrn/v1"]).not.toContain(r.message.text);
  });
});

describe("a result caused by code", () => {
  it("points at the line that declares the resource", async () => {
    // The line of this file that declares the resource, found by its text (a formatter may move it).
    const declaredAt =
      fs
        .readFileSync(__filename, "utf8")
        .split("\n")
        .findIndex((line) => line.includes("new storage.StorageAccount(" + '"weak-tls"')) + 1;
    const planned = await evaluateProgram(
      () => {
        new storage.StorageAccount("weak-tls", {
          resourceGroupName: "rg",
          accountName: "stweaktls",
          kind: "StorageV2",
          sku: { name: "Standard_LRS" },
          minimumTlsVersion: "TLS1_0",
          allowBlobPublicAccess: false,
        }); // declared here
      },
      { project: "acs-platform", stack: "dev" },
    );
    const report = await buildReport(planned);
    const sarif = toSarif(report) as unknown as typeof doc;
    const tls = sarif.runs[0]!.results.find((r) => r.ruleId === "storage-account-configure-min-tls-version")!;
    const loc = tls.locations[0]!.physicalLocation;
    expect([loc.artifactLocation.uri, loc.region.startLine]).toEqual(["tests/tools/plan/sarif.test.ts", declaredAt]);
  });
});
