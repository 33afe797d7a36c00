// startLocalEnvironment(): Azurite, the ACS emulator, a local OIDC issuer and N token API processes behind a round-robin entry point.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { DestinationStream } from "pino";
import { SecretClient } from "@azure/keyvault-secrets";
import { startEmulator, type EmulatorHandle } from "../acs-emulator/index";
import { StaticTokenCredential } from "../acs-emulator/credential";
import { loadConfig } from "../../services/token-api/src/config";
import { ACTIVE_KEY_TAG, SECRET_NAME, type TokenApiEnv } from "../../services/token-api/src/settings";
import { startAzuriteTables } from "./azurite";
import { DEFAULT_INSTANCES, startEntryPoint, tokenApiInstance, type TokenApiInstance } from "./instances";
import { DEV_SIGN_IN_PATH, LOCAL_SCOPE, startOidcIssuer, type OidcIssuer } from "./oidcIssuer";
import {
  DEFAULT_STACK_FILE,
  LOCAL_TEST_RECIPIENT,
  readStackPlatformConfig,
  startLocalEvents,
  type LocalEmailInfo,
  type LocalEventsInfo,
} from "./events";
import { emailSeedFromStack } from "../acs-emulator/stack-seed";

export { startOidcIssuer, mintLocalToken, loadOrCreateSigningKey, LOCAL_AUDIENCE, LOCAL_SCOPE } from "./oidcIssuer";
export type { TokenApiInstance } from "./instances";
export { SECRET_NAME, DEFAULT_INSTANCES };

export interface LocalEnvironmentOptions {
  /** Where Azurite, the emulator and the OIDC key keep their files; default: a new temp dir. */
  dataDir?: string;
  /** `key-vault` (default): the connection string is seeded in the emulator's vault. `managed-identity`: the emulator's bearer token. */
  acsAuthMode?: "key-vault" | "managed-identity";
  /** Extra token API environment (e.g. `{ RATE_LIMIT_PER_USER_PER_MINUTE: "5" }`). */
  tokenApiEnv?: TokenApiEnv;
  /** Where the token API processes write their pino lines; default: discarded unless LOG_LEVEL is set. */
  logStream?: DestinationStream;
  /** Fixed entry-point port (0 / unset = any free port). */
  tokenApiPort?: number;
  /** The stack whose email and event routing the environment follows (default Pulumi.dev.yaml). */
  stackFile?: string;
  /** Token API processes behind the entry point (default DEFAULT_INSTANCES). */
  instances?: number;
  /** The emulator enforces the documented ACS rate limits (`npm run dev -- --acs-limits`; EmulatorOptions.acsLimits). */
  acsLimits?: boolean;
  /** Browser origins allowed to call the token API and to use the dev sign-in page; default the stack's tokenApi.corsAllowedOrigins. */
  browserOrigins?: string[];
}

export interface LocalEnvironment {
  /** The round-robin entry point (what a client calls, like the App Service hostname). */
  tokenApiUrl: string;
  /** Each token API process, addressable on its own (like an App Service instance via ARRAffinity). */
  instances: TokenApiInstance[];
  emulator: EmulatorHandle;
  oidc: Pick<
    OidcIssuer,
    "issuer" | "previousIssuer" | "audience" | "jwksUri" | "publicJwk" | "jwksFetches" | "mintToken" | "setAvailable"
  > & { keyFile: string };
  azurite: { connectionString: string; stop(): Promise<void>; start(): Promise<void> };
  /** All instances at once. */
  tokenApi: { stop(): Promise<void>; start(): Promise<void>; env: Record<string, string> };
  /** Writes a new secret version holding `connectionString`, tagged with the key it holds (what the rotation runbook does). */
  updateSecret(connectionString: string, activeKey: "primary" | "secondary"): Promise<string | undefined>;
  /** The stack's event subscriptions as wired locally: Azurite queues, dead-letter container (env.json `events`). */
  events: LocalEventsInfo;
  /** The stack's email senders as seeded into the emulator, and an address it always delivers to (env.json `email`). */
  email: LocalEmailInfo;
  stop(): Promise<void>;
}

/**
 * The documented fields of `.local-dev/env.json` for `env`: what `npm run dev` writes and `--local` reads
 * (runbooks/lib/target.ts). The first eight are also the line `npm run dev` prints.
 */
export function localEnvDocument(env: LocalEnvironment) {
  return {
    tokenApiUrl: env.tokenApiUrl,
    tokenApiInstances: env.instances.map((instance) => ({ id: instance.id, url: instance.url })),
    acsEndpoint: env.emulator.endpoint,
    connectionString: env.emulator.connectionString,
    caCertPath: env.emulator.caCertPath,
    oidcIssuer: env.oidc.issuer,
    oidcAudience: env.oidc.audience,
    jwtCommand: "npm run dev:jwt -- --sub alice",
    oidcKeyFile: env.oidc.keyFile,
    oidcScope: LOCAL_SCOPE,
    /** The development-only sign-in page of the local issuer, for browser apps (examples/web-chat). */
    devSignInUrl: `${env.oidc.issuer}${DEV_SIGN_IN_PATH}`,
    keyVaultUrl: env.emulator.keyVaultUrl,
    armBaseUrl: env.emulator.armBaseUrl,
    adminUrl: env.emulator.adminUrl,
    mappingTableConnectionString: env.azurite.connectionString,
    events: env.events,
    email: env.email,
  };
}

type Stoppable = { stop(): Promise<void> } | { close(): Promise<void> };

/**
 * Starts independent parts at once. Every part that started gets its stop in `cleanup` (in order), also when
 * another failed, so the caller's cleanup leaves no process behind; the first failure is rethrown.
 */
async function startAll<T extends readonly (() => Promise<Stoppable>)[]>(
  cleanup: Array<() => Promise<void>>,
  starters: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const settled = await Promise.allSettled(starters.map((start) => start()));
  for (const result of settled) {
    if (result.status !== "fulfilled") continue;
    const part = result.value;
    cleanup.push(() => ("stop" in part ? part.stop() : part.close()));
  }
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<Stoppable>).value) as never;
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "acs-local-dev-"));
  mkdirSync(dataDir, { recursive: true });
  const cleanup: Array<() => Promise<void>> = [];
  // A temp dir made here is ours to remove, after everything that writes to it has stopped (cleanup runs in
  // reverse, so this runs last); 84 of them (about 1 MB each) had piled up in the OS temp dir.
  if (options.dataDir === undefined) cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const stackFile = options.stackFile ?? DEFAULT_STACK_FILE;
    const stackConfig = readStackPlatformConfig(stackFile);
    const keyFile = join(dataDir, "oidc-signing-key.json");
    const browserOrigins = options.browserOrigins ?? stackConfig.tokenApi.corsAllowedOrigins;
    // The two storage accounts (the mapping table's, the events') and the issuer start side by side: each is a
    // child process or server of its own, and waiting for one before the next only added up their start-ups.
    const [azurite, events, oidc] = await startAll(cleanup, [
      () => startAzuriteTables(join(dataDir, "azurite")),
      () => startLocalEvents(dataDir, stackConfig, stackFile),
      // The issuer URL (with its port) is half of every mapping key: keep it across restarts of this data dir.
      () => startOidcIssuer({ keyFile, portFile: join(dataDir, "oidc-issuer-port"), devSignIn: { allowedOrigins: browserOrigins } }),
    ] as const);
    const stackName = basename(stackFile).replace(/^Pulumi\.(.+)\.yaml$/, "$1");
    const emulator = await startEmulator({
      port: 0,
      dataDir: join(dataDir, "emulator"),
      eventGrid: events.eventGrid,
      email: emailSeedFromStack(stackName, dirname(stackFile)),
      acsLimits: options.acsLimits === true,
    });
    cleanup.push(() => emulator.close());

    const mode = options.acsAuthMode ?? "key-vault";
    const secrets = new SecretClient(emulator.keyVaultUrl, new StaticTokenCredential(emulator.devBearerToken), {
      tlsOptions: { ca: emulator.caCertPem },
      disableChallengeResourceVerification: true,
    });
    const updateSecret = async (connectionString: string, activeKey: "primary" | "secondary") => {
      const written = await secrets.setSecret(SECRET_NAME, connectionString, {
        tags: { [ACTIVE_KEY_TAG]: activeKey },
        contentType: "text/plain",
      });
      return written.properties.version;
    };
    if (mode === "key-vault") await updateSecret(emulator.connectionString, "primary");

    // Only what differs from Azure: local endpoints and credentials. Lifetimes and limits are the service
    // defaults (settings.ts), the same values the Pulumi program deploys.
    const env: Record<string, string> = {
      ACS_AUTH_MODE: mode,
      ACS_ENDPOINT: emulator.endpoint,
      KEY_VAULT_URI: emulator.keyVaultUrl,
      ACS_SECRET_NAME: SECRET_NAME,
      AZURE_STATIC_BEARER_TOKEN: emulator.devBearerToken,
      OIDC_ISSUER: oidc.issuer,
      OIDC_AUDIENCE: oidc.audience,
      MAPPING_TABLE_CONNECTION_STRING: azurite.connectionString,
      // The browser origins the stack allows (tokenApi.corsAllowedOrigins, deployed as the same app setting by
      // components/token-api-host): a front end on the dev stack's http://localhost:5173 works locally as it will in Azure.
      CORS_ALLOWED_ORIGINS: browserOrigins.join(","),
      LOG_LEVEL: options.logStream ? "info" : "silent",
      // The emulator serves HTTPS with its own CA; Node trusts it for every client in the process.
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      ...options.tokenApiEnv,
    } as Record<string, string>;
    // Fail here, with the variable named, rather than in N child processes.
    loadConfig(env);

    const count = options.instances ?? DEFAULT_INSTANCES;
    if (!Number.isInteger(count) || count < 1 || count > 16) throw new Error(`instances must be 1..16, not ${count}`);
    const instances = await Promise.all(
      Array.from({ length: count }, (_, i) => tokenApiInstance({ id: `local-${i}`, env, logStream: options.logStream })),
    );
    cleanup.push(async () => {
      await Promise.all(instances.map((instance) => instance.stop()));
    });
    await Promise.all(instances.map((instance) => instance.start()));
    const entry = await startEntryPoint(instances, options.tokenApiPort ?? 0);
    cleanup.push(() => entry.close());

    return {
      tokenApiUrl: entry.url,
      instances,
      emulator,
      oidc: {
        issuer: oidc.issuer,
        previousIssuer: oidc.previousIssuer,
        audience: oidc.audience,
        jwksUri: oidc.jwksUri,
        publicJwk: oidc.publicJwk,
        jwksFetches: oidc.jwksFetches,
        mintToken: oidc.mintToken,
        setAvailable: oidc.setAvailable,
        keyFile,
      },
      azurite: { connectionString: azurite.connectionString, stop: azurite.stop, start: azurite.start },
      tokenApi: {
        stop: async () => {
          await Promise.all(instances.map((instance) => instance.stop()));
        },
        start: async () => {
          await Promise.all(instances.map((instance) => instance.start()));
        },
        env,
      },
      updateSecret,
      events: events.info,
      email: { senderAddresses: emulator.emailSenderAddresses, testRecipient: LOCAL_TEST_RECIPIENT },
      async stop() {
        for (const step of cleanup.reverse()) await step().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    throw error;
  }
}
