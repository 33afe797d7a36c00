// `npm run dev -- --stack prod` follows Pulumi.prod.yaml, so `verify-domain --local` has prod's customer-managed domain
// (notify.contoso.com) to verify, and names Pulumi.prod.yaml in its next step, with no stack file edited.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevProcess, type DevProcess } from "../../support/dev-process";

const root = join(__dirname, "..", "..", "..");
let dev: DevProcess | undefined;
let envFile: string;

function verifyDomain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "runbooks/verify-domain.ts", "--local", "--local-env", envFile, ...args],
      { cwd: root, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "local-dev-prod-"));
  envFile = join(dataDir, "env.json");
  // One instance: the test is about the stack the environment follows, not about scale.
  dev = await startDevProcess(["--stack", "prod", "--instances", "1", "--data-dir", dataDir]);
}, 200_000);

afterAll(async () => {
  await dev?.stop();
});

describe("npm run dev --stack prod", () => {
  it("seeds prod's email domains and senders, and env.json names the stack", () => {
    const env = JSON.parse(readFileSync(envFile, "utf8")) as { stack: string; email: { senderAddresses: string[] } };
    expect(env.stack).toBe("prod");
    expect(env.email.senderAddresses).toContain("alerts@notify.contoso.com");
  });

  it("verify-domain --local verifies prod's customer-managed domain and names Pulumi.prod.yaml in the next step", async () => {
    const result = await verifyDomain([]);
    // Exit 0: every customer-managed domain verified (verify-domain --help). Before --stack, dev's stack had none: exit 2.
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(result.stdout).toContain("notify.contoso.com");
    expect(result.stdout.trim().split("\n").at(-1)).toMatch(/^Next step: .*Pulumi\.prod\.yaml/);
  });
});
