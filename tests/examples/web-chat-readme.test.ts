// Runs examples/web-chat/README.md's commands against a fresh `npm run dev` (its data dir in place of .local-dev), and
// checks that what `npm run example:web` serves would work there: the page's config from env.json, the stack's
// origin allowed by the token API, the emulator's chat preflight and the dev sign-in page, alice's conversation listed.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { readLocalAppConfig, webChatOrigin } from "../../examples/web-chat/site";
import { mintLocalToken, type StoredSigningKey } from "../../tools/local-dev/oidcIssuer";
import { startDevProcess } from "../support/dev-process";

const root = join(__dirname, "..", "..");

/** An OPTIONS request to the emulator, trusting its CA (this process has no NODE_EXTRA_CA_CERTS). */
function preflightOverTls(
  url: string,
  headers: Record<string, string>,
  ca: string,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "OPTIONS", headers, ca }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("examples/web-chat README", () => {
  it("the backend command creates order 1234 for alice and bob, and the app's origin, config and sign-in work against npm run dev", async () => {
    const readme = readFileSync(join(root, "examples", "web-chat", "README.md"), "utf8");
    const lines = /```sh\n([\s\S]*?)```/
      .exec(readme)![1]!
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"));
    // Terminals 1 and 2 are servers: `npm run dev` is started here with its own data dir; example:web's parts are checked below.
    expect(lines[0]).toMatch(/^npm run dev\s/);
    expect(lines[1]).toMatch(/^npm run example:web\s/);
    const dataDir = mkdtempSync(join(tmpdir(), "example-web-chat-"));
    const envFile = join(dataDir, "env.json");
    const script = lines
      .slice(2)
      .join("\n")
      .replaceAll("./.local-dev/env.json", envFile)
      .replaceAll("dev:jwt -- ", `dev:jwt -- --data-dir ${dataDir} `);
    let dev: Awaited<ReturnType<typeof startDevProcess>> | undefined;
    try {
      dev = await startDevProcess(["--data-dir", dataDir]);
      const { stdout } = await promisify(execFile)("bash", ["-c", script], { cwd: root, timeout: 120_000 });
      const printed = JSON.parse(stdout.split("\n").find((line) => line.startsWith("{"))!) as { status: number; participants: string[] };
      expect([printed.status, printed.participants]).toEqual([201, ["alice", "bob"]]);

      const found = readLocalAppConfig(envFile);
      if (!("config" in found)) throw new Error(found.error);
      const { config } = found;
      expect(config.tokenApiUrl).toBe(dev.summary.tokenApiUrl);
      expect(config.acsEndpoint).toBe(dev.summary.acsEndpoint);
      expect(config.realtime).toBe("poll");
      const origin = webChatOrigin().origin;
      expect(origin).toBe("http://localhost:5173");

      const preflight = await fetch(`${config.tokenApiUrl}/api/conversations`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
      });
      expect([preflight.status, preflight.headers.get("access-control-allow-origin")]).toEqual([204, origin]);
      const chatPreflight = await preflightOverTls(
        `${config.acsEndpoint}chat/threads/19%3Ax%40thread.v2/messages?api-version=2025-03-15`,
        { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
        readFileSync(dev.summary.caCertPath, "utf8"),
      );
      expect([chatPreflight.status, chatPreflight.headers["access-control-allow-origin"]]).toEqual([200, origin]);

      if (config.signIn.kind !== "dev") throw new Error("the local config signs in on the dev page");
      const page = await fetch(`${config.signIn.url}?redirect_uri=${encodeURIComponent(`${origin}/`)}&state=s`);
      expect(page.status).toBe(200);

      const key = JSON.parse(readFileSync(join(dataDir, "oidc-signing-key.json"), "utf8")) as StoredSigningKey;
      const summary = dev.summary as unknown as { oidcIssuer: string; oidcAudience: string };
      const alice = await mintLocalToken(key, summary.oidcIssuer, summary.oidcAudience, "alice");
      const list = await fetch(`${config.tokenApiUrl}/api/conversations`, { headers: { authorization: `Bearer ${alice}`, origin } });
      expect(list.headers.get("access-control-allow-origin")).toBe(origin);
      expect(((await list.json()) as { items: Array<{ topic: string }> }).items.map((c) => c.topic)).toEqual(["Order 1234"]);
    } finally {
      await dev?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
