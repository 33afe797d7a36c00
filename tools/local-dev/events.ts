// The local environment's event routing, wired from the dev stack's own config: Azurite queue and blob services, one
// queue per storage-queue subscription plus the dead-letter container (as components/event-routing creates them in
// Azure), and the emulator's Event Grid subscriptions built from the same `eventRouting` section.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { parseConfig, rawConfigFromPulumi, type PlatformConfig } from "../../stacks/config";
import { DEFAULT_PROJECT_ROOT, readStackConfig } from "../plan/harness";
import {
  queueNameOf,
  subscriptionSummaries,
  type EventRoutingSection,
  type SubscriptionSummary,
} from "../../components/event-routing/config";
import type { EmulatedSubscription, EventGridOptions } from "../acs-emulator/eventgrid";
import { DEV_ACCOUNT, DEV_KEY, freePort } from "./azurite";
import { START_DEADLINE_MS, killAndWait } from "./start-deadline";

/** The stack whose config the local environment follows unless told otherwise. */
export const DEFAULT_STACK_FILE = resolve(DEFAULT_PROJECT_ROOT, "Pulumi.dev.yaml");

/**
 * Local retry schedule: Event Grid's (10 s, 30 s, 1 min, ... 12 h) would take a day to dead-letter; locally the same
 * number of attempts happen 1 s apart and the dead letter is written 1 s after the last one.
 */
export const LOCAL_RETRY_DELAYS_MS: readonly number[] = [1000];
export const LOCAL_DEAD_LETTER_DELAY_MS = 1000;

/**
 * The local test recipient: any address without one of the emulator's outcome keywords (bounce@, suppressed@, ...;
 * tools/acs-emulator/handlers/email.ts) is reported Delivered. example.com is reserved (RFC 2606), so nothing is mailed.
 */
export const LOCAL_TEST_RECIPIENT = "smoke-test@example.com";

/** The `email` section of `.local-dev/env.json`. */
export interface LocalEmailInfo {
  /** Every `username@domain` the stack's domains configure (linked or not), as the stack output `emailSenderAddresses`. */
  senderAddresses: string[];
  testRecipient: string;
}

/** One subscription as `.local-dev/env.json` names it (`events.subscriptions[]`). */
export type LocalSubscriptionInfo = SubscriptionSummary;

/** The `events` section of `.local-dev/env.json`. */
export interface LocalEventsInfo {
  /** Which stack file the routing came from. */
  stackFile: string;
  /** Connection string of the Azurite account holding the queues and the dead-letter container. */
  storageConnectionString: string;
  queueEndpoint: string;
  blobEndpoint: string;
  deadLetterContainerName: string;
  subscriptions: LocalSubscriptionInfo[];
}

/** Reads and validates a stack file with the program's own config parser (errors name the key). */
export function readStackPlatformConfig(stackFile: string = DEFAULT_STACK_FILE): PlatformConfig {
  return parseConfig(rawConfigFromPulumi(readStackConfig(stackFile, "acs-platform").values));
}

/** The emulator's subscriptions for `routing`: storage-queue ones only, each dead-lettering into the routing container. */
export function emulatedSubscriptions(routing: EventRoutingSection): EmulatedSubscription[] {
  return routing.subscriptions.flatMap((s) =>
    s.destination.type === "storageQueue"
      ? [
          {
            name: s.name,
            includedEventTypes: [...s.eventTypes],
            queueName: queueNameOf(s.name, s.destination),
            maxDeliveryAttempts: s.retry.maxDeliveryAttempts,
            eventTimeToLiveInMinutes: s.retry.eventTimeToLiveInMinutes,
            deadLetterContainerName: routing.deadLetterContainerName,
          },
        ]
      : [],
  );
}

export function subscriptionInfo(routing: EventRoutingSection): LocalSubscriptionInfo[] {
  return subscriptionSummaries(routing.subscriptions);
}

export interface AzuriteEventStorage {
  connectionString: string;
  queueEndpoint: string;
  blobEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Azurite's combined entry (the package's `azurite` bin, https://github.com/Azure/Azurite#command-line-options): blob
 * and queue in one process, which costs about half the CPU of two single-service processes (0.4 vs 0.7 CPU-s measured
 * at start-up). It also starts a table service, on a port nobody uses; the token API's table is tools/local-dev/azurite.ts,
 * its own process because tests stop and restart it alone.
 */
async function spawnAzurite(
  location: string,
  choosePort: () => Promise<number>,
): Promise<{ queuePort: number; blobPort: number; child: ChildProcess }> {
  const entry = join(dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
  const [queuePort, blobPort, unusedTablePort] = [await choosePort(), await choosePort(), await choosePort()];
  const ports = ["--queuePort", String(queuePort), "--blobPort", String(blobPort), "--tablePort", String(unusedTablePort)];
  const child = spawn(
    process.execPath,
    [entry, ...ports, "--location", location, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  let stdout = "";
  let exited = false;
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  child.stdout?.on("data", (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-4000)));
  child.once("exit", () => (exited = true));
  const deadline = Date.now() + START_DEADLINE_MS;
  // Started when Azurite says so for both ports (azurite dist/src/azurite.js: "Azurite Queue service is successfully
  // listening at http://<host>:<port>"), not when a port accepts connections: another process may hold a chosen port.
  const listening = (service: string, p: number) =>
    stdout.includes(`Azurite ${service} service is successfully listening at http://127.0.0.1:${p}`);
  while (!listening("Queue", queuePort) || !listening("Blob", blobPort)) {
    if (exited) throw new Error(`azurite (queue, blob) exited before it started: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      await killAndWait(child);
      throw new Error(`azurite (queue, blob) did not start within ${START_DEADLINE_MS / 1000} s; stopped it (pid ${child.pid})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { queuePort, blobPort, child };
}

/**
 * spawnAzurite, again on new ports when one it chose was taken before Azurite bound it (EADDRINUSE: freePort closes
 * its probe, so a parallel test may take the port in between), as startAzuriteTables does (./azurite.ts).
 */
async function spawnAzuriteOnFreePorts(
  location: string,
  choosePort: () => Promise<number>,
): Promise<{ queuePort: number; blobPort: number; child: ChildProcess }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnAzurite(location, choosePort);
    } catch (error) {
      if (attempt === 3 || !/exited before it started: [^]*EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}

/**
 * Starts Azurite's queue and blob services (one child process) with state under `location`. `choosePort` picks each
 * port (a free one; tests hand it a taken one to show the retry).
 */
export async function startAzuriteEventStorage(
  location: string,
  choosePort: () => Promise<number> = freePort,
): Promise<AzuriteEventStorage> {
  mkdirSync(location, { recursive: true });
  const azurite = await spawnAzuriteOnFreePorts(location, choosePort);
  const queueEndpoint = `http://127.0.0.1:${azurite.queuePort}/${DEV_ACCOUNT}`;
  const blobEndpoint = `http://127.0.0.1:${azurite.blobPort}/${DEV_ACCOUNT}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};QueueEndpoint=${queueEndpoint};BlobEndpoint=${blobEndpoint};`,
    queueEndpoint,
    blobEndpoint,
    stop: () => stopChild(azurite.child),
  };
}

/** Creates the queues and the dead-letter container the subscriptions need (idempotent, like `pulumi up`). */
export async function provisionEventStorage(
  connectionString: string,
  subscriptions: readonly EmulatedSubscription[],
  deadLetterContainerName: string,
): Promise<void> {
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  for (const queueName of new Set(subscriptions.map((s) => s.queueName))) await queues.getQueueClient(queueName).createIfNotExists();
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(deadLetterContainerName).createIfNotExists();
}

export interface LocalEvents {
  /** What `startEmulator({ eventGrid })` needs. */
  eventGrid: EventGridOptions;
  /** The `events` section of env.json. */
  info: LocalEventsInfo;
  stop(): Promise<void>;
}

/** Reads the stack's `eventRouting`, starts Azurite queue + blob, creates the queues and the dead-letter container. */
export async function startLocalEvents(dataDir: string, config: PlatformConfig, stackFile: string): Promise<LocalEvents> {
  const routing = config.eventRouting;
  const subscriptions = emulatedSubscriptions(routing);
  const storage = await startAzuriteEventStorage(join(dataDir, "azurite-events"));
  try {
    await provisionEventStorage(storage.connectionString, subscriptions, routing.deadLetterContainerName);
  } catch (error) {
    await storage.stop();
    throw error;
  }
  return {
    eventGrid: {
      subscriptions,
      storageConnectionString: storage.connectionString,
      retryDelaysMs: LOCAL_RETRY_DELAYS_MS,
      deadLetterDelayMs: LOCAL_DEAD_LETTER_DELAY_MS,
    },
    info: {
      stackFile,
      storageConnectionString: storage.connectionString,
      queueEndpoint: storage.queueEndpoint,
      blobEndpoint: storage.blobEndpoint,
      deadLetterContainerName: routing.deadLetterContainerName,
      subscriptions: subscriptionInfo(routing),
    },
    stop: storage.stop,
  };
}
