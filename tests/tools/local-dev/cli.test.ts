// The local-development flow of docs/token-api.md, as written: `npm run dev`, `npm run dev:jwt`, /api/token, then chat
// with the token; a browser on the dev stack's origin passes the preflights; a second `npm run dev` on the same data
// directory is refused; Ctrl-C removes env.json, after which dev:jwt says the environment is not running.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { describe, expect, it } from "vitest";
import { readStackPlatformConfig } from "../../../tools/local-dev/events";
import { startDevProcess } from "../../support/dev-process";

const root = join(__dirname, "..", "..", "..");

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A browser's preflight to the emulator (HTTPS with its own CA): the status and the CORS headers. */
function emulatorPreflight(url: string, ca: string, origin: string, method: string, headers: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const req = request(url, {
      method: "OPTIONS",
      ca,
      headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
    });
    req.once("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once("error", reject);
    req.end();
  });
}

describe("npm run dev and dev:jwt", () => {
  it("prints one JSON line, mints a JWT on the last line, the pieces work together, and Ctrl-C removes env.json", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "local-dev-cli-"));
    const envFile = join(dataDir, "env.json");
    const dev = await startDevProcess(["--data-dir", dataDir]);
    try {
      const summary = dev.summary as Record<string, string>;
      const written = JSON.parse(readFileSync(envFile, "utf8")) as Record<string, unknown>;
      expect(written.tokenApiInstances).toEqual(summary.tokenApiInstances);
      expect([written.pid, written.stack]).toEqual([dev.child.pid, "dev"]);
      expect(Object.keys(summary).sort()).toEqual([
        "acsEndpoint",
        "caCertPath",
        "connectionString",
        "jwtCommand",
        "oidcAudience",
        "oidcIssuer",
        "tokenApiInstances",
        "tokenApiUrl",
      ]);
      // Two token API processes by default, as prod runs, each reachable on its own URL.
      const instances = summary.tokenApiInstances as unknown as Array<{ id: string; url: string }>;
      expect(instances.map((i) => i.id)).toEqual(["local-0", "local-1"]);
      for (const instance of instances) {
        const ready = (await (await fetch(`${instance.url}/readyz`)).json()) as { instance: string };
        expect(ready.instance).toBe(instance.id);
      }
      expect(summary.jwtCommand).toBe("npm run dev:jwt -- --sub alice");
      expect(summary.connectionString).toMatch(/^endpoint=https:\/\/127\.0\.0\.1:\d+\/;accesskey=.+$/);
      expect(written.tokenApiUrl).toBe(summary.tokenApiUrl);

      const { stdout } = await run("tools/local-dev/jwt.ts", ["--sub", "alice", "--data-dir", dataDir]);
      const jwt = stdout.trim().split("\n").pop()!;
      expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      const response = await fetch(`${summary.tokenApiUrl}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(200);
      const { token } = (await response.json()) as { token: string };
      const ca = readFileSync(summary.caCertPath!, "utf8");
      const chat = new ChatClient(summary.acsEndpoint!, new AzureCommunicationTokenCredential(token), { tlsOptions: { ca } } as never);
      // The default end-user token is least privilege (chat.join.limited, voip.join): ACS refuses thread creation with 403.
      const refused = await chat.createChatThread({ topic: "local dev" }).catch((error: { statusCode?: number }) => error);
      expect((refused as { statusCode?: number }).statusCode).toBe(403);
      const threads: unknown[] = [];
      for await (const thread of chat.listChatThreads()) threads.push(thread);
      expect(threads).toEqual([]);

      // A browser app on the origin the dev stack allows: the token API's preflight and the emulator's (chat, as
      // the app calls it with its ACS token) both pass; Key Vault answers no CORS, as in Azure.
      const [origin] = readStackPlatformConfig().tokenApi.corsAllowedOrigins;
      expect(origin).toBe("http://localhost:5173");
      const tokenApi = await fetch(`${summary.tokenApiUrl}/api/token`, {
        method: "OPTIONS",
        headers: {
          origin: origin!,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
      expect([tokenApi.status, tokenApi.headers.get("access-control-allow-origin")]).toEqual([204, origin]);
      const chatPreflight = await emulatorPreflight(
        `${summary.acsEndpoint}chat/threads?api-version=2025-03-15`,
        ca,
        origin!,
        "POST",
        "authorization,content-type,x-ms-client-request-id",
      );
      expect(chatPreflight.status).toBe(200);
      expect(chatPreflight.headers["access-control-allow-origin"]).toBe(origin);
      expect(chatPreflight.headers["access-control-allow-methods"]).toBe("POST");
      expect(chatPreflight.headers["access-control-allow-headers"]).toBe("authorization,content-type,x-ms-client-request-id");
      const vault = await emulatorPreflight(
        `${written.keyVaultUrl as string}secrets/x?api-version=7.5`,
        ca,
        origin!,
        "GET",
        "authorization",
      );
      expect(vault.headers["access-control-allow-origin"]).toBeUndefined();

      // A second `npm run dev` on the live data directory is refused, and leaves the first one's env.json alone.
      const second = await run("tools/local-dev/cli.ts", ["--data-dir", dataDir]);
      expect([second.code, second.stdout]).toEqual([1, ""]);
      expect(second.stderr).toBe(
        `npm run dev refused: ${dataDir} is in use by another npm run dev (pid ${dev.child.pid}); stop it first, or give this one its own --data-dir\n`,
      );
      expect(existsSync(envFile)).toBe(true);
    } finally {
      expect(await dev.stop()).toBe(0);
    }
    // Stopped: env.json is gone, and dev:jwt says so instead of minting a token for nothing.
    expect(existsSync(envFile)).toBe(false);
    const after = await run("tools/local-dev/jwt.ts", ["--sub", "alice", "--data-dir", dataDir]);
    expect([after.code, after.stdout]).toEqual([2, ""]);
    expect(after.stderr).toBe(
      `error: the local environment is not running: ${envFile} not found; start it with \`npm run dev\` (run with --help for usage)\n`,
    );
  });

  it("dev:jwt without --sub exits 2 and explains", async () => {
    const result = await run("tools/local-dev/jwt.ts", []);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--sub is required");
  });

  it("npm run dev --stack names the stacks there are when the file does not exist", async () => {
    const result = await run("tools/local-dev/cli.ts", ["--stack", "prdo", "--data-dir", mkdtempSync(join(tmpdir(), "local-dev-stack-"))]);
    expect([result.code, result.stdout]).toEqual([2, ""]);
    expect(result.stderr).toBe("error: --stack prdo: no Pulumi.prdo.yaml (stacks here: dev, prod) (run with --help for usage)\n");
  });
});
