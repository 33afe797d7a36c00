// How a change-aware plan reads, as `pulumi preview --diff` and `terraform plan` do at their best: unchanged
// resources and outputs summarised (listed with --show-sames), creates with their inputs, keyed lists (app settings,
// subnets) diffed by name, changed outputs marked, each replace reason's source cited once, the PR comment always
// under GitHub's limit, policy links and SARIF helpUri per policy (https in CI, relative locally, never file://),
// and a baseline of another stack refused.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadBaseline, type Baseline } from "../../../tools/plan/diff/baseline";
import { diffInputs } from "../../../tools/plan/diff/compare";
import { toJson } from "../../../tools/plan/formats/json";
import { COMMENT_LIMIT, renderMarkdown } from "../../../tools/plan/formats/markdown";
import { toSarif } from "../../../tools/plan/formats/sarif";
import { psRulesOf } from "../../../policies/psrule";
import { renderText } from "../../../tools/plan/formats/text";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../../tools/plan/harness";
import { buildReport } from "../../../tools/plan/report-builder";
import type { PlanResult } from "../../../tools/plan/types";
import { plan as runPlan, withoutCiRepository } from "./run-plan";
import { stackExportOf } from "./stack-export";

const tmp = mkdtempSync(path.join(tmpdir(), "plan-presentation-"));

async function stackWith(stack: string, name: string, edit: (yaml: string) => string): Promise<PlanResult> {
  const yaml = readFileSync(path.join(DEFAULT_PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8");
  const changed = edit(yaml);
  expect(changed).not.toBe(yaml);
  const file = path.join(tmp, `Pulumi.${name}.yaml`);
  writeFileSync(file, changed);
  return evaluateStack({ stack, configFile: file });
}

async function baselineOf(name: string, plan: PlanResult): Promise<{ baseline: Baseline; file: string }> {
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(toJson(await buildReport(plan))));
  return { baseline: loadBaseline(file, `${name}.json`), file };
}

const plans: Record<string, PlanResult> = {};
let dev: Baseline;
let prod: Baseline;
let prodFile = "";

beforeAll(async () => {
  // Sequential: Pulumi's runtime state is global, and the machine is shared.
  dev = (await baselineOf("dev", await evaluateStack({ stack: "dev" }))).baseline;
  const p = await baselineOf("prod", await evaluateStack({ stack: "prod" }));
  prod = p.baseline;
  prodFile = p.file;
  plans.b2 = await stackWith("dev", "b2", (y) => y.replace("skuName: B1", "skuName: B2"));
  plans.network = await stackWith("dev", "network", (y) =>
    y.replace("  acs-platform:network:\n    enabled: false", "  acs-platform:network:\n    enabled: true"),
  );
  plans.germany = await stackWith("dev", "germany", (y) =>
    y.replace("acs-platform:dataLocation: Europe", "acs-platform:dataLocation: Germany"),
  );
  plans.prodRegion = await stackWith("prod", "prod-region", (y) => y.replaceAll("location: westeurope", "location: northeurope"));
}, 240_000);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("a one-line change reads at a glance", () => {
  it("dev B1 → B2 against dev's plan: the summary and the one change, in under 15 lines", async () => {
    const report = await buildReport(plans.b2!, { baseline: dev });
    const text = renderText(report);
    const lines = text.split("\n");
    // Dev's reviewed exceptions (policies/exceptions.ts) are listed with their why: two lines each.
    expect(lines.length).toBeLessThan(15 + 2 * report.policy.excepted.length);
    expect(lines.slice(0, 7)).toEqual([
      "Plan for acs-platform/dev against plan dev.json: 0 to create, 1 to update, 0 to replace, 0 to delete, 66 unchanged",
      "",
      "   pulumi:pulumi:Stack  acs-platform-dev",
      "└─    acs:web:TokenApiHost  acsplat-token-api",
      "   └─ ~  azure-native:web:AppServicePlan  acsplat-token-api-plan update",
      '           ~ sku.name: "B1" => "B2"',
      "(66 unchanged resources and 26 unchanged outputs not shown; --show-sames lists them)",
    ]);
    expect(text).not.toContain("timings");
  });

  it("--show-sames lists the unchanged resources and outputs", async () => {
    const text = renderText(await buildReport(plans.b2!, { baseline: dev, showSames: true }));
    expect(text).toContain("azure-native:keyvault:Vault  acsplat-secrets-vault  [ignoreChanges: properties.softDeleteRetentionInDays]");
    expect(text).toContain('  mappingTableName: "acsidentities"');
    expect(text).not.toContain("not shown");
    expect(text.split("\n").length).toBeGreaterThan(90);
  });

  it("--timings adds the timings line and the JSON timings, which are otherwise absent", async () => {
    const r = await buildReport(plans.b2!, { baseline: dev, timings: true });
    expect(renderText(r)).toMatch(/\ntimings: program \d+ ms, policies \d+ ms, compare \d+ ms\n/);
    expect(Object.keys(toJson(r))).toContain("timings");
    expect(Object.keys(toJson(await buildReport(plans.b2!, { baseline: dev })))).not.toContain("timings");
  });
});

describe("creates show their inputs", () => {
  it("network on: the new address space and subnet prefixes, in text and folded in markdown", async () => {
    const r = await buildReport(plans.network!, { baseline: dev });
    const text = renderText(r);
    expect(text).toContain('+ addressSpace.addressPrefixes: ["10.20.0.0/24"]');
    expect(text).toContain('+ addressPrefix: "10.20.0.0/26"');
    expect(text).toContain('+ addressPrefix: "10.20.0.64/27"');
    const md = renderMarkdown(r);
    expect(md).toMatch(
      /\| \+ \| create \| `[^`]+` \| network:VirtualNetwork \| new <details><summary>\d+ inputs<\/summary>[^|]*`addressSpace\.addressPrefixes`: `\["10\.20\.0\.0\/24"\]`/,
    );
    expect(md).toContain('`addressPrefix`: `"10.20.0.0/26"`');
  });
});

describe("keyed lists, outputs and sources", () => {
  it("an app setting is compared and named by its name, and one inserted setting is one change", () => {
    const before = {
      siteConfig: {
        appSettings: [
          { name: "A", value: "1" },
          { name: "B", value: "2" },
        ],
      },
    };
    const after = {
      siteConfig: {
        appSettings: [
          { name: "A", value: "1" },
          { name: "NEW", value: "x" },
          { name: "B", value: "3" },
        ],
      },
    };
    expect(diffInputs(before, after)).toEqual([
      { path: "siteConfig.appSettings[B].value", before: "2", after: "3" },
      { path: "siteConfig.appSettings[NEW]", after: { name: "NEW", value: "x" } },
    ]);
  });

  it("dataLocation: the ACS_ENDPOINT app setting is named, the changed outputs marked, each source cited once", async () => {
    const r = await buildReport(plans.germany!, { baseline: dev });
    const text = renderText(r);
    expect(text).toContain(
      '~ siteConfig.appSettings[ACS_ENDPOINT].value: "https://acs-acsplat-dev-weu-8tufq.europe.communication.azure.com/" => "https://acs-acsplat-dev-weu-8tufq.germany.communication.azure.com/"',
    );
    expect(text).not.toMatch(/appSettings\[\d+\]/);
    expect(text).toContain(
      '~ acsEndpoint: "https://acs-acsplat-dev-weu-8tufq.europe.communication.azure.com/" => "https://acs-acsplat-dev-weu-8tufq.germany.communication.azure.com/"',
    );
    for (const url of [...new Set(text.match(/https:\/\/github\.com\/[^\s)]+/g))]) expect(text.split(url).length - 1).toBe(1);
    expect(text).toContain(
      "REPLACE azure-native:communication:CommunicationService acsplat-communication-acs: dataLocation is create-only [2]",
    );
    const md = renderMarkdown(r);
    expect(md).toContain("#### Outputs that change");
    expect(md).toContain("| ~ | `acsEndpoint` |");
    const specs = md.match(/https:\/\/github\.com\/Azure\/azure-rest-api-specs\/[^\s)]+/g) ?? [];
    expect(specs.length).toBe(new Set(specs).size);
    expect(md).toContain("dataLocation is create-only ([source 2][src-2])");
    expect((toJson(r) as { outputChanges: Array<{ name: string; op: string }> }).outputChanges.map((o) => `${o.op} ${o.name}`)).toEqual([
      "update acsEndpoint",
      "update acsHostName",
    ]);
  });
});

describe("outputs against a stack export", () => {
  it("are compared with the root stack's outputs; mock values (Azure's there) are not a change", async () => {
    const file = path.join(tmp, "dev-export.json");
    writeFileSync(file, JSON.stringify(stackExportOf(await evaluateStack({ stack: "dev" }))));
    const exported = loadBaseline(file, "dev-export.json");
    expect([exported.stack, exported.project, Object.keys(exported.outputs ?? {}).length]).toEqual(["dev", "acs-platform", 26]);
    const same = await buildReport(plans.b2!, { baseline: exported });
    expect(same.changes.outputs.filter((o) => o.op !== "same")).toEqual([]);
    const germany = await buildReport(plans.germany!, { baseline: exported });
    // acsEndpoint and acsHostName hold mock host names: against Azure's values they are not compared.
    expect(germany.changes.outputs.filter((o) => o.op !== "same")).toEqual([]);
    const noOutputs = { ...exported, outputs: {} };
    expect((await buildReport(plans.b2!, { baseline: noOutputs })).changes.outputs.every((o) => o.op === "same")).toBe(true);
  });
});

describe("the PR comment stays under GitHub's limit", () => {
  it("a prod region change's markdown is under 65,536 characters", async () => {
    const r = await buildReport(plans.prodRegion!, { baseline: prod });
    expect(r.changes.counts.replace).toBeGreaterThan(50);
    const md = renderMarkdown(r);
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain("[!CAUTION]");
  });

  it("over a limit it cuts the inventory first, then more, says what it cut and where the full plan is", async () => {
    vi.stubEnv("GITHUB_SERVER_URL", "https://github.com");
    vi.stubEnv("GITHUB_REPOSITORY", "contoso/acs-platform");
    vi.stubEnv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    vi.stubEnv("GITHUB_RUN_ID", "42");
    const r = await buildReport(plans.prodRegion!, { baseline: prod });
    const full = renderMarkdown(r, Number.MAX_SAFE_INTEGER);
    expect(full).toContain("<details><summary>Inventory");
    const cut = renderMarkdown(r, full.length - 1);
    expect(cut.length).toBeLessThanOrEqual(full.length - 1);
    expect(cut).not.toContain("<details><summary>Inventory");
    expect(cut).toContain(
      "> Shortened to fit GitHub's comment limit (left out: the resource inventory). The full plan is the `plan-pr-prod` artifact of [this run](https://github.com/contoso/acs-platform/actions/runs/42) (text, JSON, SARIF).",
    );
    const tiny = renderMarkdown(r, 6000);
    expect(tiny.length).toBeLessThanOrEqual(6000);
    expect(tiny.startsWith("<!-- acs-platform-plan:prod -->\n### ")).toBe(true);
    expect(tiny).toContain("https://github.com/contoso/acs-platform/actions/runs/42");
  });
});

describe("links", () => {
  it("in CI, policy links and helpUri are https links to the policy's anchor at the built commit", async () => {
    vi.stubEnv("GITHUB_SERVER_URL", "https://github.com");
    vi.stubEnv("GITHUB_REPOSITORY", "contoso/acs-platform");
    vi.stubEnv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    const r = await buildReport(plans.b2!, { baseline: dev });
    const base = "https://github.com/contoso/acs-platform/blob/0123456789abcdef0123456789abcdef01234567/docs/policies.md";
    expect(renderMarkdown(r)).toContain(`[\`keyvault-vault-enable-purge-protection\`](${base}#keyvault-vault-enable-purge-protection)`);
    const sarif = toSarif(r) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri: string }> } } }> };
    const rules = sarif.runs[0]!.tool.driver.rules;
    // A policy that enforces a PSRule rule links the rule's page instead (its own row is linked in help.markdown).
    expect(rules.filter((x) => psRulesOf(x.id).length === 0).every((x) => x.helpUri === `${base}#${x.id}`)).toBe(true);
  });

  it("locally they are repository-relative; no output contains file://", async () => {
    for (const v of ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"]) vi.stubEnv(v, "");
    const r = await buildReport(plans.b2!, { baseline: dev });
    const md = renderMarkdown(r);
    expect(md).toContain("[`keyvault-vault-enable-purge-protection`](docs/policies.md#keyvault-vault-enable-purge-protection)");
    for (const out of [md, renderText(r), JSON.stringify(toJson(r)), JSON.stringify(toSarif(r))]) expect(out).not.toContain("file://");
  });

  it("every policy has its anchor in docs/policies.md", () => {
    const doc = readFileSync(path.join(DEFAULT_PROJECT_ROOT, "docs/policies.md"), "utf8");
    const names = [...doc.matchAll(/^\| `([a-z0-9-]+)` \| /gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => !doc.includes(`<a id="${n}"></a>`))).toEqual([]);
  });

  it("SARIF rules carry the PSRule ids policies/psrule.ts maps to them, in tags, with the rule's page as helpUri", async () => {
    const r = await buildReport(plans.b2!, { baseline: dev });
    const sarif = toSarif(r) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri?: string; properties: Record<string, unknown> }> } } }>;
    };
    const rule = (id: string) => sarif.runs[0]!.tool.driver.rules.find((x) => x.id === id)!;
    const purge = rule("keyvault-vault-enable-purge-protection");
    expect([purge.properties["psRule"], purge.properties["psRuleRefs"], purge.helpUri]).toEqual([
      ["Azure.KeyVault.PurgeProtect"],
      ["AZR-000125"],
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.KeyVault.PurgeProtect/",
    ]);
    expect(purge.properties["tags"]).toEqual(["security", "infrastructure", "AZR-000125", "Azure.KeyVault.PurgeProtect"]);
    const tags = rule("azure-resource-missing-required-tags").properties["tags"];
    expect(tags).toEqual([
      "security",
      "infrastructure",
      "AZR-000478",
      "Azure.Group.RequiredTags",
      "AZR-000477",
      "Azure.Resource.RequiredTags",
      "AZR-000166",
      "Azure.Resource.UseTags",
    ]);
    // A policy PSRule has no counterpart of carries no PSRule tag and (outside CI) no helpUri.
    const retention = rule("loganalytics-workspace-configure-retention");
    expect([retention.properties["tags"], retention.properties["psRule"], retention.helpUri]).toEqual([
      ["security", "infrastructure"],
      undefined,
      undefined,
    ]);
    expect(psRulesOf("loganalytics-workspace-configure-retention")).toEqual([]);
  });
});

describe("a change under services/token-api/", () => {
  it("a rebuilt package shows the package blob replaced and the web app's WEBSITE_RUN_FROM_PACKAGE updated", async () => {
    // Two builds of the API (a stand-in file each, as `npm run build` writes one), planned as main and as the PR.
    const withPackage = async (name: string, bytes: string) => {
      const zip = path.join(tmp, `${name}.zip`);
      writeFileSync(zip, bytes);
      return stackWith("dev", name, (y) => y.replace("  acs-platform:tokenApi:\n", `  acs-platform:tokenApi:\n    packagePath: ${zip}\n`));
    };
    const main = (await baselineOf("package-main", await withPackage("package-main", "build of main"))).baseline;
    const r = await buildReport(await withPackage("package-pr", "build of the PR"), { baseline: main });
    const changed = r.changes.changes.filter((c) => c.custom && c.op !== "same");
    expect(changed.map((c) => `${c.op} ${c.type} ${c.name}`)).toEqual([
      "replace azure-native:storage:Blob acsplat-token-api-package",
      "update azure-native:web:WebApp acsplat-token-api-app",
    ]);
    expect(changed[0]!.replaceReasons[0]).toMatch(/^blobName is part of the resource's ARM id/);
    expect(changed[1]!.diffs.map((d) => d.path)).toEqual(["siteConfig.appSettings[WEBSITE_RUN_FROM_PACKAGE].value"]);
  });
});

describe("two checkouts of one commit", () => {
  /** The repository's tracked files copied to `dir` (node_modules linked), with the same built package. */
  function checkout(dir: string): void {
    for (const f of execFileSync("git", ["ls-files", "-z"], { cwd: DEFAULT_PROJECT_ROOT, encoding: "utf8" }).split("\0").filter(Boolean)) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      cpSync(path.join(DEFAULT_PROJECT_ROOT, f), path.join(dir, f));
    }
    symlinkSync(path.join(DEFAULT_PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
    mkdirSync(path.join(dir, "services/token-api/dist"), { recursive: true });
    writeFileSync(path.join(dir, "services/token-api/dist/token-api.zip"), "one build");
  }
  const run = (cwd: string) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ["tools/plan/launch.js", "--stack", "dev", "--format", "text", "--also", "json=plan.json"],
        { cwd, env: withoutCiRepository() },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );

  it("plan byte-identical text and JSON, with the built package's path repository-relative", async () => {
    const [a, b] = [path.join(tmp, "checkout-a"), path.join(tmp, "elsewhere", "checkout-b")];
    checkout(a);
    checkout(b);
    const textA = await run(a);
    const textB = await run(b);
    expect(textA).toBe(textB);
    expect(readFileSync(path.join(a, "plan.json"), "utf8")).toBe(readFileSync(path.join(b, "plan.json"), "utf8"));
    const json = JSON.parse(readFileSync(path.join(a, "plan.json"), "utf8")) as {
      resources: Array<{ type: string; inputs: Record<string, unknown> }>;
    };
    const blob = json.resources.filter((r) => r.type === "azure-native:storage:Blob");
    expect(blob.map((r) => (r.inputs["source"] as { path?: string }).path)).toEqual(["services/token-api/dist/token-api.zip"]);
    expect(JSON.stringify(json)).not.toContain(tmp);
  }, 180_000);
});

describe("a config error in SARIF", () => {
  it("sits on the offending key's line of the stack file", async () => {
    const yaml = readFileSync(path.join(DEFAULT_PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
    const file = path.join(tmp, "Pulumi.thirty.yaml");
    writeFileSync(file, yaml.replace("retentionInDays: 30", "retentionInDays: thirty"));
    const line = yaml.split("\n").findIndex((l) => l.includes("retentionInDays: 30")) + 1;
    expect(line).toBeGreaterThan(1);
    const out = path.join(tmp, "thirty.sarif");
    const r = await runPlan(["--stack", "dev", "--config-file", file, "--format", "sarif", "--output", out]);
    expect(r.code).toBe(2);
    const sarif = JSON.parse(readFileSync(out, "utf8")) as {
      runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }>;
    };
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine).toBe(line);
  }, 60_000);
});

describe("--compare with another stack's baseline", () => {
  it("dev against prod's plan exits 2 naming both; --allow-other-stack compares anyway", async () => {
    const refused = await runPlan(["--stack", "dev", "--compare", prodFile]);
    expect([refused.code, refused.stdout]).toEqual([2, ""]);
    expect(refused.stderr).toBe(
      `error: --compare ${prodFile}: the baseline is a plan of acs-platform/prod, not of acs-platform/dev; every resource would show as a delete and a create. Compare with acs-platform/dev's own plan, or pass --allow-other-stack\n`,
    );
    const allowed = await runPlan(["--stack", "dev", "--compare", prodFile, "--allow-other-stack"]);
    // Compared anyway: dev deletes prod's locked resources, so the lock rule fails the plan (exit 1), naming itself.
    expect(allowed.code).toBe(1);
    expect(allowed.stdout).toContain("plan-authorization-disallow-delete-under-lock");
    expect(allowed.stdout.split("\n")[0]).toMatch(
      /^Plan for acs-platform\/dev against plan .*prod\.json: 67 to create, 0 to update, 0 to replace, \d+ to delete, 0 unchanged$/,
    );
  }, 120_000);
});
