// The `npm run emulator` process: one JSON line on start, clean exit on SIGTERM/SIGINT, state kept in --data-dir.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, describe, expect, it } from "vitest";
import { EmulatorCredential } from "../../../tools/acs-emulator/index";
import type { EmulatorInfo } from "../../../tools/acs-emulator/index";
import { FIXED_PRIMARY_KEY } from "./helpers";

const ROOT = resolve(__dirname, "../../..");
const dataDir = mkdtempSync(join(tmpdir(), "acs-emulator-cli-test-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  info: EmulatorInfo;
  stderr: () => string;
}

async function launch(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ["--import", "tsx", "tools/acs-emulator/cli.ts", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolveLine, reject) => {
    lines.once("line", resolveLine);
    child.once("exit", (code) => reject(new Error(`emulator exited with ${String(code)}: ${stderr}`)));
  });
  return { child, info: JSON.parse(first) as EmulatorInfo, stderr: () => stderr };
}

const exitCode = (child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> =>
  new Promise((resolveExit) => {
    child.once("exit", (code) => resolveExit(code));
    child.kill(signal);
  });

const options = (info: EmulatorInfo): { tlsOptions: { ca: string } } => ({ tlsOptions: { ca: readFileSync(info.caCertPath, "utf8") } });

describe("emulator CLI", () => {
  it("prints every documented field and survives a restart with its data directory", async () => {
    const first = await launch(["--data-dir", dataDir, "--primary-key", FIXED_PRIMARY_KEY]);
    expect(Object.keys(first.info).sort()).toEqual([
      "adminUrl",
      "armBaseUrl",
      "caCertPath",
      "caCertPem",
      "connectionString",
      "devBearerToken",
      "emailSenderAddresses",
      "emailServiceName",
      "endpoint",
      "keyVaultUrl",
      "logAnalyticsUrl",
      "resourceGroupName",
      "serviceName",
      "subscriptionId",
      "workspaceId",
    ]);
    expect(first.info.connectionString).toBe(`endpoint=${first.info.endpoint};accesskey=${FIXED_PRIMARY_KEY}`);
    const identity = new CommunicationIdentityClient(first.info.connectionString, options(first.info));
    const user = await identity.createUser();
    const secrets = new SecretClient(first.info.keyVaultUrl, new EmulatorCredential(), {
      ...options(first.info),
      disableChallengeResourceVerification: true,
    });
    await secrets.setSecret("acs-connection-string", "persisted", { tags: { "acs-active-key": "primary" } });
    expect(await exitCode(first.child, "SIGTERM")).toBe(0);
    expect(first.stderr()).not.toContain(FIXED_PRIMARY_KEY);

    const second = await launch(["--data-dir", dataDir]);
    expect([second.info.caCertPath, second.info.caCertPem]).toEqual([first.info.caCertPath, first.info.caCertPem]);
    expect(second.info.connectionString).toBe(`endpoint=${second.info.endpoint};accesskey=${FIXED_PRIMARY_KEY}`);
    const again = new CommunicationIdentityClient(second.info.connectionString, options(second.info));
    // getToken answers 401 for an unknown user, so a token for the user created before the restart proves it persisted.
    const { token } = await again.getToken(user, ["chat"]);
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      skypeid?: string;
      acsScope?: string;
    };
    expect([claims.skypeid, claims.acsScope]).toEqual([user.communicationUserId.replace(/^8:/, ""), "chat"]);
    const secretsAgain = new SecretClient(second.info.keyVaultUrl, new EmulatorCredential(), {
      ...options(second.info),
      disableChallengeResourceVerification: true,
    });
    const secret = await secretsAgain.getSecret("acs-connection-string");
    expect([secret.value, secret.properties.tags]).toEqual(["persisted", { "acs-active-key": "primary" }]);
    expect(await exitCode(second.child, "SIGINT")).toBe(0);
    expect(second.stderr()).not.toContain(FIXED_PRIMARY_KEY);
  });

  it("is trusted by all five SDKs through NODE_EXTRA_CA_CERTS alone", async () => {
    const running = await launch([]);
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "tests/tools/acs-emulator/fixtures/extra-ca-client.ts", JSON.stringify(running.info)],
        {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, NODE_EXTRA_CA_CERTS: running.info.caCertPath },
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolveExit) => child.once("exit", resolveExit));
      expect([code, stderr]).toEqual([0, ""]);
      expect(JSON.parse(stdout)).toEqual({ topic: "extra-ca", keyMatches: true, secret: "ok", chatRows: 1 });
    } finally {
      await exitCode(running.child, "SIGTERM");
    }
  });

  it("exits 2 with a message for a bad flag", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/acs-emulator/cli.ts", "--port", "seventy"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolveExit) => child.once("exit", resolveExit));
    expect([code, stderr]).toEqual([2, "error: --port must be an integer from 0 to 65535 (run with --help for usage)\n"]);
  });
});
