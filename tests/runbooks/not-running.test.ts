// With the local environment stopped, every tool that reads its env.json says so in one line and exits 2: smoke,
// rotate-keys and verify-domain with --local, and dev:jwt; both for a missing file and for one an `npm run dev`
// left behind when it was killed (its PID is gone).
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // node with tsx as an import hook: one process, nothing left behind if the test times out.
    execFile(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "local-env-stopped-"));
const missing = join(mkdtempSync(join(tmpdir(), "local-env-missing-")), "env.json");
const stale = join(dataDir, "env.json");
// What a killed `npm run dev` leaves: a complete env.json naming a PID that has exited.
const gonePid = spawnSync(process.execPath, ["-e", "0"]).pid;
writeFileSync(
  stale,
  JSON.stringify({
    pid: gonePid,
    tokenApiUrl: "http://127.0.0.1:9",
    acsEndpoint: "https://127.0.0.1:9/",
    keyVaultUrl: "https://127.0.0.1:9/",
    oidcIssuer: "http://127.0.0.1:9",
    oidcAudience: "api://acs-token-local",
    oidcKeyFile: join(dataDir, "oidc-signing-key.json"),
  }),
);
const staleLine = `the local environment is not running: ${stale} was written by npm run dev (pid ${gonePid}), which has exited; start it with \`npm run dev\``;
const missingLine = `the local environment is not running: ${missing} not found; start it with \`npm run dev\``;

describe("tools that read env.json, with the local environment stopped", () => {
  it.each([
    ["smoke", "runbooks/smoke.ts"],
    ["rotate-keys", "runbooks/rotate-keys.ts"],
    ["verify-domain", "runbooks/verify-domain.ts"],
  ])("%s -- --local: one line, exit 2 (stale file and missing file)", async (_name, script) => {
    const [fromStale, fromMissing] = await Promise.all([
      run(script, ["--local", "--local-env", stale]),
      run(script, ["--local", "--local-env", missing]),
    ]);
    expect([fromStale.code, fromStale.stdout, fromStale.stderr]).toEqual([2, "", `error: ${staleLine} (run with --help for usage)\n`]);
    expect([fromMissing.code, fromMissing.stdout, fromMissing.stderr]).toEqual([
      2,
      "",
      `error: ${missingLine} (run with --help for usage)\n`,
    ]);
  });

  it("dev:jwt: one line, exit 2, no token (stale file and missing file)", async () => {
    const [fromStale, fromMissing] = await Promise.all([
      run("tools/local-dev/jwt.ts", ["--sub", "alice", "--data-dir", dataDir]),
      run("tools/local-dev/jwt.ts", ["--sub", "alice", "--data-dir", join(missing, "..")]),
    ]);
    expect([fromStale.code, fromStale.stdout, fromStale.stderr]).toEqual([2, "", `error: ${staleLine} (run with --help for usage)\n`]);
    expect([fromMissing.code, fromMissing.stdout, fromMissing.stderr]).toEqual([
      2,
      "",
      `error: ${missingLine} (run with --help for usage)\n`,
    ]);
  });
});
