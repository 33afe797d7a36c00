// Runs Azurite's table service as a child process on a fixed free port, so it can be stopped and restarted at the same address.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
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
  let chosenPort = port ?? (await freePort());
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
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    let stdout = "";
    spawned.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    spawned.stdout?.on("data", (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-2000)));
    child = spawned;
    spawned.once("exit", () => {
      if (child === spawned) child = undefined;
    });
    const deadline = Date.now() + startDeadlineMs;
    // Started when Azurite itself says so (azurite dist/src/table/main.js: "Azurite Table service successfully started
    // on <host>:<port>"), not when the port accepts a connection: the free port was only free when it was chosen, and
    // another process (a parallel test's server) may hold it now, answering in Azurite's place.
    while (!stdout.includes(`successfully started on 127.0.0.1:${chosenPort}`)) {
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

  // A port taken between choosing it and Azurite binding it (EADDRINUSE): choose again, unless the caller fixed it.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      if (port !== undefined || attempt === 3 || !/exited before it started/.test(String(error))) throw error;
      chosenPort = await freePort();
    }
  }
  return {
    port: chosenPort,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${chosenPort}/${DEV_ACCOUNT};`,
    start,
    stop,
  };
}
