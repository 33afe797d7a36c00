// The local-development flow of docs/token-api.md, as written: `npm run dev`, `npm run dev:jwt`, /api/token, then chat with the token.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

describe("npm run dev and dev:jwt", () => {
  it("prints one JSON line, mints a JWT on the last line, and the pieces work together", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "local-dev-cli-"));
    const child = spawn(tsx, ["tools/local-dev/cli.ts", "--data-dir", dataDir], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        child.once("exit", (code) => reject(new Error(`npm run dev exited with ${code}`)));
      });
      const summary = JSON.parse(line) as Record<string, string>;
      expect(JSON.parse(readFileSync(join(dataDir, "env.json"), "utf8")).tokenApiInstances).toEqual(summary.tokenApiInstances);
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
      expect(JSON.parse(readFileSync(join(dataDir, "env.json"), "utf8")).tokenApiUrl).toBe(summary.tokenApiUrl);

      const { stdout } = await promisify(execFile)(tsx, ["tools/local-dev/jwt.ts", "--sub", "alice", "--data-dir", dataDir], { cwd: root });
      const jwt = stdout.trim().split("\n").pop()!;
      expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      const response = await fetch(`${summary.tokenApiUrl}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(200);
      const { token } = (await response.json()) as { token: string };
      const chat = new ChatClient(summary.acsEndpoint!, new AzureCommunicationTokenCredential(token), {
        tlsOptions: { ca: readFileSync(summary.caCertPath!, "utf8") },
      } as never);
      // The default end-user token is least privilege (chat.join.limited, voip.join): ACS refuses thread creation with 403.
      const refused = await chat.createChatThread({ topic: "local dev" }).catch((error: { statusCode?: number }) => error);
      expect((refused as { statusCode?: number }).statusCode).toBe(403);
      const threads: unknown[] = [];
      for await (const thread of chat.listChatThreads()) threads.push(thread);
      expect(threads).toEqual([]);

      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("dev:jwt without --sub exits 2 and explains", async () => {
    const result = await promisify(execFile)(tsx, ["tools/local-dev/jwt.ts"], { cwd: root }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stderr: string }).stderr).toContain("--sub is required");
  });
});
