// Runs both CLIs as real processes: help, usage errors with exit code 2, and --json error documents.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

function run(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [path.join(root, "runbooks", script), ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), "runbooks-cli-"));
const partialOutputs = path.join(dir, "outputs.json");
const fullOutputs = path.join(dir, "full-outputs.json");
writeFileSync(
  fullOutputs,
  JSON.stringify({
    tokenApiUrl: "http://127.0.0.1:9",
    acsEndpoint: "https://127.0.0.1:9/",
    keyVaultUri: "https://kv.example.test/",
    subscriptionId: "s",
    resourceGroupName: "rg",
    acsName: "acs",
  }),
);
writeFileSync(
  partialOutputs,
  JSON.stringify({ tokenApiUrl: "http://127.0.0.1:9", acsEndpoint: "https://127.0.0.1:9/", keyVaultUri: "https://kv.example.test/" }),
);

describe("smoke CLI", () => {
  it("teaches with --help and exits 0", async () => {
    const { code, stdout } = await run("smoke.ts", ["--help"]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("Usage: npm run smoke -- (--stack NAME | --outputs FILE | --local) [options]");
    expect(stdout).toContain("Exit codes: 0 every check passed; 1 a check failed (see the FAIL line); 2 bad arguments or unusable target.");
  });

  it("exits 2 without a target", async () => {
    const { code, stdout, stderr } = await run("smoke.ts", []);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe("error: choose exactly one target: --stack NAME, --outputs FILE or --local (run with --help for usage)\n");
  });

  it("exits 2 and says how to proceed when the pulumi CLI is missing", async () => {
    const { code, stderr } = await run("smoke.ts", ["--stack", "dev"], { ...process.env, PATH: path.dirname(process.execPath) });
    expect(code).toBe(2);
    expect(stderr).toBe(
      "error: the pulumi CLI is not on PATH. Where it is, run `pulumi stack output --json --show-secrets --stack dev > outputs.json` and pass --outputs outputs.json (run with --help for usage)\n",
    );
  });

  it("prints a JSON error document with --json", async () => {
    const { code, stdout } = await run("smoke.ts", ["--local", "--bogus", "--json"]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ ok: false, error: "Unknown option '--bogus'" });
  });
});

describe("rotate-keys CLI", () => {
  it("teaches with --help and exits 0", async () => {
    const { code, stdout } = await run("rotate-keys.ts", ["--help"]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("Usage: npm run rotate-keys -- (--stack NAME | --outputs FILE | --local) [options]");
    expect(stdout).toContain("  --dry-run                   run step 1 (read only) and print the exact plan; change nothing");
  });

  it("names the stack outputs a rotation needs", async () => {
    const { code, stderr } = await run("rotate-keys.ts", ["--outputs", partialOutputs, "--dry-run"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: outputs file ${partialOutputs} lacks subscriptionId, resourceGroupName, acsName, needed to rotate keys (run with --help for usage)\n`,
    );
  });

  it("rejects a timeout that is not a positive number", async () => {
    const { code, stderr } = await run("rotate-keys.ts", ["--outputs", fullOutputs, "--readiness-timeout", "soon"]);
    expect(code).toBe(2);
    expect(stderr).toBe('error: --readiness-timeout must be a positive number of seconds, got "soon" (run with --help for usage)\n');
  });
});

describe("archive-chat and decommission CLIs", () => {
  it("archive-chat names the stack outputs the archive needs (a deploy before the chat archive)", async () => {
    const { code, stdout, stderr } = await run("archive-chat.ts", ["--outputs", fullOutputs]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toBe(
      `error: outputs file ${fullOutputs} lacks mappingTableEndpoint, chatArchiveBlobEndpoint, needed to archive chat (run with --help for usage)\n`,
    );
  });

  it("decommission names them too", async () => {
    const { code, stderr } = await run("decommission.ts", ["--outputs", fullOutputs, "--dry-run"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: outputs file ${fullOutputs} lacks mappingTableEndpoint, chatArchiveBlobEndpoint, needed to check the chat archive (run with --help for usage)\n`,
    );
  });

  it("archive-chat rejects --follow-seconds without --follow, --follow with --dry-run, and a bad --concurrency", async () => {
    const cases: Array<[string[], string]> = [
      [["--local", "--follow-seconds", "5"], "--follow-seconds only goes with --follow"],
      [["--local", "--follow", "--dry-run"], "--follow writes the archive; it does not go with --dry-run"],
      [["--local", "--concurrency", "100"], '--concurrency must be an integer from 1 to 64, got "100"'],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await run("archive-chat.ts", args);
      expect({ code, stderr }).toEqual({ code: 2, stderr: `error: ${message} (run with --help for usage)\n` });
    }
  });
});
