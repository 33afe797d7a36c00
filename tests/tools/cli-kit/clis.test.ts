// Every command-line entry in package.json, run as a real process: --help exits 0 with its usage, a wrong flag is one line on stderr and exit 2,
// and neither loads a heavy package (each CLI imports its implementation inside run()).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..", "..");
const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/**
 * The CLIs: every npm script that runs a file with tsx or node, each on the kit (tools/cli-kit/index.ts
 * runCommand/main). A new one must be added here, and an entry whose script is gone removed (the last test fails
 * until the two lists agree).
 */
const clis = [
  "plan",
  "emulator",
  "dev",
  "dev:jwt",
  "smoke",
  "rotate-keys",
  "verify-domain",
  "archive-chat",
  "decommission",
  "adopt",
  "docs:config",
  "docs:policies",
  "psrule:counts",
  "prices:update",
  "bench:plan-cost",
  "bench:plan",
  "bench:emulator",
  "bench:rotation-under-load",
  "bench:events",
  "bench:token-api",
  "bench:token-api-startup",
  "bench:archive-chat",
  "bench:conversations",
  "bench:web-chat",
  "example:screenshots",
];

/** `tsx file` runs as `node --import tsx file`, `node file` as itself: the same process npm would start, without npm. */
function commandOf(script: string): string[] | undefined {
  const match = /^(tsx|node) (\S+)$/.exec(scripts[script] ?? "");
  if (!match) return undefined;
  return match[1] === "tsx" ? ["--import", "tsx", match[2]!] : [match[2]!];
}

/** Preloaded into every run: its last line on stderr names the heavy packages the process loaded. */
const probe = path.join(__dirname, "fixtures", "report-heavy-packages.cjs");
const probeLine = /^heavy packages loaded: (.*)\n/m;

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string; heavy: unknown }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", probe, ...commandOf(script)!, ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr: stderr.replace(probeLine, ""),
          heavy: JSON.parse(probeLine.exec(stderr)?.[1] ?? "null"),
        });
      },
    );
  });
}

describe("every CLI", () => {
  for (const name of clis) {
    it.concurrent(`npm run ${name} -- --help prints its usage and exits 0, loading no heavy package`, async () => {
      const { code, stdout, stderr, heavy } = await run(name, ["--help"]);
      expect({ code, stderr, first: stdout.split("\n")[0], heavy }).toEqual({
        code: 0,
        stderr: "",
        first: expect.stringMatching(new RegExp(`^Usage: npm run ${name} `)),
        heavy: [],
      });
    });
    it.concurrent(`npm run ${name} -- --no-such-flag is one line on stderr and exit 2, loading no heavy package`, async () => {
      const { code, stdout, stderr, heavy } = await run(name, ["--no-such-flag"]);
      expect({ code, stdout, stderr, heavy }).toEqual({
        code: 2,
        stdout: "",
        stderr: "error: Unknown option '--no-such-flag' (run with --help for usage)\n",
        heavy: [],
      });
    });
  }

  it("lists every npm script that runs a file", () => {
    const runnable = Object.keys(scripts).filter((name) => commandOf(name) !== undefined);
    expect({ unlisted: runnable.filter((name) => !clis.includes(name)), gone: clis.filter((name) => !runnable.includes(name)) }).toEqual({
      unlisted: [],
      gone: [],
    });
  });
});
