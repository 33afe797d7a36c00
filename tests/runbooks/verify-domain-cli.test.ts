// Runs `verify-domain` as a real process: --help exits 0 with the usage line, a wrong flag is one line and exit 2.
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [path.join(root, "runbooks", "verify-domain.ts"), ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("verify-domain CLI", () => {
  it("teaches with --help and exits 0", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("Usage: npm run verify-domain -- (--stack NAME | --outputs FILE | --local) [options]");
    expect(stdout).toContain(
      "Exit codes: 0 every domain verified (or dry run planned); 1 a record failed verification or is still in progress at",
    );
  });

  it("a wrong flag is one line on stderr and exit 2", async () => {
    const { code, stdout, stderr } = await run(["--local", "--bogus"]);
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr).toBe("error: Unknown option '--bogus' (run with --help for usage)\n");
  });
});
