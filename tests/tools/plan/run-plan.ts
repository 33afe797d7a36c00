// Test helper: runs `npm run plan`'s entry (tools/plan/launch.js, which bundles and runs tools/plan/cli.ts) in a fresh process and returns its exit code and output.
import { execFile } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");

export function plan(args: string[], nodeArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, "tools/plan/launch.js", ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, stdout, stderr });
      },
    );
  });
}
