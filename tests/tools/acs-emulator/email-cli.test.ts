// `npm run emulator -- --stack NAME`: the email resources follow the stack file; a bad stack is one line and exit 2.
import { execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import type { EmulatorInfo } from "../../../tools/acs-emulator/index";

const ROOT = resolve(__dirname, "../../..");

describe("emulator CLI --stack", () => {
  it("seeds prod's customer domain and senders and prints them in the JSON line", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/acs-emulator/cli.ts", "--stack", "prod"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const line = await new Promise<string>((done, fail) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", done);
      child.once("exit", (code) => fail(new Error(`exited with ${String(code)}`)));
    });
    const info = JSON.parse(line) as EmulatorInfo;
    expect(info.emailServiceName).toMatch(/^ecs-acsplat-prod-/);
    expect(info.emailSenderAddresses).toEqual(["DoNotReply@notify.contoso.com", "alerts@notify.contoso.com"]);
    const email = (await (await fetch(`${info.adminUrl}/email`)).json()) as { acsDataLocation: string; linkedDomains: string[] };
    expect([email.acsDataLocation, email.linkedDomains]).toEqual(["Europe", []]);
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("exits 2 naming the stack when its file does not exist", async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "tools/acs-emulator/cli.ts", "--stack", "nope"],
        { cwd: ROOT },
        (error, stdout, stderr) => {
          done({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr });
        },
      );
    });
    expect([result.code, result.stdout]).toEqual([2, ""]);
    expect(result.stderr).toMatch(
      /^error: --stack nope: ENOENT: no such file or directory, open '.*Pulumi\.nope\.yaml' \(run with --help for usage\)\n$/,
    );
  });
});
