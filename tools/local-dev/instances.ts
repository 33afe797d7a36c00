// Runs token API instances as separate processes (as App Service does) and a small round-robin entry point in front of them.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { buildSync } from "esbuild";
import type { DestinationStream } from "pino";
import { TOKEN_API_NODE_MAJOR } from "../../policies/deployability-facts";
import { freePort } from "./azurite";
import { START_DEADLINE_MS, killAndWait } from "./start-deadline";

/** Token API processes `npm run dev` starts unless told otherwise: prod runs two. */
export const DEFAULT_INSTANCES = 2;

const repoRoot = join(__dirname, "..", "..");
const serverSource = join(repoRoot, "services", "token-api", "src", "server.ts");
const compiledServer = join(repoRoot, ".cache", "token-api-local", "server.js");
let compiled: string | undefined;

/**
 * The token API compiled to JavaScript, as App Service runs it (services/token-api/scripts/build.ts compiles with
 * esbuild too; packages stay in node_modules): built once per process from the current sources, and started with
 * `node` — half the start-up CPU of running the TypeScript through tsx (0.30 vs 0.65 CPU-s measured), which
 * counts when tests start dozens of instances. Written under a per-process name and renamed, so a concurrent
 * build never leaves a half-written file; `--enable-source-maps` keeps stack traces on the .ts lines.
 */
function serverEntry(): string {
  if (compiled) return compiled;
  const result = buildSync({
    entryPoints: [serverSource],
    bundle: true,
    packages: "external",
    platform: "node",
    target: `node${TOKEN_API_NODE_MAJOR}`,
    format: "cjs",
    outfile: compiledServer,
    sourcemap: "linked",
    write: false,
    logLevel: "error",
  });
  mkdirSync(dirname(compiledServer), { recursive: true });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  compiled = compiledServer;
  return compiled;
}

export interface TokenApiInstance {
  /** `local-0`, `local-1`, ...: what the instance reports as `instance` on /readyz. */
  id: string;
  url: string;
  port: number;
  running(): boolean;
  start(): Promise<void>;
  /** SIGTERM, then wait for the process to exit (it drains in-flight requests first). */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for failure tests. */
  kill(): Promise<void>;
}

export interface InstanceOptions {
  id: string;
  /** Picks the port when `port` is not given (default: a free one; a test hands it a taken one to show the retry). */
  choosePort?: () => Promise<number>;
  env: Record<string, string>;
  port?: number;
  logStream?: DestinationStream;
  startTimeoutMs?: number;
}

/** One token API process; `start()` again after `stop()` reuses the same port. */
export async function tokenApiInstance(options: InstanceOptions): Promise<TokenApiInstance> {
  const choosePort = options.choosePort ?? freePort;
  let port = options.port || (await choosePort());
  let child: ChildProcess | undefined;
  let listenedOnce = false;

  // A port chosen here can be taken by another process before the server binds it (freePort closes its probe): the
  // first start then exits with EADDRINUSE and is tried again on a new port. Once it has listened, a restart keeps
  // its port (callers hold the URL), as does a port the caller fixed.
  const start = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await startOnce();
        listenedOnce = true;
        return;
      } catch (error) {
        if (listenedOnce || options.port || attempt === 3 || !/EADDRINUSE/.test(String(error))) throw error;
        port = await choosePort();
      }
    }
  };

  const startOnce = async () => {
    if (child) return;
    const spawned = spawn(process.execPath, ["--enable-source-maps", serverEntry()], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env, PORT: String(port), WEBSITE_INSTANCE_ID: options.id },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = spawned;
    let stderr = "";
    let pending = "";
    let listening: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    spawned.stdout!.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.includes('"msg":"listening"')) listening();
        if (options.logStream && line.length > 0) options.logStream.write(`${line}\n`);
      }
    });
    spawned.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) =>
      spawned.once("exit", (code) => {
        if (child === spawned) child = undefined;
        reject(new Error(`token API ${options.id} exited with ${code}: ${stderr.trim().slice(-1000)}`));
      }),
    );
    exited.catch(() => undefined);
    const timeoutMs = options.startTimeoutMs ?? START_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error(`token API ${options.id} did not listen within ${timeoutMs} ms`)), timeoutMs)),
    );
    const settled = new AbortController();
    try {
      // Without logs (LOG_LEVEL=silent) the line never comes: fall back to polling /healthz.
      await Promise.race([ready, pollHealth(`http://127.0.0.1:${port}`, settled.signal), exited, timeout]);
    } catch (error) {
      // A process that missed its deadline is ended here: the caller gets the error, not a process to stop.
      if (child === spawned) child = undefined;
      await killAndWait(spawned);
      throw error;
    } finally {
      // A process that exited or never listened would otherwise be polled for as long as this process runs.
      settled.abort();
      clearTimeout(timer);
    }
  };

  const waitForExit = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill(signal);
      setTimeout(() => running.kill("SIGKILL"), 15_000).unref();
    });
    child = undefined;
  };

  return {
    id: options.id,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    running: () => child !== undefined,
    start,
    stop: () => waitForExit("SIGTERM"),
    kill: () => waitForExit("SIGKILL"),
  };
}

/** Polls /healthz until it answers, or until `stop` is aborted (the start settled another way). */
async function pollHealth(url: string, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export interface EntryPoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A round-robin HTTP entry point, like App Service's front end: each request goes to the next instance; an
 * instance that refuses the connection (stopped) is skipped, as a load balancer skips an unhealthy one.
 */
export async function startEntryPoint(instances: TokenApiInstance[], port = 0): Promise<EntryPoint> {
  let next = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const forward = (tries: number) => {
        const target = instances[next++ % instances.length]!;
        const upstream = httpRequest(
          {
            host: "127.0.0.1",
            port: target.port,
            agent,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "" },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on("error", (error: NodeJS.ErrnoException) => {
          if (error.code === "ECONNREFUSED" && tries < instances.length) return forward(tries + 1);
          if (!res.headersSent) {
            res.writeHead(502, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: { code: "bad_gateway", message: "No token API instance answered." } }));
          } else res.destroy();
        });
        upstream.end(body);
      };
      forward(1);
    });
  });
  // Keep-alive connections from clients are served request by request; the instances see fresh connections.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
