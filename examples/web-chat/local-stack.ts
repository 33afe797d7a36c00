// The web chat example as its browser tests (tests/browser), bench (bench/web-chat.ts) and screenshots
// (screenshots.ts) run it: the built app on a static server, a local environment that allows that origin, headless
// system Chromium that trusts the emulator, and helpers a caller uses. Here, not under tests/, so the bench and the
// screenshots CLI import no test code.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { localAppConfig } from "./site";
import type { AppConfig } from "./src/config";
import { launchChromium } from "../../tools/local-dev/chromium";
import { startLocalEnvironment, type LocalEnvironment } from "../../tools/local-dev/index";
import { DEV_SIGN_IN_PATH } from "../../tools/local-dev/oidcIssuer";
import type { TokenApiEnv } from "../../services/token-api/src/settings";

const root = resolve(__dirname, "..", "..");
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

export interface WebChatStack {
  /** The app's origin (http://localhost:PORT), allowed by the environment's token API and dev sign-in. */
  origin: string;
  env: LocalEnvironment;
  browser: Browser;
  config: AppConfig;
  /** The built app's files (for sizes). */
  outDir: string;
  /** Creates a conversation as the app's backend does (a service caller with `conversations.manage`). */
  createConversation(type: string, id: string, topic: string, subjects: string[]): Promise<{ threadId: string }>;
  /** Messages sent by `user` with the chat SDK in Node and that user's own token from the token API (history for a test). */
  sendAs(user: string, threadId: string, texts: string[]): Promise<void>;
  /** A new browser context signed in as `user` on the dev sign-in page; its page is at `path`. */
  signedIn(user: string, path?: string, setup?: (context: BrowserContext, page: Page) => Promise<void>): Promise<Page>;
  stop(): Promise<void>;
}

/** Builds the token refresher (dist, what the app imports), then the app into a temp dir with Vite's CLI. */
async function buildApp(): Promise<string> {
  const run = promisify(execFile);
  await run(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "clients/token-refresher/tsconfig.build.json"],
    { cwd: root },
  );
  const outDir = mkdtempSync(join(tmpdir(), "web-chat-build-"));
  await run(
    process.execPath,
    [
      join(root, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "examples/web-chat",
      "--outDir",
      outDir,
      "--emptyOutDir",
      "--logLevel",
      "warn",
    ],
    {
      cwd: root,
    },
  );
  return outDir;
}

/** A static server for the built app: its files, /config.json from memory, index.html for the app's routes. */
function serveApp(outDir: string, config: () => AppConfig): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if (path === "/config.json") {
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      return res.end(JSON.stringify(config()));
    }
    let file = normalize(join(outDir, path));
    if (!file.startsWith(outDir) || !extname(path)) file = join(outDir, "index.html");
    try {
      if (!statSync(file).isFile()) throw new Error("not a file");
      res.setHeader("content-type", TYPES[extname(file)] ?? "application/octet-stream");
      res.end(readFileSync(file));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolveServer) => server.listen(0, "127.0.0.1", () => resolveServer(server)));
}

export async function startWebChatStack(options: { pollIntervalMs?: number; tokenApiEnv?: TokenApiEnv } = {}): Promise<WebChatStack> {
  const cleanup: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const outDir = await buildApp();
    cleanup.push(async () => rmSync(outDir, { recursive: true, force: true }));
    // The page's config names the environment, which is started after the server (it needs the server's origin).
    const served: { config?: AppConfig } = {};
    const server = await serveApp(outDir, () => served.config!);
    cleanup.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );
    const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    const env = await startLocalEnvironment({ browserOrigins: [origin], tokenApiEnv: options.tokenApiEnv });
    cleanup.push(() => env.stop());
    const config: AppConfig = {
      ...localAppConfig({
        tokenApiUrl: env.tokenApiUrl,
        acsEndpoint: env.emulator.endpoint,
        devSignInUrl: `${env.oidc.issuer}${DEV_SIGN_IN_PATH}`,
      }),
      ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    };
    served.config = config;
    const browser = await launchChromium({ trustHttpsOf: [env.emulator.endpoint] });
    cleanup.push(() => browser.close());
    return {
      origin,
      env,
      browser,
      config,
      outDir,
      async createConversation(type, id, topic, subjects) {
        const jwt = await env.oidc.mintToken("web-chat-backend", { roles: ["conversations.manage"] });
        const response = await fetch(`${env.tokenApiUrl}/api/conversations/${type}/${encodeURIComponent(id)}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
          body: JSON.stringify({ topic, participants: subjects.map((subject) => ({ subject })) }),
        });
        if (response.status !== 201 && response.status !== 200)
          throw new Error(`PUT conversation: ${response.status} ${await response.text()}`);
        return (await response.json()) as { threadId: string };
      },
      async sendAs(user, threadId, texts) {
        const { ChatClient } = await import("@azure/communication-chat");
        const { AzureCommunicationTokenCredential } = await import("@azure/communication-common");
        const issued = await fetch(`${env.tokenApiUrl}/api/token`, {
          method: "POST",
          headers: { authorization: `Bearer ${await env.oidc.mintToken(user)}` },
        });
        const { token } = (await issued.json()) as { token: string };
        const chat = new ChatClient(env.emulator.endpoint, new AzureCommunicationTokenCredential(token), {
          tlsOptions: { ca: env.emulator.caCertPem },
        } as never);
        const thread = chat.getChatThreadClient(threadId);
        for (const content of texts) await thread.sendMessage({ content }, { senderDisplayName: user });
      },
      async signedIn(user, path = "/", setup) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await setup?.(context, page);
        await page.goto(`${origin}${path}`);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("button", { name: `Sign in as ${user}` }).click();
        await page.getByText(`Signed in as ${user}`).waitFor();
        return page;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
