// startLocalEnvironment(): Azurite, the ACS emulator, a local OIDC issuer and the token API wired together in one process.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { DestinationStream } from "pino";
import { SecretClient } from "@azure/keyvault-secrets";
import { startEmulator, type EmulatorHandle } from "../acs-emulator/index";
import { buildApp, type TokenApiApp } from "../../services/token-api/src/app";
import { StaticTokenCredential } from "../acs-emulator/credential";
import { loadConfig } from "../../services/token-api/src/config";
import { createDeps } from "../../services/token-api/src/deps";
import { createLogger } from "../../services/token-api/src/logger";
import type { Metrics } from "../../services/token-api/src/telemetry";
import { startAzuriteTables, type AzuriteTables } from "./azurite";
import { startOidcIssuer, type OidcIssuer } from "./oidcIssuer";
import { DEFAULT_STACK_FILE, LOCAL_TEST_RECIPIENT, readStackPlatformConfig, startLocalEvents, type LocalEmailInfo, type LocalEventsInfo } from "./events";
import { emailSeedFromStack } from "../acs-emulator/stack-seed";

export { startOidcIssuer, mintLocalToken, loadOrCreateSigningKey, LOCAL_AUDIENCE, LOCAL_SCOPE } from "./oidcIssuer";

export const SECRET_NAME = "acs-connection-string";

export interface LocalEnvironmentOptions {
  /** Where Azurite, the emulator and the OIDC key keep their files; default: a new temp dir. */
  dataDir?: string;
  /** `key-vault` (default): the connection string is seeded in the emulator's vault. `managed-identity`: the emulator's bearer token. */
  acsAuthMode?: "key-vault" | "managed-identity";
  /** Extra token API environment (e.g. `{ RATE_LIMIT_PER_USER_PER_MINUTE: "5" }`). */
  tokenApiEnv?: Record<string, string>;
  /** Where the token API writes its pino lines; default: discarded unless LOG_LEVEL is set. */
  logStream?: DestinationStream;
  /** Fixed token API port (0 / unset = any free port). */
  tokenApiPort?: number;
  /** The stack whose email and event routing the environment follows (default Pulumi.dev.yaml). */
  stackFile?: string;
}

export interface LocalEnvironment {
  tokenApiUrl: string;
  emulator: EmulatorHandle;
  oidc: Pick<OidcIssuer, "issuer" | "audience" | "jwksUri" | "publicJwk" | "jwksFetches" | "mintToken"> & { keyFile: string };
  azurite: { connectionString: string; stop(): Promise<void>; start(): Promise<void> };
  tokenApi: { stop(): Promise<void>; start(): Promise<void>; metrics(): ReturnType<Metrics["snapshot"]>; env: Record<string, string> };
  /** Writes a new secret version holding the emulator's current primary connection string (what the rotation runbook does). */
  updateSecret(connectionString: string, activeKey: "primary" | "secondary"): Promise<string | undefined>;
  /** The stack's event subscriptions as wired locally: Azurite queues, dead-letter container (env.json `events`). */
  events: LocalEventsInfo;
  /** The stack's email senders as seeded into the emulator, and an address it always delivers to (env.json `email`). */
  email: LocalEmailInfo;
  stop(): Promise<void>;
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "acs-local-dev-"));
  mkdirSync(dataDir, { recursive: true });
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const azurite: AzuriteTables = await startAzuriteTables(join(dataDir, "azurite"));
    cleanup.push(() => azurite.stop());
    const stackFile = options.stackFile ?? DEFAULT_STACK_FILE;
    const stackConfig = readStackPlatformConfig(stackFile);
    const events = await startLocalEvents(dataDir, stackConfig, stackFile);
    cleanup.push(() => events.stop());
    const stackName = basename(stackFile).replace(/^Pulumi\.(.+)\.yaml$/, "$1");
    const emulator = await startEmulator({
      port: 0, dataDir: join(dataDir, "emulator"), eventGrid: events.eventGrid, email: emailSeedFromStack(stackName, dirname(stackFile)),
    });
    cleanup.push(() => emulator.close());
    const keyFile = join(dataDir, "oidc-signing-key.json");
    const oidc = await startOidcIssuer({ keyFile });
    cleanup.push(() => oidc.close());

    const mode = options.acsAuthMode ?? "key-vault";
    const secrets = new SecretClient(emulator.keyVaultUrl, new StaticTokenCredential(emulator.devBearerToken), {
      tlsOptions: { ca: emulator.caCertPem },
      disableChallengeResourceVerification: true,
    });
    const updateSecret = async (connectionString: string, activeKey: "primary" | "secondary") => {
      const written = await secrets.setSecret(SECRET_NAME, connectionString, { tags: { "acs-active-key": activeKey }, contentType: "text/plain" });
      return written.properties.version;
    };
    if (mode === "key-vault") await updateSecret(emulator.connectionString, "primary");

    const env: Record<string, string> = {
      ACS_AUTH_MODE: mode,
      ACS_ENDPOINT: emulator.endpoint,
      KEY_VAULT_URI: emulator.keyVaultUrl,
      ACS_SECRET_NAME: SECRET_NAME,
      AZURE_STATIC_BEARER_TOKEN: emulator.devBearerToken,
      OIDC_ISSUER: oidc.issuer,
      OIDC_AUDIENCE: oidc.audience,
      MAPPING_TABLE_CONNECTION_STRING: azurite.connectionString,
      CORS_ALLOWED_ORIGINS: "http://localhost:3000",
      LOG_LEVEL: options.logStream ? "info" : "silent",
      ...options.tokenApiEnv,
    };
    const config = loadConfig(env);
    let port = options.tokenApiPort ?? 0;
    let app: TokenApiApp | undefined;
    let closeDeps: (() => void) | undefined;
    let metrics: Metrics | undefined;
    const logger = createLogger(config.logLevel, options.logStream);

    const startTokenApi = async () => {
      if (app) return;
      const deps = createDeps(config, { logger, tls: { ca: emulator.caCertPem } });
      const built = await buildApp(config, deps);
      await built.listen({ port, host: "127.0.0.1" });
      port = (built.server.address() as { port: number }).port;
      app = built;
      closeDeps = deps.close;
      metrics = deps.metrics;
    };
    const stopTokenApi = async () => {
      const running = app;
      app = undefined;
      if (!running) return;
      await running.close();
      closeDeps?.();
    };
    await startTokenApi();
    cleanup.push(stopTokenApi);

    return {
      tokenApiUrl: `http://127.0.0.1:${port}`,
      emulator,
      oidc: { issuer: oidc.issuer, audience: oidc.audience, jwksUri: oidc.jwksUri, publicJwk: oidc.publicJwk, jwksFetches: oidc.jwksFetches, keyFile, mintToken: oidc.mintToken },
      azurite: { connectionString: azurite.connectionString, stop: azurite.stop, start: azurite.start },
      tokenApi: { stop: stopTokenApi, start: startTokenApi, metrics: () => metrics!.snapshot(), env },
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
