// Stores the one ACS identity of each app user (issuer + subject) in Azure Table Storage, created idempotently across processes.
import { createHash } from "node:crypto";
import { TableClient, type TableEntity } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { CallerIdentity } from "./auth";
import { ServiceUnavailableError } from "./errors";

export interface MappingStore {
  get(caller: CallerIdentity): Promise<string | undefined>;
  /** Conditional insert: resolves to the winner's identity, `won` telling whether it is ours. */
  claim(caller: CallerIdentity, acsUserId: string): Promise<{ acsUserId: string; won: boolean }>;
  /** Deletes the mapping; resolves whether one existed. */
  remove(caller: CallerIdentity): Promise<boolean>;
  ping(): Promise<void>;
}

interface MappingEntity {
  acsUserId: string;
  issuer: string;
  subject: string;
  createdOn: Date;
}

const hash = (value: string) => createHash("sha256").update(value).digest("hex");

/** Keys avoid the characters Table Storage forbids (/ \ # ?) and bound their length: hashes, with the plain values kept as properties. */
export function mappingKeys(caller: CallerIdentity): { partitionKey: string; rowKey: string } {
  return { partitionKey: hash(caller.issuer).slice(0, 32), rowKey: hash(`${caller.issuer}\n${caller.subject}`) };
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
/** A 404 about the table itself (error code `TableNotFound`), as opposed to a missing row. */
// The SDK leaves `code` unset for table errors and keeps the OData error code in the message body.
const isTableNotFound = (error: unknown) =>
  statusOf(error) === 404 && /"code"\s*:\s*"TableNotFound"/.test((error as { message?: string }).message ?? "");

function unavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError("mapping_store_unavailable", "The identity mapping store is unavailable; retry later.");
}

export interface TableMappingStoreOptions {
  tableName: string;
  connectionString?: string;
  endpoint?: string;
  credential?: TokenCredential;
  timeoutMs?: number;
}

/** The Table Storage implementation; Azurite locally (MAPPING_TABLE_CONNECTION_STRING), the account endpoint with managed identity in Azure. */
export function createTableMappingStore(options: TableMappingStoreOptions): MappingStore {
  const clientOptions = { retryOptions: { maxRetries: 1, retryDelayInMs: 100, maxRetryDelayInMs: 300 }, allowInsecureConnection: true };
  let table: TableClient;
  if (options.connectionString) {
    table = TableClient.fromConnectionString(options.connectionString, options.tableName, clientOptions);
  } else {
    if (!options.endpoint || !options.credential) throw new Error("a mapping table endpoint needs a credential");
    table = new TableClient(options.endpoint, options.tableName, options.credential, { retryOptions: clientOptions.retryOptions });
  }
  const timeoutMs = options.timeoutMs ?? 3000;
  let tableReady: Promise<void> | undefined;

  const ensureTable = (): Promise<void> => {
    tableReady ??= table.createTable({ abortSignal: AbortSignal.timeout(timeoutMs) }).catch((error: unknown) => {
      tableReady = undefined;
      throw error;
    });
    return tableReady;
  };

  async function guarded<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      await ensureTable();
      try {
        return await run(AbortSignal.timeout(timeoutMs));
      } catch (error) {
        // The table went away behind our back (deleted, or a storage emulator restarted without it): create it
        // again and retry once, rather than answering 503 until the process restarts.
        if (!isTableNotFound(error)) throw error;
        tableReady = undefined;
        await ensureTable();
        return await run(AbortSignal.timeout(timeoutMs));
      }
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw error;
      throw unavailable();
    }
  }

  async function read(caller: CallerIdentity, signal: AbortSignal): Promise<string | undefined> {
    const { partitionKey, rowKey } = mappingKeys(caller);
    try {
      const entity = await table.getEntity<MappingEntity>(partitionKey, rowKey, { abortSignal: signal });
      return entity.acsUserId;
    } catch (error) {
      if (statusOf(error) === 404 && !isTableNotFound(error)) return undefined;
      throw error;
    }
  }

  return {
    get: (caller) => guarded((signal) => read(caller, signal)),
    claim: (caller, acsUserId) =>
      guarded(async (signal) => {
        const entity: TableEntity<MappingEntity> = {
          ...mappingKeys(caller),
          acsUserId,
          issuer: caller.issuer,
          subject: caller.subject,
          createdOn: new Date(),
        };
        try {
          // createEntity is an insert that fails with 409 when the row exists: the conditional write.
          await table.createEntity(entity, { abortSignal: signal });
          return { acsUserId, won: true };
        } catch (error) {
          if (statusOf(error) !== 409) throw error;
        }
        const winner = await read(caller, signal);
        if (!winner) throw unavailable();
        return { acsUserId: winner, won: false };
      }),
    remove: (caller) =>
      guarded(async (signal) => {
        const { partitionKey, rowKey } = mappingKeys(caller);
        try {
          await table.deleteEntity(partitionKey, rowKey, { abortSignal: signal });
          return true;
        } catch (error) {
          if (statusOf(error) === 404 && !isTableNotFound(error)) return false;
          throw error;
        }
      }),
    ping: () =>
      guarded(async (signal) => {
        try {
          await table.getEntity("readiness", "probe", { abortSignal: signal });
        } catch (error) {
          if (statusOf(error) !== 404 || isTableNotFound(error)) throw error;
        }
      }),
  };
}
