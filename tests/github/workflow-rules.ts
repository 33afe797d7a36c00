// Checks of the CI workflows that GitHub applies when it starts a run but that the workflow schema (and
// actionlint) cannot see: a reusable-workflow call grants at least what the callee's jobs request, every job that
// plans or deploys builds the token API package first, a workflow runs `.ci/run`, no `run:` interpolates an input
// or event expression, and every action is pinned to a commit SHA. Each returns the problems it finds (empty: none),
// so tests/github/workflows.test.ts can run it on the real files and on mutated copies.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  id?: string;
  "continue-on-error"?: boolean;
}
export type Permissions = Record<string, string> | "read-all" | "write-all";
export interface Job {
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string;
  permissions?: Permissions;
  strategy?: { matrix: { stack: string[] } };
  env?: Record<string, string>;
  steps?: Step[];
}
export interface Workflow {
  on: Record<string, unknown>;
  permissions?: Permissions;
  jobs: Record<string, Job>;
}
/** Workflows by file name (`main.yml`). */
export type Workflows = Map<string, Workflow>;

export function loadWorkflows(dir: string): Workflows {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort();
  return new Map(files.map((f) => [f, parse(fs.readFileSync(path.join(dir, f), "utf8")) as Workflow]));
}

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };
/** The scopes GITHUB_TOKEN permissions name (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions). */
const SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "id-token",
  "issues",
  "models",
  "discussions",
  "packages",
  "pages",
  "pull-requests",
  "security-events",
  "statuses",
];

/** A permissions block as a level per scope. Absent everywhere: the restricted default GitHub gives new repositories
 *  (contents and packages read), the most a caller can count on. A block lists scopes; unlisted scopes are none. */
function levels(p: Permissions | undefined): Record<string, number> {
  if (p === "read-all" || p === "write-all") return Object.fromEntries(SCOPES.map((s) => [s, p === "read-all" ? 1 : 2]));
  if (p === undefined) return { contents: 1, packages: 1 };
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, LEVEL[v] ?? 0]));
}

/** For each `uses: ./.github/workflows/<file>` job, the scopes a callee job requests above what the caller grants
 *  (GitHub rejects the whole run: "The nested job 'up' is requesting 'id-token: write', but is only allowed
 *  'id-token: none'"). */
export function permissionGaps(workflows: Workflows): string[] {
  const gaps: string[] = [];
  for (const [file, wf] of workflows) {
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      const m = /^\.\/\.github\/workflows\/(.+)$/.exec(job.uses ?? "");
      if (!m) continue;
      const callee = workflows.get(m[1]!);
      if (!callee) {
        gaps.push(`${file} ${jobName}: calls ${m[1]}, which is not in .github/workflows`);
        continue;
      }
      const granted = levels(job.permissions ?? wf.permissions);
      for (const [calleeJobName, calleeJob] of Object.entries(callee.jobs)) {
        for (const [scope, want] of Object.entries(levels(calleeJob.permissions ?? callee.permissions))) {
          const have = granted[scope] ?? 0;
          if (want > have) {
            const name = (n: number) => Object.keys(LEVEL).find((k) => LEVEL[k] === n)!;
            gaps.push(
              `${file} ${jobName}: ${m[1]} job '${calleeJobName}' requests '${scope}: ${name(want)}' but is only allowed '${scope}: ${name(have)}'`,
            );
          }
        }
      }
    }
  }
  return gaps;
}

const plansOrDeploys = (s: Step) => /\bnpm run (-s )?plan\b/.test(s.run ?? "") || (s.uses ?? "").startsWith("pulumi/actions@");
const builds = (s: Step) => /(^|\n|&&\s*)npm run build\b/.test(s.run ?? "");

/** Jobs with a step that runs the offline plan or pulumi (preview, up) and no `npm run build` before it: the plan
 *  would compare placeholders and `pulumi up` stops with "token API package not found". */
export function jobsWithoutBuild(workflows: Workflows): string[] {
  const out: string[] = [];
  for (const [file, wf] of workflows) {
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      const steps = job.steps ?? [];
      const first = steps.findIndex(plansOrDeploys);
      if (first === -1) continue;
      if (!steps.slice(0, first).some(builds))
        out.push(`${file} ${jobName}: step ${first + 1} plans or deploys without npm run build before it`);
    }
  }
  return out;
}

/** The workflows with a step running `bash .ci/run` (or `.ci/run`) on pull requests and on pushes to main. */
export function workflowsRunningCi(workflows: Workflows): string[] {
  const out: string[] = [];
  for (const [file, wf] of workflows) {
    const on = wf.on ?? {};
    const push = on["push"] as { branches?: string[] } | null | undefined;
    const onPr = "pull_request" in on;
    const onMain = push !== undefined && (push === null || push.branches === undefined || push.branches.includes("main"));
    const runs = Object.values(wf.jobs).some((j) => (j.steps ?? []).some((s) => /(^|\s)(bash )?\.ci\/run\b/.test(s.run ?? "")));
    if (onPr && onMain && runs) out.push(file);
  }
  return out;
}

/** `run:` scripts that expand an input or an event field (or the head branch name) inside `${{ }}`: the value
 *  becomes shell code (template injection). Pass them through `env:` and quote the variable instead. */
export function interpolatedRuns(workflows: Workflows): string[] {
  const out: string[] = [];
  for (const [file, wf] of workflows) {
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      (job.steps ?? []).forEach((s, i) => {
        for (const m of (s.run ?? "").matchAll(/\$\{\{([^}]*)\}\}/g)) {
          if (/\b(inputs\.|github\.event\.|github\.head_ref\b)/.test(m[1]!))
            out.push(`${file} ${jobName} step ${i + 1}: run interpolates ${m[0]}`);
        }
      });
    }
  }
  return out;
}

/** `uses:` lines of the raw YAML that are not a local path and not `owner/repo[/path]@<40-hex SHA> # v<version>`. */
export function unpinnedActions(files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    text.split("\n").forEach((line, i) => {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
      if (!m || m[1]!.startsWith("./")) return;
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(m[1]!) || !/^\s+#\s*v\d+(\.\d+){0,2}\s*$/.test(m[2]!))
        out.push(`${file}:${i + 1}: ${m[1]}${m[2]}`);
    });
  }
  return out;
}
