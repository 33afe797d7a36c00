// Runs Azurite's table service as a child process on a fixed free port, so it can be stopped and restarted at the same address.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { dirname, join } from "node:path";
import { START_DEADLINE_MS, killAndWait } from "./start-deadline";

/** Azurite's published development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite). */
export const DEV_ACCOUNT = "devstoreaccount1";
export const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteTables {
  port: number;
  connectionString: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts a TCP connection on 127.0.0.1:`port`. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function azuriteTableEntry(): string {
  const packageJson = require.resolve("azurite/package.json");
  return join(dirname(packageJson), "dist", "src", "table", "main.js");
}

/** `startDeadlineMs`: how long each start waits for the port (default START_DEADLINE_MS; tests shorten it). */
export async function startAzuriteTables(
  location: string,
  port?: number,
  { startDeadlineMs = START_DEADLINE_MS }: { startDeadlineMs?: number } = {},
): Promise<AzuriteTables> {
  mkdirSync(location, { recursive: true });
  const chosenPort = port ?? (await freePort());
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const spawned = spawn(
      process.execPath,
      [
        azuriteTableEntry(),
        "--tablePort",
        String(chosenPort),
        "--location",
        location,
        "--silent",
        "--skipApiVersionCheck",
        "--disableTelemetry",
        "--loose",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    spawned.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child = spawned;
    spawned.once("exit", () => {
      if (child === spawned) child = undefined;
    });
    const deadline = Date.now() + startDeadlineMs;
    while (!(await canConnect(chosenPort))) {
      if (!child) throw new Error(`azurite (table, port ${chosenPort}) exited before it started: ${stderr.trim()}`);
      if (Date.now() > deadline) {
        // The caller gets an error and no handle to stop: the child is ours to end, or it outlives everything.
        child = undefined;
        await killAndWait(spawned);
        throw new Error(
          `azurite (table, port ${chosenPort}) did not start within ${startDeadlineMs / 1000} s; stopped it (pid ${spawned.pid})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  // Azurite's table entry (azurite src/table/main.ts) closes the server, and with it saves its Loki database,
  // only on SIGINT or an IPC "shutdown" message; SIGTERM kills it with the default handler, losing up to the
  // 5 s autosave interval (LokiTableMetadataStore, autosaveInterval 5000) of acknowledged writes.
  const stop = async () => {
    const running = child;
    if (!running) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGINT");
      setTimeout(() => running.kill("SIGKILL"), 10_000).unref();
    });
    child = undefined;
  };

  await start();
  return {
    port: chosenPort,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${chosenPort}/${DEV_ACCOUNT};`,
    start,
    stop,
  };
}
