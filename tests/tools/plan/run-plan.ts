// Test helper: runs `npm run plan`'s entry (tools/plan/launch.js, which bundles and runs tools/plan/cli.ts) in a fresh process and returns its exit code and output.
import { execFile } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");

/** The environment minus the variables that make plan links point at a GitHub repository (tools/plan/formats/report.ts). */
export function withoutCiRepository(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const v of ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_RUN_ID"]) delete env[v];
  return env;
}

export function plan(args: string[], nodeArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, "tools/plan/launch.js", ...args],
      // Without GitHub Actions' repository variables, so links are the local ones whether or not the tests run in CI.
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: withoutCiRepository() },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, stdout, stderr });
      },
    );
  });
}
