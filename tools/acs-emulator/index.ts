// startEmulator(): the in-process entry of the ACS emulator (HTTPS data plane, ARM, Key Vault, Log Analytics, admin).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { handleAdminRequest } from "./admin";
import { loadOrCreateCertificate } from "./certificate";
import type { EmulatorRuntime } from "./context";
import { mintEmulatorBearerToken } from "./credential";
import { applyEmailSeed, DEFAULT_EMAIL_SEED, senderAddresses, type EmailSeed } from "./email-state";
import { NO_EVENTS, type EventSink } from "./events";
import { EventGridDelivery, type EventGridOptions } from "./eventgrid";
import type { FaultSpec } from "./faults";
import { FaultInjector } from "./faults";
import { RateLimiter } from "./limits";
import { handleRequest } from "./server";
import { loadState, saveState } from "./state";

export { EmulatorCredential, mintEmulatorBearerToken } from "./credential";
export type { FaultSpec } from "./faults";
export type { EmailSeed } from "./email-state";
export type { AcsEvent, EventSink } from "./events";
export type { EventGridOptions, EmulatedSubscription, EventGridEvent, DeliveryRecord } from "./eventgrid";
export { decodeQueueMessage, deadLetterBlobName } from "./eventgrid";

export interface EmulatorOptions {
  /** HTTPS port; 0 (default) picks a free one. */
  port?: number;
  /** Persist state and the certificate here; default: in memory, certificate in a temp dir removed on close. */
  dataDir?: string;
  /** Base64 access keys; default: random (or the stored ones with a data dir). */
  primaryKey?: string;
  secondaryKey?: string;
  /** Faults active from the start (same shape as `POST /faults`). */
  faults?: FaultSpec[];
  /** Allowed x-ms-date skew for HMAC requests; the real value is unverified (default 900 s). */
  hmacMaxSkewSeconds?: number;
  /** Receives the ACS events the emulator publishes (email delivery reports, ...); also with `eventGrid` (both get every event); default: dropped. */
  events?: EventSink;
  /**
   * Email services, domains, senders and linked domains, e.g. from a stack's config (`emailSeedFromStack`). Given,
   * it is applied on every start; omitted, a fresh state gets DEFAULT_EMAIL_SEED (an Azure-managed domain with
   * DoNotReply, linked) and a stored state is kept.
   */
  email?: EmailSeed;
  /** Retry-After (seconds) of email sends, their polls and ARM verification operations; default 1 (Azure sends 30). */
  emailRetryAfterSeconds?: number;
  /** How many polls of a send answer Running before the terminal status; default 1. */
  emailRunningPolls?: number;
  /** Domain reads after initiateVerification before a record's verification completes; default 2. */
  domainVerificationPolls?: number;
  /** Event Grid delivery of the events the surfaces publish; default: none (events are discarded). */
  eventGrid?: EventGridOptions;
  /** Enforce the documented ACS identity and chat rate limits with 429 + Retry-After (limits.ts); default off. */
  acsLimits?: boolean;
}

export interface EmulatorInfo {
  endpoint: string;
  connectionString: string;
  caCertPath: string;
  caCertPem: string;
  armBaseUrl: string;
  keyVaultUrl: string;
  logAnalyticsUrl: string;
  adminUrl: string;
  subscriptionId: string;
  resourceGroupName: string;
  serviceName: string;
  workspaceId: string;
  devBearerToken: string;
  /** The email service the emulator holds, and every `username@domain` its domains allow (linked or not). */
  emailServiceName: string;
  emailSenderAddresses: string[];
}

export interface EmulatorHandle extends EmulatorInfo {
  /** Connection string with the current primary key (changes after `regenerateKey`). */
  currentConnectionString(): string;
  /** Present when `eventGrid` was given: delivery records, and `settled()` to wait for deliveries in flight. */
  eventGrid?: EventGridDelivery;
  close(): Promise<void>;
}

export const EMULATOR_SUBSCRIPTION_ID = "a0c50000-0000-4000-8000-000000000001";
export const EMULATOR_RESOURCE_GROUP = "rg-acs-emulator";
export const EMULATOR_SERVICE_NAME = "acs-emulator";
export const EMULATOR_WORKSPACE_ID = "a0c50000-0000-4000-8000-00000000a10a";

function listen(server: HttpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const certDir = options.dataDir ? join(options.dataDir, "tls") : mkdtempSync(join(tmpdir(), "acs-emulator-"));
  const certificate = await loadOrCreateCertificate(certDir);
  const state = loadState(options.dataDir, { primary: options.primaryKey, secondary: options.secondaryKey });
  const ids = { subscriptionId: EMULATOR_SUBSCRIPTION_ID, resourceGroupName: EMULATOR_RESOURCE_GROUP, resourceId: state.resourceId };
  if (options.email) applyEmailSeed(state.email, options.email, ids);
  else if (!state.email.seeded) applyEmailSeed(state.email, DEFAULT_EMAIL_SEED, ids);
  const timers = new Set<NodeJS.Timeout>();
  const faults = new FaultInjector();
  for (const spec of options.faults ?? []) faults.add(spec);

  let saveTimer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (options.dataDir) saveState(options.dataDir, state);
  };
  const runtime: EmulatorRuntime = {
    state,
    faults,
    origin: "https://127.0.0.1:0",
    subscriptionId: EMULATOR_SUBSCRIPTION_ID,
    resourceGroupName: EMULATOR_RESOURCE_GROUP,
    serviceName: EMULATOR_SERVICE_NAME,
    workspaceId: EMULATOR_WORKSPACE_ID,
    hmacMaxSkewSeconds: options.hmacMaxSkewSeconds ?? 900,
    ...(options.acsLimits ? { limits: new RateLimiter() } : {}),
    events: options.events ?? NO_EVENTS,
    email: {
      retryAfterSeconds: options.emailRetryAfterSeconds ?? 1,
      runningPolls: options.emailRunningPolls ?? 1,
      verificationPolls: options.domainVerificationPolls ?? 2,
    },
    // The emulator's clock: the wall clock plus the offset a test moved it by (admin `POST /clock`); token expiry,
    // timestamps and retention all read it.
    now: () => Date.now() + (state.clockOffsetMs ?? 0),
    defer: (fn, ms) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timer.unref();
      timers.add(timer);
    },
    changed: () => {
      if (options.dataDir && !saveTimer) saveTimer = setTimeout(flush, 100);
    },
  };

  const server = createHttpsServer({ cert: certificate.serverCertPem, key: certificate.serverKeyPem }, (req, res) => {
    void handleRequest(runtime, req, res);
  });
  const admin = createHttpServer((req, res) => void handleAdminRequest(runtime, req, res));
  // A client that vanishes mid-request must never take the process down.
  for (const s of [server, admin]) s.on("clientError", (_error, socket) => socket.destroy());
  const port = await listen(server, options.port ?? 0);
  const adminPort = await listen(admin, 0);
  runtime.origin = `https://127.0.0.1:${port}`;
  const eventGrid = options.eventGrid
    ? new EventGridDelivery(options.eventGrid, {
        // The system topic's events carry the Communication Services resource id as `topic` (Learn: ACS chat/email events).
        topic: () =>
          `/subscriptions/${runtime.subscriptionId}/resourceGroups/${runtime.resourceGroupName}/providers/Microsoft.Communication/communicationServices/${runtime.serviceName}`,
        faults,
        now: () => runtime.now(),
      })
    : undefined;
  if (eventGrid) {
    const extra = options.events;
    runtime.events = extra
      ? {
          publish: (event) => {
            extra.publish(event);
            eventGrid.publish(event);
          },
        }
      : eventGrid;
    runtime.eventGrid = eventGrid;
  }
  const endpoint = `${runtime.origin}/`;
  if (options.dataDir) flush();

  let closed = false;
  const handle: EmulatorHandle = {
    endpoint,
    connectionString: `endpoint=${endpoint};accesskey=${state.keys.primary}`,
    currentConnectionString: () => `endpoint=${endpoint};accesskey=${state.keys.primary}`,
    caCertPath: certificate.caCertPath,
    caCertPem: certificate.caCertPem,
    armBaseUrl: runtime.origin,
    keyVaultUrl: endpoint,
    logAnalyticsUrl: `${runtime.origin}/v1`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    subscriptionId: runtime.subscriptionId,
    resourceGroupName: runtime.resourceGroupName,
    serviceName: runtime.serviceName,
    workspaceId: runtime.workspaceId,
    devBearerToken: mintEmulatorBearerToken({ lifetimeSeconds: 365 * 24 * 3600 }).token,
    emailServiceName: Object.values(state.email.services)[0]?.name ?? "",
    emailSenderAddresses: senderAddresses(state.email),
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await eventGrid?.close();
      await Promise.all(
        [server, admin].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      flush();
      if (!options.dataDir) rmSync(certDir, { recursive: true, force: true });
    },
  };
  // Not enumerable: the handle is spread and JSON-serialised (env.json, the CLI's JSON line); the delivery object is not data.
  if (eventGrid) Object.defineProperty(handle, "eventGrid", { value: eventGrid, enumerable: false });
  return handle;
}
