// The CI workflows in .github/workflows, which nothing here can run: each validates against SchemaStore's GitHub
// workflow schema (through @action-validator/core), and their structure holds what the README's CI section says:
// the offline plan per stack compared with main's artifact of the same name, the sticky comment keyed by the
// markdown format's marker, the SARIF upload, the failing step, the credential-gated preview and the ordered,
// environment-protected `pulumi up`.
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stickyMarker } from "../../tools/plan/formats/markdown";

const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, ".github", "workflows");
const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  id?: string;
}
interface Job {
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { stack: string[] } };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}
const wf = (name: string) => parse(fs.readFileSync(path.join(DIR, name), "utf8")) as Workflow;
const stacks = fs
  .readdirSync(ROOT)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();
const step = (job: Job, pred: (s: Step) => boolean) => job.steps!.find(pred);

describe("schema", () => {
  it("ships the plan, main and up workflows", () => {
    expect(files).toEqual(["main.yml", "plan.yml", "up.yml"]);
  });
  it.each(files)("%s validates against the GitHub workflow schema", (file) => {
    expect(validateWorkflow(fs.readFileSync(path.join(DIR, file), "utf8")).errors).toEqual([]);
  });
  it("the validator rejects a misspelled key (it can fail)", () => {
    const broken = fs.readFileSync(path.join(DIR, "plan.yml"), "utf8").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });
});

describe("plan.yml (pull requests)", () => {
  const plan = wf("plan.yml");
  const job = plan.jobs["offline-plan"]!;
  it("runs on pull requests, once per stack of the repository", () => {
    expect(Object.keys(plan.on)).toEqual(["pull_request"]);
    expect([...job.strategy!.matrix.stack].sort()).toEqual(stacks);
  });
  it("compares with main's artifact of the name main.yml uploads", () => {
    const download = step(job, (s) => s.id === "baseline")!;
    expect(download.run).toContain("--workflow main.yml --branch main");
    expect(download.run).toContain('--name "plan-$STACK"');
    const run = step(job, (s) => s.id === "plan")!.run!;
    expect(run).toContain('compare=(--compare "$BASELINE")');
    expect(run).toContain('--format text --also "markdown=plan-$STACK.md" --also "sarif=plan-$STACK.sarif"');
  });
  it("updates one sticky comment per stack, found by the markdown format's marker", () => {
    const comment = step(job, (s) => s.uses === "actions/github-script@v7")!;
    const script = String(comment.with!["script"]);
    expect(script).toContain("const marker = `<!-- acs-platform-plan:${process.env.STACK} -->`;");
    expect(stickyMarker("dev")).toBe("<!-- acs-platform-plan:dev -->");
    expect(script).toContain("updateComment");
    expect(job.permissions).toMatchObject({ "pull-requests": "write", "security-events": "write" });
  });
  it("uploads the SARIF to code scanning even when the plan failed, then fails on exit 1 or 2", () => {
    const upload = step(job, (s) => s.uses?.startsWith("github/codeql-action/upload-sarif@") === true)!;
    expect(upload.with).toEqual({ sarif_file: "plan-${{ matrix.stack }}.sarif", category: "plan-${{ matrix.stack }}" });
    expect(upload.if).toContain("always()");
    const last = job.steps![job.steps!.length - 1]!;
    expect([last.if, last.run?.trim().endsWith("exit 1")]).toEqual(["steps.plan.outputs.exit-code != '0'", true]);
  });
  it("previews with the policy pack only where Azure OIDC credentials are configured", () => {
    const preview = plan.jobs["preview"]!;
    expect(preview.if).toBe("vars.AZURE_CLIENT_ID != ''");
    expect(preview.permissions).toMatchObject({ "id-token": "write" });
    expect(step(preview, (s) => s.uses === "azure/login@v2")!.with).toEqual({
      "client-id": "${{ vars.AZURE_CLIENT_ID }}",
      "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
      "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
    });
    const pulumi = step(preview, (s) => s.uses === "pulumi/actions@v6")!;
    expect(pulumi.with).toMatchObject({
      command: "preview",
      policyPacks: "policies",
      policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
    });
  });
});

describe("main.yml and up.yml (deploys)", () => {
  const main = wf("main.yml");
  const up = wf("up.yml");
  it("keeps each stack's plan as the artifact pull requests download", () => {
    const job = main.jobs["offline-plan"]!;
    expect([...job.strategy!.matrix.stack].sort()).toEqual(stacks);
    expect(step(job, (s) => s.name === "Offline plan")!.run).toContain('--format json --output "plan-$STACK.json"');
    expect(step(job, (s) => s.uses === "actions/upload-artifact@v4")!.with).toMatchObject({
      name: "plan-${{ matrix.stack }}",
      path: "plan-${{ matrix.stack }}.json",
    });
  });
  it("deploys dev, then prod, each through the environment named like the stack", () => {
    expect(main.jobs["up-dev"]).toMatchObject({ needs: "offline-plan", uses: "./.github/workflows/up.yml", with: { stack: "dev" } });
    expect(main.jobs["up-prod"]).toMatchObject({ needs: "up-dev", uses: "./.github/workflows/up.yml", with: { stack: "prod" } });
    for (const j of ["up-dev", "up-prod"]) expect(main.jobs[j]!.if).toBe("vars.AZURE_CLIENT_ID != ''");
    const job = up.jobs["up"]!;
    expect(job.environment).toBe("${{ inputs.stack }}");
    expect(step(job, (s) => s.uses === "pulumi/actions@v6")!.with).toMatchObject({ command: "up", policyPacks: "policies" });
  });
});

describe("every plan command in the workflows uses flags the CLI has", () => {
  it.each(files)("%s", async (file) => {
    const { planCommand } = await import("../../tools/plan/cli-spec");
    const text = fs.readFileSync(path.join(DIR, file), "utf8");
    const flags = [...text.matchAll(/npm run -s plan -- ([^\n]+)/g)].flatMap((m) => [...m[1]!.matchAll(/--([a-z-]+)/g)].map((f) => f[1]!));
    const known = Object.keys(planCommand.options);
    expect(flags.filter((f) => !known.includes(f))).toEqual([]);
  });
});
