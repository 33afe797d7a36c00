// `--compare`: what a change to dev's config does against main's plan and against a `pulumi stack export`, as
// the README's CI section shows it: B1→B2 is one update of the plan's sku, a dataLocation change replaces ACS, the
// Email service and its domains, removing an event subscription deletes exactly its subscription, queue and role
// assignment, and an unchanged config is all `same` and "no changes".
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Ajv from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { loadBaseline, type Baseline } from "../../../tools/plan/diff/baseline";
import type { ResourceChange } from "../../../tools/plan/diff/compare";
import { toJson } from "../../../tools/plan/formats/json";
import { renderMarkdown } from "../../../tools/plan/formats/markdown";
import { renderText } from "../../../tools/plan/formats/text";
import type { PlanReport } from "../../../tools/plan/formats/report";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../../tools/plan/harness";
import { sharedPlan } from "../../support/shared-plan";
import { buildReport } from "../../../tools/plan/report-builder";
import type { PlanResult } from "../../../tools/plan/types";
import { stackExportOf } from "./stack-export";

const tmp = mkdtempSync(path.join(tmpdir(), "plan-compare-"));
const devYaml = readFileSync(path.join(DEFAULT_PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");

/** Dev's config with one edit, evaluated; the edit must apply (the test fails if the text is not found). */
async function devWith(name: string, edit: (yaml: string) => string): Promise<PlanResult> {
  const changed = edit(devYaml);
  expect(changed).not.toBe(devYaml);
  const file = path.join(tmp, `Pulumi.${name}.yaml`);
  writeFileSync(file, changed);
  return evaluateStack({ stack: "dev", configFile: file });
}

const report = (plan: PlanResult, baseline: Baseline) => buildReport(plan, { baseline });
const changed = (r: PlanReport) => r.changes.changes.filter((c) => c.op !== "same");
const brief = (c: ResourceChange) => `${c.op} ${c.type} ${c.name}`;

let main: PlanResult;
/** Baselines by kind: of dev as it is, and of dev with a fourth event subscription (for the removal). */
const baselines: Record<string, { dev: Baseline; extra: Baseline }> = {};
const plans: Record<string, PlanResult> = {};

async function writeBaselines(name: string, plan: PlanResult): Promise<{ plan: Baseline; export: Baseline }> {
  const planFile = path.join(tmp, `${name}.plan.json`);
  writeFileSync(planFile, JSON.stringify(toJson(await buildReport(plan))));
  const exportFile = path.join(tmp, `${name}.export.json`);
  writeFileSync(exportFile, JSON.stringify(stackExportOf(plan)));
  return { plan: loadBaseline(planFile), export: loadBaseline(exportFile) };
}

beforeAll(async () => {
  // Sequential: Pulumi's runtime state is global, and the machine is shared.
  main = await sharedPlan("dev");
  const extra = await devWith("extra", (y) =>
    y.replace(
      "      - name: chat-messages\n",
      "      - name: sms-received\n        eventTypes:\n          - Microsoft.Communication.SMSReceived\n      - name: chat-messages\n",
    ),
  );
  const dev = await writeBaselines("dev", main);
  const withExtra = await writeBaselines("extra", extra);
  baselines.plan = { dev: dev.plan, extra: withExtra.plan };
  baselines["stack-export"] = { dev: dev.export, extra: withExtra.export };
  plans.b2 = await devWith("b2", (y) => y.replace("skuName: B1", "skuName: B2"));
  plans.germany = await devWith("germany", (y) => y.replace("acs-platform:dataLocation: Europe", "acs-platform:dataLocation: Germany"));
  plans.same = await evaluateStack({ stack: "dev" });
  plans.retention = await devWith("retention", (y) => y.replace("softDeleteRetentionInDays: 7", "softDeleteRetentionInDays: 30"));
}, 120_000);

describe.each(["plan", "stack-export"])("against a baseline of kind %s", (kind) => {
  const baseline = () => baselines[kind]!.dev;
  it("recognises the baseline's kind", () => {
    expect([baseline().kind, baselines[kind]!.extra.kind]).toEqual([kind, kind]);
  });

  it("B1 → B2 is exactly one update: the app service plan's sku.name", async () => {
    const r = await report(plans.b2!, baseline());
    expect(changed(r).map(brief)).toEqual(["update azure-native:web:AppServicePlan acsplat-token-api-plan"]);
    expect(changed(r)[0]!.diffs).toEqual([{ path: "sku.name", before: "B1", after: "B2" }]);
    expect(r.changes.counts).toEqual({
      create: 0,
      import: 0,
      update: 1,
      replace: 0,
      delete: 0,
      same: main.resources.filter((x) => x.custom).length - 1,
    });
  });

  it("a dataLocation change replaces ACS, the Email service and its domain, each naming dataLocation", async () => {
    const r = await report(plans.germany!, baseline());
    const replaced = r.changes.changes.filter((c) => c.op === "replace");
    const byType = (t: string) => replaced.filter((c) => c.type === `azure-native:communication:${t}`);
    for (const t of ["CommunicationService", "EmailService", "Domain"]) {
      expect(byType(t).length, t).toBe(1);
      expect(byType(t)[0]!.replaceReasons.join(" "), t).toContain("dataLocation");
    }
    expect(byType("CommunicationService")[0]!.diffs).toContainEqual({ path: "dataLocation", before: "Europe", after: "Germany" });
    // Called out first: stateful resources replaced.
    expect(r.changes.critical.map((c) => c.type).sort()).toEqual([
      "azure-native:communication:CommunicationService",
      "azure-native:communication:Domain",
      "azure-native:communication:EmailService",
    ]);
    const text = renderText(r).split("\n");
    expect(text[2]).toBe("WARNING: 3 stateful or protected resource(s) would be replaced or deleted:");
    const md = renderMarkdown(r);
    expect(md.indexOf("[!CAUTION]")).toBeLessThan(md.indexOf("#### Changes"));
    expect(md).toContain("| **replace** | `acsplat-communication-acs` | communication:CommunicationService | dataLocation is create-only");
  });

  it("--fail-on-replace fails the plan on those replacements", async () => {
    const r = await buildReport(plans.germany!, { baseline: baseline(), failOnReplace: true });
    expect(r.exitCode).toBe(1);
    expect((await buildReport(plans.b2!, { baseline: baseline(), failOnReplace: true })).exitCode).toBe(0);
  });

  it("removing an event subscription deletes its subscription, queue and role assignment, nothing else", async () => {
    const r = await report(main, baselines[kind]!.extra);
    expect(changed(r).map(brief).sort()).toEqual([
      "delete azure-native:authorization:RoleAssignment acsplat-events-ra-queue-sms-received",
      "delete azure-native:eventgrid:SystemTopicEventSubscription acsplat-events-sub-sms-received",
      "delete azure-native:storage:Queue acsplat-events-queue-sms-received",
    ]);
  });

  it("an unchanged config is all same and says no changes", async () => {
    const r = await report(plans.same!, baseline());
    expect(changed(r)).toEqual([]);
    expect(renderText(r).split("\n")[1]).toBe("No changes: the program declares exactly what the baseline holds.");
    expect(renderMarkdown(r)).toContain("**No changes.**");
  });
});

describe.each(["plan", "stack-export"])("a change that ignoreChanges drops, against a baseline of kind %s", (kind) => {
  const VAULT = "acsplat-secrets-vault";
  const ignored = [{ path: "properties.softDeleteRetentionInDays", before: 7, after: 30 }];

  it("softDeleteRetentionInDays 7 → 30 is no update, but is listed under the vault as ignored", async () => {
    const r = await report(plans.retention!, baselines[kind]!.dev);
    expect(changed(r)).toEqual([]);
    const vault = r.changes.changes.find((c) => c.name === VAULT)!;
    expect([vault.op, vault.diffs, vault.ignored]).toEqual(["same", [], ignored]);
    expect(r.changes.changes.filter((c) => c.ignored.length > 0).map((c) => c.name)).toEqual([VAULT]);
  });

  it("text, markdown and JSON show it", async () => {
    const r = await report(plans.retention!, baselines[kind]!.dev);
    const text = renderText(r);
    expect(text).toContain(
      "1 changed input ignored by ignoreChanges: pulumi up does not send it, so that config change has no effect on Azure",
    );
    expect(text).toMatch(
      new RegExp(
        `azure-native:keyvault:Vault  ${VAULT}  \\[ignoreChanges: properties\\.softDeleteRetentionInDays\\]\n.*ignored \\(ignoreChanges\\): properties\\.softDeleteRetentionInDays 7 → 30\n`,
      ),
    );
    expect(text).not.toContain("the program declares exactly what the baseline holds");
    const md = renderMarkdown(r);
    expect(md).toContain("#### Ignored changes");
    expect(md).toContain(
      `| \`${VAULT}\` | keyvault:Vault | ignored (ignoreChanges): \`properties.softDeleteRetentionInDays\` \`7\` → \`30\` |`,
    );
    const json = toJson(r) as { resources: Array<{ name: string; ignored: unknown[] }> };
    expect(json.resources.find((x) => x.name === VAULT)!.ignored).toEqual(ignored);
    expect(json.resources.filter((x) => x.ignored.length > 0).map((x) => x.name)).toEqual([VAULT]);
    const validate = new Ajv({ allErrors: true, strict: true }).compile(
      JSON.parse(readFileSync(path.join(DEFAULT_PROJECT_ROOT, "tools/plan/schema/plan-output.schema.json"), "utf8")),
    );
    expect([validate(json), validate.errors ?? []]).toEqual([true, []]);
    // The schema knows the field: an ignored entry without its path is refused.
    json.resources.find((x) => x.name === VAULT)!.ignored = [{ before: 7, after: 30 }];
    expect(validate(json)).toBe(false);
  });

  it("an unchanged config lists nothing as ignored", async () => {
    const r = await report(plans.same!, baselines[kind]!.dev);
    expect(r.changes.changes.filter((c) => c.ignored.length > 0)).toEqual([]);
    expect(renderText(r)).not.toContain("ignored (ignoreChanges)");
    expect(renderMarkdown(r)).not.toContain("Ignored changes");
  });
});

describe("without a baseline", () => {
  it("every resource is a create and the JSON says op create with no diffs", async () => {
    const doc = toJson(await buildReport(main)) as { resources: Array<{ op: string; diffs: unknown[] }>; baseline: unknown };
    expect(doc.baseline).toBeNull();
    expect(new Set(doc.resources.map((r) => r.op))).toEqual(new Set(["create"]));
    expect(doc.resources.every((r) => r.diffs.length === 0)).toBe(true);
  });
});

describe("secrets in diffs", () => {
  it("a changed secret shows masked on both sides", async () => {
    const { diffInputs } = await import("../../../tools/plan/diff/compare");
    // diffInputs is raw; the comparison masks: simulate through a baseline with a changed secret path.
    const secret = main.resources.find((r) => r.secretPaths.length > 0 && !(r.options.ignoreChanges ?? []).length)!;
    expect(secret).toBeDefined();
    const base: Baseline = {
      kind: "plan",
      file: "x.json",
      resources: main.resources.map((r) =>
        r.urn === secret.urn ? { ...r, inputs: JSON.parse(JSON.stringify(r.inputs).replace('"[secret]"', '"plain-old-value"')) } : r,
      ),
    };
    const c = (await report(main, base)).changes.changes.find((x) => x.urn === secret.urn)!;
    expect(c.op).toBe("update");
    expect(c.diffs).toEqual([{ path: secret.secretPaths[0], before: "[secret]", after: "[secret]" }]);
    expect(diffInputs({ a: 1 }, { a: 2 })).toEqual([{ path: "a", before: 1, after: 2 }]);
  });
});
