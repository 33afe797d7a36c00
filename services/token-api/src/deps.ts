// Wires the production dependencies (authenticator, mapping store, ACS gateway, cache, metrics) from the configuration.
import type { Logger } from "pino";
import { createAcsGateway, createIdentityClientSource, type TlsOptions } from "./acs";
import type { AppDeps } from "./app";
import { createAuthenticator } from "./auth";
import { defaultCredential } from "./credential";
import type { TokenApiConfig } from "./config";
import { createTableMappingStore, type MappingStore } from "./mappingStore";
import { createMetrics } from "./telemetry";
import { TokenCache } from "./tokenCache";
import { TokenService } from "./tokenService";
import { createChatGateway } from "./conversations/chat";
import { ConversationService, SERVER_IDENTITY } from "./conversations/service";
import { createTableConversationStore } from "./conversations/store";
import { Deadline } from "./deadline";

export interface DepsOptions {
  logger: Logger;
  /** Extra trusted CA for ACS and Key Vault (the local emulator's); NODE_EXTRA_CA_CERTS does the same for a spawned process. */
  tls?: TlsOptions;
  /** Replaces the Table Storage store (tests of other stores only). */
  store?: MappingStore;
  /** This instance's name in /readyz. */
  instanceId?: string;
}

export function createDeps(config: TokenApiConfig, options: DepsOptions): AppDeps & { close(): void } {
  const { logger } = options;
  // One managed-identity credential for both stores, built on first use (credential.ts).
  const credential = config.mappingTable.connectionString ? undefined : defaultCredential;
  const metrics = createMetrics();
  const cache = new TokenCache(config.tokens.minRemainingMinutes * 60_000, config.tokens.cacheMaxEntries);
  const source = createIdentityClientSource(config, options.tls, {
    log: logger,
    // A new key version means the old key may be regenerated, which revokes the tokens it issued
    // (https://learn.microsoft.com/azure/communication-services/concepts/identity-model, "Revoke or update access token").
    onRotated: () => cache.clear(),
  });
  const acs = createAcsGateway(source, config.upstream, metrics, options.tls);
  const store =
    options.store ??
    createTableMappingStore({
      tableName: config.mappingTable.name,
      connectionString: config.mappingTable.connectionString,
      endpoint: config.mappingTable.endpoint,
      credential,
    });
  const authenticator = createAuthenticator(config.oidc);
  const tokenService = new TokenService(store, acs, cache, metrics, logger);
  // Conversations live in the mapping's table (their rows have their own partition keys), with the same credential.
  const conversationStore = createTableConversationStore({
    tableName: config.mappingTable.name,
    connectionString: config.mappingTable.connectionString,
    endpoint: config.mappingTable.endpoint,
    credential,
  });
  let serverIdentity: Promise<string> | undefined;
  const server = () => {
    // Resolved once per process (the mapping row never changes); a failure is retried on the next call.
    serverIdentity ??= tokenService.identityOf(SERVER_IDENTITY, Deadline.after(15_000)).catch((error: unknown) => {
      serverIdentity = undefined;
      throw error;
    });
    return serverIdentity;
  };
  const chat = createChatGateway(acs, server, options.tls);
  const conversations = new ConversationService(conversationStore, chat, tokenService, config.oidc.issuer);
  return {
    authenticator,
    tokenService,
    store,
    acs,
    metrics,
    logger,
    conversations,
    instanceId: options.instanceId,
    close: () => acs.close(),
  };
}
