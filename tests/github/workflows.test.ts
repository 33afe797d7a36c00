// The CI workflows in .github/workflows, which nothing here can run: each validates against SchemaStore's GitHub
// workflow schema (through @action-validator/core); then the checks GitHub applies when a run starts and the schema
// does not see (tests/github/workflow-rules.ts), each shown to fail on a mutated copy; then their structure holds
// what the README's CI section says: the offline plan per stack compared with main's artifact of the same name,
// the sticky comment keyed by the markdown format's marker, the SARIF upload that degrades to a note, the explicit
// decision on stateful replacements, the credential-gated preview posted to the PR, the ordered,
// environment-protected `pulumi up` and the scheduled drift check.
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stickyMarker } from "../../tools/plan/formats/markdown";
import { FULL_PLAN_ARTIFACT } from "../../tools/plan/formats/report";
import {
  interpolatedRuns,
  jobsWithoutBuild,
  loadWorkflows,
  permissionGaps,
  unpinnedActions,
  workflowsRunningCi,
  type Job,
  type Step,
  type Workflows,
} from "./workflow-rules";

const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, ".github", "workflows");
const workflows = loadWorkflows(DIR);
const files = [...workflows.keys()];
const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const wf = (name: string) => workflows.get(name)!;
const stacks = fs
  .readdirSync(ROOT)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();
const step = (job: Job, pred: (s: Step) => boolean) => job.steps!.find(pred);
const uses = (prefix: string) => (s: Step) => s.uses?.startsWith(`${prefix}@`) === true;
/** A deep copy of every workflow, changed by `edit`, for the negative cases. */
function mutated(edit: (w: Workflows) => void): Workflows {
  const copy: Workflows = new Map([...workflows].map(([f, w]) => [f, structuredClone(w)]));
  edit(copy);
  return copy;
}

describe("schema", () => {
  it("ships the ci, drift, main, plan and up workflows", () => {
    expect(files).toEqual(["ci.yml", "drift.yml", "main.yml", "plan.yml", "up.yml"]);
  });
  it.each(files)("%s validates against the GitHub workflow schema", (file) => {
    expect(validateWorkflow(texts.get(file)!).errors).toEqual([]);
  });
  it("the validator rejects a misspelled key (it can fail)", () => {
    const broken = texts.get("plan.yml")!.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });
});

describe("what GitHub checks when a run starts", () => {
  it("each reusable-workflow call grants at least the permissions its callee's jobs request", () => {
    expect(permissionGaps(workflows)).toEqual([]);
  });
  it("fails for a caller without id-token: write (GitHub rejects the whole run)", () => {
    const broken = mutated((w) => delete w.get("main.yml")!.jobs["up-prod"]!.permissions);
    expect(permissionGaps(broken)).toEqual([
      "main.yml up-prod: up.yml job 'up' requests 'id-token: write' but is only allowed 'id-token: none'",
    ]);
  });
  it("every job that plans or deploys builds the token API package first", () => {
    expect(jobsWithoutBuild(workflows)).toEqual([]);
  });
  it("fails for a deploy job without a build, and for a build after the plan", () => {
    const noBuild = mutated((w) => {
      const job = w.get("up.yml")!.jobs["up"]!;
      job.steps = job.steps!.filter((s) => s.run !== "npm run build");
    });
    expect(jobsWithoutBuild(noBuild)).toEqual(["up.yml up: step 4 plans or deploys without npm run build before it"]);
    const late = mutated((w) => {
      const job = w.get("main.yml")!.jobs["offline-plan"]!;
      const i = job.steps!.findIndex((s) => s.run === "npm run build");
      job.steps!.push(...job.steps!.splice(i, 1));
    });
    expect(jobsWithoutBuild(late)).toEqual(["main.yml offline-plan: step 4 plans or deploys without npm run build before it"]);
  });
  it("a workflow runs .ci/run on pull requests and on main", () => {
    expect(workflowsRunningCi(workflows)).toEqual(["ci.yml"]);
    const ci = wf("ci.yml");
    expect(ci.on).toEqual({ pull_request: null, push: { branches: ["main"] } });
  });
  it("fails when no workflow runs .ci/run", () => {
    const broken = mutated((w) => (w.get("ci.yml")!.jobs["check"]!.steps!.at(-1)!.run = "npm test"));
    expect(workflowsRunningCi(broken)).toEqual([]);
  });
  it("no run: interpolates an input or event expression (they go through env:)", () => {
    expect(interpolatedRuns(workflows)).toEqual([]);
  });
  it("fails for an input or an event field interpolated into run:", () => {
    const broken = mutated((w) => {
      w.get("up.yml")!.jobs["up"]!.steps!.find((s) => s.name === "The offline plan must pass first")!.run =
        'npm run -s plan -- --stack "${{ inputs.stack }}"';
      w.get("plan.yml")!.jobs["offline-plan"]!.steps!.push({ run: "echo ${{ github.event.pull_request.title }}" });
    });
    expect(interpolatedRuns(broken)).toEqual([
      "plan.yml offline-plan step 12: run interpolates ${{ github.event.pull_request.title }}",
      "up.yml up step 5: run interpolates ${{ inputs.stack }}",
    ]);
  });
  it("every action is pinned to a commit SHA with its version in a comment, and Dependabot updates them", () => {
    expect(unpinnedActions(texts)).toEqual([]);
    expect(
      unpinnedActions(
        new Map([["x.yml", "      - uses: actions/checkout@v7\n      - uses: a/b@3d3c42e5aac5ba805825da76410c181273ba90b1\n"]]),
      ),
    ).toEqual(["x.yml:1: actions/checkout@v7", "x.yml:2: a/b@3d3c42e5aac5ba805825da76410c181273ba90b1"]);
    const dependabot = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
      updates: Array<{ "package-ecosystem": string; directory: string }>;
    };
    expect(dependabot.updates.map((u) => [u["package-ecosystem"], u.directory])).toEqual([["github-actions", "/"]]);
  });
});

describe("plan.yml (pull requests)", () => {
  const plan = wf("plan.yml");
  const job = plan.jobs["offline-plan"]!;
  it("runs on pull requests (and on label changes), once per stack of the repository", () => {
    expect(plan.on).toEqual({ pull_request: { types: ["opened", "synchronize", "reopened", "labeled", "unlabeled"] } });
    expect([...job.strategy!.matrix.stack].sort()).toEqual(stacks);
  });
  it("compares with main's last plan-<stack> artifact, found per artifact (per job), not per fully green run", () => {
    const download = step(job, (s) => s.id === "baseline")!;
    expect(download.run).toContain('actions/artifacts?name=plan-$STACK&per_page=100"');
    expect(download.run).toContain('.workflow_run.head_branch == "main"');
    expect(download.run).not.toContain("--status success");
    expect(download.run).toContain('--name "plan-$STACK"');
    const run = step(job, (s) => s.id === "plan")!.run!;
    expect(run).toContain('args+=(--compare "$BASELINE")');
    expect(run).toContain('--also "markdown=plan-$STACK.md"');
    expect(run).toContain('--also "sarif=plan-$STACK.sarif"');
  });
  it("keeps the full plan under the artifact name a shortened comment points at", () => {
    const keep = step(job, (s) => s.name === "Keep the full plan")!;
    expect(keep.with).toMatchObject({ name: "plan-pr-${{ matrix.stack }}", path: "plan-${{ matrix.stack }}.*" });
    expect(FULL_PLAN_ARTIFACT("dev")).toBe("plan-pr-dev");
  });
  it("a stateful replacement fails the plan unless the PR carries the allow-stateful-replace label", () => {
    const s = step(job, (x) => x.id === "plan")!;
    expect(s.env!["ALLOW_REPLACE"]).toBe("${{ contains(github.event.pull_request.labels.*.name, 'allow-stateful-replace') }}");
    expect(s.run).toContain('if [ "$ALLOW_REPLACE" != "true" ]; then args+=(--fail-on-replace); fi');
  });
  it("updates one sticky comment per stack, its own, found by the markdown format's marker; not on forks", () => {
    const comment = step(job, uses("actions/github-script"))!;
    const script = String(comment.with!["script"]);
    expect(script).toContain("const marker = `<!-- acs-platform-plan:${stack} -->`;");
    expect(stickyMarker("dev")).toBe("<!-- acs-platform-plan:dev -->");
    expect(script).toContain('c.user?.login === "github-actions[bot]" && c.body?.startsWith(marker)');
    expect(comment.if).toContain("env.FROM_FORK != 'true'");
    expect(job.env!["FROM_FORK"]).toBe("${{ github.event.pull_request.head.repo.full_name != github.repository }}");
    expect(job.permissions).toMatchObject({ "pull-requests": "write", "security-events": "write", actions: "read" });
  });
  it("uploads the SARIF where code scanning exists, says so in a note where it does not, then fails on exit 1 or 2", () => {
    const upload = step(job, uses("github/codeql-action/upload-sarif"))!;
    expect(upload.with).toEqual({ sarif_file: "plan-${{ matrix.stack }}.sarif", category: "plan-${{ matrix.stack }}" });
    expect([upload["continue-on-error"], upload.if]).toEqual([
      true,
      "always() && env.FROM_FORK != 'true' && hashFiles(format('plan-{0}.sarif', matrix.stack)) != ''",
    ]);
    const note = job.steps![job.steps!.indexOf(upload) + 1]!;
    expect(note.if).toContain("steps.sarif.outcome == 'failure'");
    expect(note.run).toContain("::notice::SARIF of $STACK not uploaded");
    const last = job.steps![job.steps!.length - 1]!;
    expect([last.if, last.run?.trim().endsWith("exit 1")]).toEqual(["steps.plan.outputs.exit-code != '0'", true]);
  });
  it("posts the real pulumi preview (refreshed, with the policy pack) to the PR where credentials exist, not for forks", () => {
    const preview = plan.jobs["preview"]!;
    expect(preview.if).toBe("vars.AZURE_CLIENT_ID != '' && github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(step(preview, uses("azure/login"))!.with).toEqual({
      "client-id": "${{ vars.AZURE_CLIENT_ID }}",
      "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
      "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
    });
    expect(step(preview, uses("pulumi/actions"))!.with).toMatchObject({
      command: "preview",
      policyPacks: "policies",
      policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
      refresh: true,
      "comment-on-pr": true,
      "edit-pr-comment": true,
    });
  });
});

describe("main.yml, up.yml and drift.yml (deploys)", () => {
  const main = wf("main.yml");
  const up = wf("up.yml");
  it("keeps each stack's passing plan as the artifact pull requests download", () => {
    const job = main.jobs["offline-plan"]!;
    expect([...job.strategy!.matrix.stack].sort()).toEqual(stacks);
    expect(step(job, (s) => s.name === "Offline plan")!.run).toContain('--format json --output "plan-$STACK.json"');
    const upload = step(job, uses("actions/upload-artifact"))!;
    expect(upload.if).toBeUndefined(); // success() only: a failing plan is no baseline
    expect(upload.with).toMatchObject({ name: "plan-${{ matrix.stack }}", path: "plan-${{ matrix.stack }}.json" });
  });
  it("deploys dev, then prod, each through the environment named like the stack, granting up.yml's permissions", () => {
    expect(main.jobs["up-dev"]).toMatchObject({ needs: "offline-plan", uses: "./.github/workflows/up.yml", with: { stack: "dev" } });
    expect(main.jobs["up-prod"]).toMatchObject({ needs: "up-dev", uses: "./.github/workflows/up.yml", with: { stack: "prod" } });
    for (const j of ["up-dev", "up-prod"]) {
      expect(main.jobs[j]!.if).toBe("vars.AZURE_CLIENT_ID != ''");
      expect(main.jobs[j]!.permissions).toEqual({ contents: "read", "id-token": "write" });
    }
    const job = up.jobs["up"]!;
    expect(job.environment).toBe("${{ inputs.stack }}");
    expect(job.env).toEqual({ STACK: "${{ inputs.stack }}" });
    expect(step(job, uses("pulumi/actions"))!.with).toMatchObject({ command: "up", policyPacks: "policies" });
  });
  it("checks every stack for drift on a schedule and reports it in an issue", () => {
    const drift = wf("drift.yml");
    expect(Object.keys(drift.on)).toEqual(["schedule", "workflow_dispatch"]);
    const job = drift.jobs["drift"]!;
    expect([...job.strategy!.matrix.stack].sort()).toEqual(stacks);
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
    const preview = step(job, uses("pulumi/actions"))!;
    expect(preview.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    expect(preview["continue-on-error"]).toBe(true);
    const report = step(job, uses("actions/github-script"))!;
    expect(String(report.with!["script"])).toContain('github.rest.issues.create({ owner, repo, title, body, labels: ["drift"] })');
  });
});

describe("every plan command in the workflows uses flags the CLI has", () => {
  it.each(files)("%s", async (file) => {
    const { planCommand } = await import("../../tools/plan/cli-spec");
    const flags = [...texts.get(file)!.matchAll(/npm run -s plan -- ([^\n]+)/g)].flatMap((m) =>
      [...m[1]!.matchAll(/--([a-z-]+)/g)].map((f) => f[1]!),
    );
    const inArgs = [...texts.get(file)!.matchAll(/args\+?=\(([^)]*)\)/g)].flatMap((m) =>
      [...m[1]!.matchAll(/--([a-z-]+)/g)].map((f) => f[1]!),
    );
    const known = Object.keys(planCommand.options);
    expect([...flags, ...inArgs].filter((f) => !known.includes(f))).toEqual([]);
  });
});
