// `npm run plan -- --cost` as a user runs it (the bundled entry, a fresh process): dev's JSON carries the cost
// section the schema describes, and a mandatory ceiling below prod's estimate exits 1 naming the policy.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { plan, ROOT } from "./run-plan";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-cost-"));

describe("npm run plan -- --cost", () => {
  it("dev --format json: the cost section validates against the plan schema; B1 is $12.41", async () => {
    const r = await plan(["--stack", "dev", "--cost", "--format", "json"]);
    expect([r.code, r.stderr.includes("error:")]).toEqual([0, false]);
    const json = JSON.parse(r.stdout) as { cost: { fixed: Array<{ meter: string; monthly: number }>; unpriced: unknown[]; total: number } };
    const validate = new Ajv({ allErrors: true, strict: true }).compile(
      JSON.parse(fs.readFileSync(path.join(ROOT, "tools/plan/schema/plan-output.schema.json"), "utf8")) as object,
    );
    expect([validate(json), validate.errors ?? []]).toEqual([true, []]);
    expect(json.cost.fixed.find((l) => l.meter === "appservice-linux-B1")!.monthly).toBe(12.41);
    expect(json.cost.unpriced).toEqual([]);
  });
  it("prod with a mandatory ceiling of $500 exits 1 and names the policy and the top contributor", async () => {
    const yaml = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    const file = path.join(tmp, "Pulumi.prod-ceiling.yaml");
    fs.writeFileSync(
      file,
      yaml.replace("      amount: budget\n      enforcement: advisory\n", "      amount: 500\n      enforcement: mandatory\n"),
    );
    const r = await plan(["--stack", "prod", "--cost", "--config-file", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("  [mandatory] cost-stack-enforce-ceiling (high): 1 result");
    expect(r.stdout).toContain('exceeds the ceiling of $500.00 (cost.ceiling.amount "500")');
    expect(r.stdout).toContain("Largest contributors: log-acsplat-prod-weu GB ingested (10 GB/day at the daily cap) $909.47;");
  });
  it("ACS_PLAN_NOW, the clock of the price-age warning, must be a date: exit 2 naming it", async () => {
    process.env["ACS_PLAN_NOW"] = "next tuesday";
    try {
      const r = await plan(["--stack", "dev", "--cost"]);
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toContain('ACS_PLAN_NOW must be an ISO date like 2026-12-07; got "next tuesday"');
    } finally {
      delete process.env["ACS_PLAN_NOW"];
    }
  });
});
