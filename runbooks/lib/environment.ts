// Builds the real SDK clients and ports for a Target: Azure uses DefaultAzureCredential, the local environment the emulator's static token and CA.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { DEFAULT_MANAGE_ROLE } from "../../services/token-api/src/conversations/limits";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query";
import { EmailClient } from "@azure/communication-email";
import { QueueServiceClient } from "@azure/storage-queue";
import { UsageError } from "../../tools/cli-kit";
import { StaticTokenCredential } from "../../tools/acs-emulator/credential";
import { SECRET_STALE_GRACE_MS } from "../../services/token-api/src/acs";
import { TOKEN_API_DEFAULTS } from "../../services/token-api/src/settings";
import { ArmKeyManagement, KeyVaultSecretStore, PerInstanceReadiness, SdkIdentityCheck, TokenApiReadiness } from "./azure-ports";
import type { CallerTokenSource, ChatClientFactory, LogQuery } from "./smoke-checks";
import type { EmailSend, EventCheckDeps, EventQueue } from "./event-checks";
import { requireFields, type Target } from "./target";

/** Client options shared by every SDK client: trust the emulator's CA locally, nothing special in Azure. */
export function sdkOptions(target: Target): { tlsOptions?: { ca: string } } {
  return target.local?.caCertPem ? { tlsOptions: { ca: target.local.caCertPem } } : {};
}

/**
 * Azure: DefaultAzureCredential (az login, workload identity, managed identity). Local: the emulator's static
 * token, or its documented EmulatorCredential when the local file carries no token.
 */
export async function credentialFor(target: Target, override?: TokenCredential): Promise<TokenCredential> {
  if (override) return override;
  if (target.kind === "local") {
    if (target.local?.bearerToken) return new StaticTokenCredential(target.local.bearerToken);
    const { EmulatorCredential } = await import("../../tools/acs-emulator/credential");
    return new EmulatorCredential();
  }
  return new DefaultAzureCredential();
}

export function secretClientFor(target: Target, credential: TokenCredential): SecretClient {
  requireFields(target, ["keyVaultUri"], "to read the ACS connection string");
  return new SecretClient(target.keyVaultUri as string, credential, {
    ...sdkOptions(target),
    // The emulator's vault host is not *.vault.azure.net, so the challenge's resource cannot match it.
    disableChallengeResourceVerification: target.kind === "local",
  });
}

export function armClientFor(target: Target, credential: TokenCredential): CommunicationServiceManagementClient {
  requireFields(target, ["subscriptionId", "resourceGroupName", "acsName"], "to list and regenerate ACS keys");
  return new CommunicationServiceManagementClient(credential, target.subscriptionId as string, {
    ...sdkOptions(target),
    ...(target.local?.armBaseUrl ? { endpoint: target.local.armBaseUrl } : {}),
  });
}

/** The connection string the smoke test uses: the live Key Vault secret, else the local file's copy. */
export async function connectionStringFor(target: Target, credential: TokenCredential): Promise<string> {
  if (!target.keyVaultUri && target.local?.connectionString) return target.local.connectionString;
  const secret = await secretClientFor(target, credential).getSecret(target.acsSecretName);
  if (!secret.value) throw new UsageError(`secret ${target.acsSecretName} in ${target.keyVaultUri} is empty`);
  return secret.value;
}

export function identityClientFor(target: Target, connectionString: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(connectionString, sdkOptions(target));
}

export function chatClientFactoryFor(target: Target): ChatClientFactory {
  return (userToken) => new ChatClient(target.acsEndpoint, new AzureCommunicationTokenCredential(userToken), sdkOptions(target));
}

/**
 * Azure: a token for the API's audience from @azure/identity. Local: minted in-process with the local issuer's
 * key file when the local file names it, else through its `jwtCommand`.
 */
export function callerTokenSourceFor(target: Target, credential: TokenCredential): CallerTokenSource {
  if (target.kind === "local") {
    const local = target.local ?? {};
    if (local.oidcKeyFile && target.oidcIssuer && target.tokenApiAudience) {
      const keyFile = local.oidcKeyFile;
      const issuer = target.oidcIssuer;
      const audience = target.tokenApiAudience;
      return async (subject) => {
        const { mintLocalToken } = await import("../../tools/local-dev/oidcIssuer");
        const key = JSON.parse(await readFile(keyFile, "utf8"));
        return mintLocalToken(key, issuer, audience, subject, {
          ttlSeconds: 3600,
          claims: local.oidcScope ? { scp: local.oidcScope } : {},
        });
      };
    }
    const command = local.jwtCommand;
    if (!command) throw new UsageError("the local environment file has neither oidcKeyFile nor jwtCommand to mint caller tokens");
    return (subject) => runJwtCommand(command.replace(/\s--sub\s+\S+/, ""), subject);
  }
  requireFields(target, ["tokenApiAudience"], "to get a caller token for the token API");
  return async () => {
    const token = await credential.getToken(`${(target.tokenApiAudience as string).replace(/\/+$/, "")}/.default`);
    if (!token) throw new Error(`@azure/identity returned no token for ${target.tokenApiAudience}`);
    return token.token;
  };
}

/**
 * A service caller of the conversations API. Local: minted like the caller token, with the role and no scope. Azure:
 * the smoke identity's token for the API's audience, which holds the role once it is assigned to that identity.
 */
export function serviceTokenSourceFor(target: Target, credential: TokenCredential): () => Promise<string> {
  const subject = "smoke-service";
  if (target.kind === "local") {
    const local = target.local ?? {};
    if (local.oidcKeyFile && target.oidcIssuer && target.tokenApiAudience) {
      const keyFile = local.oidcKeyFile;
      const issuer = target.oidcIssuer;
      const audience = target.tokenApiAudience;
      return async () => {
        const { mintLocalToken } = await import("../../tools/local-dev/oidcIssuer");
        const key = JSON.parse(await readFile(keyFile, "utf8"));
        return mintLocalToken(key, issuer, audience, subject, {
          ttlSeconds: 3600,
          claims: { scp: undefined, roles: [DEFAULT_MANAGE_ROLE] },
        });
      };
    }
    const command = local.jwtCommand;
    // Thrown when the check asks (the check fails and says why), not here: the other checks still run.
    if (!command)
      return () =>
        Promise.reject(new UsageError("the local environment file has neither oidcKeyFile nor jwtCommand to mint a service token"));
    return () => runJwtCommand(`${command.replace(/\s--sub\s+\S+/, "")} --role ${DEFAULT_MANAGE_ROLE}`, subject);
  }
  return callerTokenSourceFor(target, credential).bind(undefined, subject);
}

function runJwtCommand(command: string, subject: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("sh", ["-c", `${command} --sub "$1"`, "jwt", subject], { timeout: 60_000 }, (error, stdout) => {
      const last = stdout.trim().split("\n").pop()?.trim();
      if (error || !last) reject(new Error(`the local jwtCommand failed${error ? `: ${error.message.split("\n")[0]}` : ""}`));
      else resolve(last);
    });
  });
}

export function logQueryFor(target: Target, credential: TokenCredential): LogQuery {
  requireFields(target, ["logAnalyticsWorkspaceId"], "for --verify-logs");
  const client = new LogsQueryClient(credential, {
    ...sdkOptions(target),
    ...(target.local?.logAnalyticsUrl ? { endpoint: target.local.logAnalyticsUrl } : {}),
  });
  return async (kql, since) => {
    const result = await client.queryWorkspace(target.logAnalyticsWorkspaceId as string, kql, {
      startTime: since,
      endTime: new Date(Date.now() + 60_000),
    });
    if (result.status !== LogsQueryResultStatus.Success) {
      throw new Error(`Log Analytics query failed: ${result.partialError?.message ?? "partial result"}`);
    }
    const table = result.tables[0];
    if (!table) return [];
    return table.rows.map((row) => Object.fromEntries(table.columnDescriptors.map((c, i) => [c.name ?? `col${i}`, row[i]])));
  };
}

export function rotationAdaptersFor(target: Target, credential: TokenCredential) {
  return {
    keys: new ArmKeyManagement(armClientFor(target, credential), target.resourceGroupName as string, target.acsName as string),
    secrets: new KeyVaultSecretStore(secretClientFor(target, credential), target.acsSecretName),
    // Locally every instance has its own URL; in Azure the runbook relies on the service's bound instead.
    readiness: target.tokenApiInstances?.length
      ? new PerInstanceReadiness(target.tokenApiInstances)
      : new TokenApiReadiness(
          target.tokenApiUrl,
          (target.secretRefreshSeconds ?? TOKEN_API_DEFAULTS.secretRefreshSeconds) * 1000 + SECRET_STALE_GRACE_MS,
        ),
    identity: new SdkIdentityCheck(sdkOptions(target)),
  };
}

/**
 * The queue service holding the routing queues: locally Azurite (its connection string in env.json); in Azure the
 * routing account with the caller's Entra identity (shared keys are off on that account, see components/event-routing).
 */
export function queueServiceFor(target: Target, credential: TokenCredential): QueueServiceClient | undefined {
  if (target.kind === "local") {
    const connection = target.local?.eventStorageConnectionString;
    return connection ? QueueServiceClient.fromConnectionString(connection) : undefined;
  }
  return target.eventStorageAccountName
    ? new QueueServiceClient(`https://${target.eventStorageAccountName}.queue.core.windows.net`, credential)
    : undefined;
}

/** Adapts a storage queue to what the event checks use. */
export function eventQueueFor(service: QueueServiceClient, queueName: string): EventQueue {
  const queue = service.getQueueClient(queueName);
  return {
    receive: async (count, visibilityTimeout) =>
      (await queue.receiveMessages({ numberOfMessages: count, visibilityTimeout })).receivedMessageItems,
    delete: async (message) => {
      await queue.deleteMessage(message.messageId, message.popReceipt);
    },
  };
}

/** Sends through the real Email SDK and waits for its long-running operation. */
export function emailSendFor(target: Target, connectionString: string): EmailSend {
  const client = new EmailClient(connectionString, sdkOptions(target));
  return async ({ senderAddress, recipient, subject, plainText }) => {
    const poller = await client.beginSend(
      { senderAddress, recipients: { to: [{ address: recipient }] }, content: { subject, plainText } },
      { updateIntervalInMs: target.kind === "local" ? 200 : 5000 },
    );
    const result = await poller.pollUntilDone();
    return { id: result.id, status: result.status, ...(result.error?.message ? { error: result.error.message } : {}) };
  };
}

/** Everything the email and event checks need for a target; routes come from the stack's own subscriptions. */
export function eventCheckDepsFor(
  target: Target,
  credential: TokenCredential,
  connectionString: string,
  options: { timeoutMs: number; emailTo?: string },
): EventCheckDeps {
  const service = queueServiceFor(target, credential);
  const missing =
    target.kind === "local"
      ? [
          !target.local?.eventStorageConnectionString && "events.storageConnectionString",
          !target.eventSubscriptions && "events.subscriptions",
        ]
      : [!target.eventStorageAccountName && "eventStorageAccountName", !target.eventSubscriptions && "eventSubscriptions"];
  const lacking = missing.filter((m): m is string => typeof m === "string");
  return {
    ...(lacking.length > 0
      ? {
          unavailable: `${target.label} names no ${lacking.join(" or ")}${target.kind === "local" ? " (restart npm run dev)" : " (stack outputs of a deploy before the event checks)"}`,
        }
      : {}),
    routes: target.eventSubscriptions ?? [],
    ...(target.kind !== "local" && target.subscriptionId && target.resourceGroupName && target.eventStorageAccountName
      ? {
          queueAccountScope: `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${target.eventStorageAccountName}`,
        }
      : {}),
    queue: (queueName) => eventQueueFor(service as QueueServiceClient, queueName),
    timeoutMs: options.timeoutMs,
    pollIntervalMs: target.kind === "local" ? 250 : 10_000,
    email: {
      send: emailSendFor(target, connectionString),
      senders: target.emailSenderAddresses ?? [],
      recipient: options.emailTo ?? target.local?.emailTestRecipient,
    },
  };
}
