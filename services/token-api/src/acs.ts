// Talks to ACS identity: picks the credential by config, re-reads the Key Vault secret on 401, and bounds retries within a deadline.
import https from "node:https";
import http from "node:http";
import { CommunicationIdentityClient, type TokenScope } from "@azure/communication-identity";
import type { TokenCredential } from "@azure/core-auth";
import { SecretClient } from "@azure/keyvault-secrets";
import { defaultCredential } from "./credential";
import { ServiceUnavailableError, UpstreamThrottledError } from "./errors";
import type { TokenApiConfig } from "./config";
import { monotonicNow } from "./clock";
import { Deadline } from "./deadline";
import { ACTIVE_KEY_TAG } from "./settings";
import type { Metrics } from "./telemetry";

/** TLS settings for SDK clients; locally this trusts the emulator's CA. */
export interface TlsOptions {
  ca?: string;
}

/** What /readyz may say about how ACS is reached; never the secret itself. */
export interface AcsAuthStatus {
  mode: "key-vault" | "managed-identity";
  secretVersion?: string;
  activeKey?: string;
}

/** Hands out the current identity client and, in key-vault mode, re-reads the secret on demand. */
export interface IdentityClientSource {
  current(): Promise<CommunicationIdentityClient>;
  /** The secret version `client` was built from (undefined in managed-identity mode). */
  versionOf(client: CommunicationIdentityClient): string | undefined;
  /** Re-reads the credential; resolves true when it changed. */
  refresh(reason: "periodic" | "unauthorized"): Promise<boolean>;
  status(): AcsAuthStatus;
  loaded(): boolean;
  /** Whether refresh() can ever change the credential (key-vault mode). */
  readonly canRotate: boolean;
  /** Key-vault mode: whether the last successful vault read is older than the refresh interval plus SECRET_STALE_GRACE_MS. */
  stale(): boolean;
  /** The ACS endpoint in use, once known. */
  endpoint(): string | undefined;
  close(): void;
}

const clientOptions = (tls: TlsOptions | undefined) => ({
  // Retries are ours (bounded by the request deadline), not the SDK's default three.
  retryOptions: { maxRetries: 0 },
  ...(tls?.ca ? { tlsOptions: { ca: tls.ca } } : {}),
});

/** A TokenCredential that returns a fixed bearer token (AZURE_STATIC_BEARER_TOKEN, local development only). */
export function staticTokenCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 }) };
}

/** Managed identity: the endpoint plus DefaultAzureCredential; nothing to rotate. */
function managedIdentitySource(endpoint: string, credential: TokenCredential, tls?: TlsOptions): IdentityClientSource {
  const client = new CommunicationIdentityClient(endpoint, credential, clientOptions(tls));
  return {
    current: async () => client,
    versionOf: () => undefined,
    stale: () => false,
    refresh: async () => false,
    canRotate: false,
    status: () => ({ mode: "managed-identity" }),
    loaded: () => true,
    endpoint: () => endpoint,
    close: () => undefined,
  };
}

export interface KeyVaultSourceOptions {
  vaultUri: string;
  secretName: string;
  refreshSeconds: number;
  credential: TokenCredential;
  tls?: TlsOptions;
  /** Called when a new secret version is adopted (the old key's tokens may be revoked by ACS). */
  onRotated?: (version: string | undefined) => void;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * The service's bound for key changes: an instance whose last successful read of the secret is older than
 * SECRET_REFRESH_SECONDS plus this grace hands out no token (503 secret_unavailable) and reports not-ready until
 * a read succeeds. So every instance that serves has loaded every secret version written at least
 * SECRET_REFRESH_SECONDS + grace ago: the rotation runbook relies on it where it cannot ask each instance.
 */
export const SECRET_STALE_GRACE_MS = 30_000;

/** Key-vault mode: the connection string lives in a secret that is re-read periodically and at once on a 401 from ACS. */
function keyVaultSource(options: KeyVaultSourceOptions): IdentityClientSource {
  const secrets = new SecretClient(options.vaultUri, options.credential, {
    ...clientOptions(options.tls),
    retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
    // The emulator's vault host differs from the challenge resource; real vaults pass either way.
    disableChallengeResourceVerification: true,
  });
  let client: CommunicationIdentityClient | undefined;
  let version: string | undefined;
  let endpoint: string | undefined;
  let activeKey: string | undefined;
  let inFlight: Promise<boolean> | undefined;
  let lastReadAt = Number.NEGATIVE_INFINITY;
  const versions = new WeakMap<CommunicationIdentityClient, string | undefined>();

  const read = async (): Promise<boolean> => {
    const secret = await secrets.getSecret(options.secretName, { abortSignal: AbortSignal.timeout(5000) });
    lastReadAt = monotonicNow();
    if (!secret.value) throw new Error("the secret has no value");
    const changed = secret.properties.version !== version || client === undefined;
    if (changed) {
      const hadClient = client !== undefined;
      client = new CommunicationIdentityClient(secret.value, clientOptions(options.tls));
      version = secret.properties.version;
      versions.set(client, version);
      endpoint = /endpoint=(.*?);accesskey=/i.exec(secret.value)?.[1];
      activeKey = secret.properties.tags?.[ACTIVE_KEY_TAG];
      options.log?.info({ secretVersion: version, activeKey }, "ACS connection-string secret loaded");
      if (hadClient) options.onRotated?.(version);
    }
    return changed;
  };

  const refresh = (reason: "periodic" | "unauthorized"): Promise<boolean> => {
    // Concurrent 401s share one read; a read finished a moment ago is fresh enough.
    if (inFlight) return inFlight;
    if (reason === "unauthorized" && monotonicNow() - lastReadAt < 250) return Promise.resolve(false);
    inFlight = read().finally(() => (inFlight = undefined));
    return inFlight;
  };

  const timer = setInterval(() => {
    refresh("periodic").catch((error: unknown) => options.log?.warn({ err: describe(error) }, "periodic secret refresh failed"));
  }, options.refreshSeconds * 1000);
  timer.unref();

  return {
    async current() {
      if (client) return client;
      try {
        await refresh("periodic");
      } catch {
        throw new ServiceUnavailableError("secret_unavailable", "The ACS credential is not available yet.");
      }
      if (!client) throw new ServiceUnavailableError("secret_unavailable", "The ACS credential is not available yet.");
      return client;
    },
    versionOf: (c) => versions.get(c),
    stale: () => client !== undefined && monotonicNow() - lastReadAt > options.refreshSeconds * 1000 + SECRET_STALE_GRACE_MS,
    refresh,
    canRotate: true,
    status: () => ({ mode: "key-vault", secretVersion: version, activeKey }),
    loaded: () => client !== undefined,
    endpoint: () => endpoint,
    close: () => clearInterval(timer),
  };
}

/** Builds the source that config asks for. */
export function createIdentityClientSource(
  config: TokenApiConfig,
  tls: TlsOptions | undefined,
  hooks: Pick<KeyVaultSourceOptions, "onRotated" | "log">,
): IdentityClientSource {
  if (config.acs.mode === "managed-identity") {
    const credential = config.acs.staticBearerToken ? staticTokenCredential(config.acs.staticBearerToken) : defaultCredential;
    return managedIdentitySource(config.acs.endpoint, credential, tls);
  }
  const credential = config.acs.staticBearerToken ? staticTokenCredential(config.acs.staticBearerToken) : defaultCredential;
  return keyVaultSource({
    vaultUri: config.acs.keyVaultUri,
    secretName: config.acs.secretName,
    refreshSeconds: config.acs.secretRefreshSeconds,
    credential,
    tls,
    ...hooks,
  });
}

/** A short, secret-free description of an SDK error for logs. */
export function describe(error: unknown): { name?: string; code?: string; statusCode?: number } {
  const e = error as { name?: string; code?: string; statusCode?: number };
  return { name: e?.name, code: e?.code, statusCode: e?.statusCode };
}

/** ACS answered with an error that retrying will not fix (other than 401, 429 and 5xx). */
export class UpstreamRejectedError extends Error {
  constructor(
    readonly statusCode: number,
    readonly upstreamCode: string | undefined,
  ) {
    super(`ACS rejected the request with ${statusCode}`);
  }
}

export interface UpstreamPolicy {
  requestDeadlineMs: number;
  timeoutMs: number;
  maxRetries: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds a 429/503 asks to wait (`Retry-After` seconds or HTTP date), 1..3600; 1 when absent. */
export function retryAfterSeconds(error: unknown): number {
  const headers = (error as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers;
  const raw = headers?.get("retry-after");
  const seconds = raw === undefined ? NaN : Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(Math.max(1, Math.ceil(seconds)), 3600);
  const date = raw ? Date.parse(raw) : NaN;
  if (Number.isFinite(date)) return Math.min(Math.max(1, Math.ceil((date - Date.now()) / 1000)), 3600);
  return 1;
}

export interface AcsIdentityGateway {
  /** Creates an identity; waits up to `IDENTITY_CREATION_MS` for ACS's answer (the caller may stop waiting sooner). */
  createUser(): Promise<string>;
  /** Issues a token; `secretVersion` names the secret the signing key came from (key-vault mode). */
  issueToken(
    userId: string,
    scopes: string[],
    lifetimeMinutes: number,
    deadline: Deadline,
  ): Promise<{ token: string; expiresOn: Date; secretVersion?: string }>;
  revokeTokens(userId: string, deadline: Deadline): Promise<void>;
  /** Deletes the identity; an identity ACS no longer knows counts as deleted. */
  deleteUser(userId: string, deadline: Deadline): Promise<void>;
  status(): AcsAuthStatus;
  /** The credential is loaded and not stale. */
  ready(): boolean;
  /** Rejects with 503 `secret_unavailable` when the secret is stale and a re-read fails (see SECRET_STALE_GRACE_MS). */
  assertFresh(): Promise<void>;
  /** Resolves when the ACS endpoint answers HTTP at all (any status); the credential must be loaded. */
  probe(): Promise<void>;
  /** The ACS endpoint in use, once the credential is loaded (the conversations API's chat client needs it). */
  endpoint(): string | undefined;
  close(): void;
}

/**
 * How long an identity creation may take. createUser is not idempotent: giving up on it early leaves an identity
 * ACS creates after we stopped listening, so the call is never cut at the request deadline; the request stops
 * waiting, the creation finishes in the background and is mapped or deleted.
 */
export const IDENTITY_CREATION_MS = 30_000;

/**
 * How long the service waits, per secret version, for a new version after ACS answers 401 `Denied` to it (a
 * rotation that regenerated the key before writing the new secret). Shared by every request: once spent, later
 * requests get 503 at once, until the vault holds a new version.
 */
const DENIED_WAIT_MS = 2000;

/** Wraps every ACS call: 401 -> re-read secret and retry once; 429 -> pass on; 5xx/timeout -> jittered retries, then 503; all within the deadline. */
export function createAcsGateway(
  source: IdentityClientSource,
  policy: UpstreamPolicy,
  metrics: Metrics,
  tls?: TlsOptions,
): AcsIdentityGateway {
  /** The version ACS denied, and when the wait for a newer one started. */
  let denied: { version: string | undefined; since: number } | undefined;

  const deniedUnavailable = () =>
    new ServiceUnavailableError("acs_unavailable", "Azure Communication Services refused the service's credential; retry later.", 5);

  async function awaitNewerSecret(failed: CommunicationIdentityClient, deadline: Deadline): Promise<boolean> {
    const version = source.versionOf(failed);
    if (!denied || denied.version !== version) denied = { version, since: monotonicNow() };
    for (;;) {
      if ((await source.current()) !== failed) return true;
      const left = Math.min(denied.since + DENIED_WAIT_MS - monotonicNow(), deadline.remaining() - 200);
      if (left <= 0) return false;
      await sleep(Math.min(400, left));
      await source.refresh("unauthorized");
    }
  }

  async function call<T>(
    operation: string,
    deadline: Deadline,
    run: (client: CommunicationIdentityClient, signal: AbortSignal) => Promise<T>,
    options: { idempotent: boolean; attemptTimeoutMs?: number } = { idempotent: true },
  ): Promise<{ value: T; client: CommunicationIdentityClient }> {
    let retried401 = false;
    for (let attempt = 0; ; attempt++) {
      const client = await source.current();
      if (deadline.remaining() <= 0)
        throw new ServiceUnavailableError("acs_unavailable", "Azure Communication Services is unavailable; retry later.", 5);
      try {
        return { value: await run(client, deadline.signal(options.attemptTimeoutMs ?? policy.timeoutMs)), client };
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        const code = (error as { code?: string }).code;
        metrics.upstreamError(operation, status);
        if (status === 401 && !retried401) {
          retried401 = true;
          let changed: boolean;
          try {
            await source.refresh("unauthorized");
            // Changed relative to the client that failed (another request may have refreshed already).
            changed = (await source.current()) !== client;
            // The key was rejected ("Denied") but the vault still holds it: the rotation is between regenerating
            // the key and writing the secret. Wait a bounded time, shared by all requests, for the new version.
            if (!changed && source.canRotate && code === "Denied") changed = await awaitNewerSecret(client, deadline);
          } catch {
            throw new ServiceUnavailableError("secret_unavailable", "The ACS credential could not be refreshed.");
          }
          if (!changed && code === "Denied") throw deniedUnavailable();
          if (changed) denied = undefined;
          attempt--;
          continue;
        }
        if (status === 401 && code === "Denied") throw deniedUnavailable();
        if (status === 429) throw new UpstreamThrottledError(retryAfterSeconds(error));
        const transient = status === undefined || status === 408 || status >= 500;
        if (!transient) throw new UpstreamRejectedError(status, code);
        // A non-idempotent call is retried only when ACS said it did nothing (503); a timeout or a lost answer
        // may have created something, so it is not repeated.
        const retryable = options.idempotent || status === 503;
        const backoff = Math.random() * Math.min(1000, 100 * 2 ** attempt); // full jitter (AWS architecture blog)
        if (!retryable || attempt >= policy.maxRetries || backoff + 50 >= deadline.remaining()) {
          throw new ServiceUnavailableError(
            "acs_unavailable",
            "Azure Communication Services is unavailable; retry later.",
            status === 503 ? retryAfterSeconds(error) : 5,
          );
        }
        await sleep(backoff);
      }
    }
  }

  const user = (id: string) => ({ communicationUserId: id });
  return {
    createUser: async () => {
      const deadline = Deadline.after(IDENTITY_CREATION_MS);
      const { value } = await call(
        "createUser",
        deadline,
        async (client, abortSignal) => (await client.createUser({ abortSignal })).communicationUserId,
        {
          idempotent: false,
          attemptTimeoutMs: IDENTITY_CREATION_MS,
        },
      );
      return value;
    },
    issueToken: async (userId, scopes, lifetimeMinutes, deadline) => {
      const { value, client } = await call("issueAccessToken", deadline, (c, abortSignal) =>
        c.getToken(user(userId), scopes as TokenScope[], { tokenExpiresInMinutes: lifetimeMinutes, abortSignal }),
      );
      return { token: value.token, expiresOn: value.expiresOn, secretVersion: source.versionOf(client) };
    },
    revokeTokens: async (userId, deadline) => {
      await call("revokeAccessTokens", deadline, (client, abortSignal) => client.revokeTokens(user(userId), { abortSignal }));
    },
    async deleteUser(userId, deadline) {
      try {
        await call("deleteUser", deadline, (client, abortSignal) => client.deleteUser(user(userId), { abortSignal }));
      } catch (error) {
        // ACS answers 401 IdentityNotOwned (or 404) for an identity it does not know, as the identity SDK's recorded
        // tests show (azure-sdk-for-js sdk/communication/communication-identity/recordings, "delete an invalid user"); erase is idempotent.
        if (error instanceof UpstreamRejectedError && (error.statusCode === 404 || error.statusCode === 401)) return;
        throw error;
      }
    },
    status: () => source.status(),
    ready: () => source.loaded() && !source.stale(),
    async assertFresh() {
      if (!source.stale()) return;
      await source.refresh("periodic").catch(() => false);
      if (source.stale())
        throw new ServiceUnavailableError("secret_unavailable", "The ACS credential could not be re-read recently; retry later.");
    },
    async probe() {
      await source.current();
      const endpoint = source.endpoint();
      if (!endpoint) throw new Error("no ACS endpoint");
      await probeEndpoint(endpoint, tls, Math.min(2000, policy.timeoutMs));
    },
    endpoint: () => source.endpoint(),
    close: () => source.close(),
  };
}

/** One GET to the endpoint root: any HTTP answer proves DNS, TCP and TLS work; only transport failures reject. */
function probeEndpoint(endpoint: string, tls: TlsOptions | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(endpoint);
    const transport = url.protocol === "https:" ? https : http;
    const request = transport.request(
      url,
      { method: "GET", timeout: timeoutMs, ...(tls?.ca ? { ca: tls.ca } : {}), agent: false },
      (response) => {
        response.resume();
        resolve();
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
    request.end();
  });
}
