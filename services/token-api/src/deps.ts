// Wires the production dependencies (authenticator, mapping store, ACS gateway, cache, metrics) from the configuration.
import { DefaultAzureCredential } from "@azure/identity";
import type { Logger } from "pino";
import { createAcsGateway, createIdentityClientSource, type TlsOptions } from "./acs";
import type { AppDeps } from "./app";
import { createAuthenticator } from "./auth";
import type { TokenApiConfig } from "./config";
import { createTableMappingStore, type MappingStore } from "./mappingStore";
import { createMetrics } from "./telemetry";
import { TokenCache } from "./tokenCache";
import { TokenService } from "./tokenService";

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
      credential: config.mappingTable.connectionString ? undefined : new DefaultAzureCredential(),
    });
  const authenticator = createAuthenticator(config.oidc);
  const tokenService = new TokenService(store, acs, cache, metrics, logger);
  return { authenticator, tokenService, store, acs, metrics, logger, instanceId: options.instanceId, close: () => acs.close() };
}
