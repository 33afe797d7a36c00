// One real `npm run plan` for the PSRule mapping: a copy of prod's stack config that makes the token-failure log alert
// run every minute breaks Azure.Alert.HighFrequencyQuery; the plan exits 1 and names the policy with the PSRule id, in
// text and in the SARIF it writes beside (the rule's tags and helpUri).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plan, ROOT } from "./run-plan";

let dir: string;
let run: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "psrule-cli-"));
  const doc = parseDocument(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
  doc.setIn(["config", "acs-platform:alerts", "rules"], { tokenIssuanceFailuresLog: { evaluationFrequency: "PT1M" } });
  fs.writeFileSync(path.join(dir, "Pulumi.prod-pt1m.yaml"), String(doc));
  run = await plan([
    "--stack",
    "prod",
    "--config-file",
    path.join(dir, "Pulumi.prod-pt1m.yaml"),
    "--also",
    `sarif=${path.join(dir, "plan.sarif")}`,
  ]);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("prod with a log alert evaluated every minute", () => {
  it("exits 1 naming the policy and Azure.Alert.HighFrequencyQuery AZR-000492", () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "  [mandatory] monitor-logalert-disallow-high-frequency (low) [PSRule Azure.Alert.HighFrequencyQuery AZR-000492]: 1 result\n" +
        "      azure-native:monitor:ScheduledQueryRule  acsplat-alerts-tokenIssuanceFailuresLog: Log search alert " +
        "'acsplat-alerts-tokenIssuanceFailuresLog' is evaluated every minute (evaluationFrequency PT1M); use PT5M or longer.",
    );
    expect(run.stdout).toMatch(
      /FAIL: acs-platform\/prod: \d+ resources, \d+ components; 1 mandatory, 3 advisory and 3 excepted policy results/,
    );
  });
});

describe("the SARIF of the same run", () => {
  it("tags the policy's rule with the PSRule id and name, links the rule's page, and reports the alert under it", () => {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, "plan.sarif"), "utf8")) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; helpUri?: string; properties: { tags: string[] } }> } };
        results: Array<{ ruleId: string; ruleIndex: number; level: string }>;
      }>;
    };
    const run0 = doc.runs[0]!;
    const result = run0.results.find((r) => r.ruleId === "monitor-logalert-disallow-high-frequency")!;
    expect(result.level).toBe("error");
    const rule = run0.tool.driver.rules[result.ruleIndex]!;
    expect([rule.id, rule.helpUri, rule.properties.tags]).toEqual([
      "monitor-logalert-disallow-high-frequency",
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Alert.HighFrequencyQuery/",
      ["security", "infrastructure", "AZR-000492", "Azure.Alert.HighFrequencyQuery"],
    ]);
  });
});
