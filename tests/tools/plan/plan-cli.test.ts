// End-to-end tests of `npm run plan` in fresh processes: dev and prod pass their own policy configs, the JSON
// output validates against the published schema, the SARIF output against the official SARIF 2.1.0 schema,
// secrets stay masked, and usage or policy-config errors exit 2 with a message naming the key.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { allPolicies } from "../../../policies/policies";
import { PLAN_RULES } from "../../../tools/plan/plan-rules";
import { plan, ROOT } from "./run-plan";

const out: Record<string, { code: number; stdout: string; stderr: string }> = {};
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-export-"));
const exportFile = path.join(outDir, "prod.json");
const sarifFile = path.join(outDir, "prod.sarif");
beforeAll(async () => {
  // Sequential: each run evaluates a whole program and the machine is shared.
  out.devJson = await plan(["--stack", "dev", "--format", "json"]);
  // One evaluation of prod: JSON on stdout, the SARIF through --also.
  out.prodJson = await plan(["--stack", "prod", "--format", "json", "--export", exportFile, "--also", `sarif=${sarifFile}`]);
  out.prodSarif = { ...out.prodJson, stdout: fs.readFileSync(sarifFile, "utf8") };
}, 120_000);

describe("dev and prod under their own policy configs", () => {
  it.each(["devJson", "prodJson"])("%s has zero mandatory violations and exits 0", (key) => {
    const doc = JSON.parse(out[key]!.stdout);
    // An excepted result keeps its level but never counts (policies/exceptions.ts).
    expect(doc.results.filter((r: { level: string; exception: unknown }) => r.level === "mandatory" && !r.exception)).toEqual([]);
    expect(out[key]!.code).toBe(0);
  });
});

describe("output schemas", () => {
  it("the JSON output validates against tools/plan/schema/plan-output.schema.json", () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "tools/plan/schema/plan-output.schema.json"), "utf8")));
    for (const key of ["devJson", "prodJson"]) {
      const ok = validate(JSON.parse(out[key]!.stdout));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });
  it("the schema rejects a result with an unknown level (it can fail)", () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "tools/plan/schema/plan-output.schema.json"), "utf8")));
    const doc = JSON.parse(out.prodJson!.stdout);
    doc.results.push({ policy: "x-y", level: "fatal", severity: null, urn: null, message: "m", description: "", kind: "violation" });
    expect(validate(doc)).toBe(false);
  });
  it("the SARIF output validates against the official SARIF 2.1.0 schema", () => {
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "tools/plan/schema/sarif-schema-2.1.0.json"), "utf8")));
    const doc = JSON.parse(out.prodSarif!.stdout);
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.runs[0].tool.driver.rules.length).toBe(allPolicies.length + PLAN_RULES.length);
  });
  it("the JSON output masks secrets: no connection string or access key appears", () => {
    const text = out.prodJson!.stdout;
    expect(text).not.toMatch(/accesskey=/i);
    expect(JSON.parse(text).outputs.appInsightsConnectionString).toBe("[secret]");
  });
});

describe("the plan process", () => {
  // tools/plan/lazy-sdk-deps.ts defers them; a test worker shares its module cache with other files, so this is
  // checked in the CLI's own process.
  it("never loads the SDK's closure-serialization dependencies (typescript, arborist)", async () => {
    const probe = path.join(ROOT, "tests/tools/plan/fixtures/report-heavy-modules.cjs");
    const { code, stderr } = await plan(["--stack", "dev", "--format", "text"], ["--require", probe]);
    expect({ code, line: stderr.split("\n").find((l) => l.startsWith("heavy modules loaded:")) }).toEqual({
      code: 0,
      line: "heavy modules loaded: []",
    });
  });
});

describe("--export", () => {
  it("writes a version-3 deployment: stack first, every plan resource, parents and providers resolvable", () => {
    const doc = JSON.parse(fs.readFileSync(exportFile, "utf8"));
    const resources = doc.deployment.resources as Array<{
      urn: string;
      type: string;
      parent?: string;
      provider?: string;
      custom: boolean;
      id?: string;
    }>;
    const urns = new Set(resources.map((r) => r.urn));
    const planUrns = JSON.parse(out.prodJson!.stdout).resources.map((r: { urn: string }) => r.urn);
    expect(doc.version).toBe(3);
    expect(resources[0]!.type).toBe("pulumi:pulumi:Stack");
    expect(planUrns.filter((u: string) => !urns.has(u))).toEqual([]);
    expect(resources.filter((r) => r.parent && !urns.has(r.parent))).toEqual([]);
    expect(
      resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && !urns.has(r.provider!.replace(/::[^:]+$/, ""))),
    ).toEqual([]);
    expect(JSON.stringify(doc)).not.toMatch(/accesskey=/i);
  });
});

describe("usage and config errors exit 2", () => {
  it("an unknown format", async () => {
    const r = await plan(["--stack", "dev", "--format", "xml"]);
    expect([r.code, r.stderr.trim()]).toEqual([2, 'error: --format must be one of text, json, sarif, markdown, mermaid; got "xml"']);
  });
  it("a policy config knob outside its schema names the policy and the key", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "bad.json");
    fs.writeFileSync(file, JSON.stringify({ all: "mandatory", "keyvault-vault-enable-soft-delete": { minRetentionDays: 3 } }));
    const r = await plan(["--stack", "dev", "--policy-config", file]);
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      `error: ${file}: policy config is invalid: keyvault-vault-enable-soft-delete: minRetentionDays: must be >= 7`,
    ]);
  });
});
