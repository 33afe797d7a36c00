// One Table Storage table as the identity mapping and the conversation store use it: a client without SDK retries,
// the table created on first use (and again when it disappears), every call bounded by the request's deadline, and
// any store failure answered as the store's own "unavailable" error.
import { TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { Deadline } from "./deadline";
import { ApiError } from "./errors";

export interface TableAccessOptions {
  tableName: string;
  /** Azurite locally; otherwise `endpoint` with `credential` (managed identity in Azure). */
  connectionString?: string;
  endpoint?: string;
  credential?: TokenCredential;
  /** Bound of one call (default 3 s), within the request's deadline. */
  timeoutMs?: number;
}

export const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

/** A 404 about the table itself (error code `TableNotFound`), as opposed to a missing row. */
// The SDK leaves `code` unset for table errors and keeps the OData error code in the message body.
export const isTableNotFound = (error: unknown): boolean =>
  statusOf(error) === 404 && /"code"\s*:\s*"TableNotFound"/.test((error as { message?: string }).message ?? "");

export interface TableAccess {
  table: TableClient;
  /** Runs `run` with the table in place; a failure that is not already an API error becomes `unavailable()`. */
  guarded<T>(deadline: Deadline, run: (signal: () => AbortSignal) => Promise<T>): Promise<T>;
}

/** Opens `options.tableName`; `what` names the store in a configuration error. */
export function openTable(options: TableAccessOptions, what: string, unavailable: () => ApiError): TableAccess {
  // No SDK retries: a retried insert whose first answer was lost comes back 409 and must be told apart from a
  // real conflict, which only a re-read does (the stores' claims).
  const clientOptions = { retryOptions: { maxRetries: 0 }, allowInsecureConnection: true };
  let table: TableClient;
  if (options.connectionString) {
    table = TableClient.fromConnectionString(options.connectionString, options.tableName, clientOptions);
  } else {
    if (!options.endpoint || !options.credential) throw new Error(`a ${what} endpoint needs a credential`);
    table = new TableClient(options.endpoint, options.tableName, options.credential, { retryOptions: clientOptions.retryOptions });
  }
  const timeoutMs = options.timeoutMs ?? 3000;
  let tableReady: Promise<void> | undefined;

  const ensureTable = (deadline: Deadline): Promise<void> => {
    tableReady ??= table.createTable({ abortSignal: deadline.signal(timeoutMs) }).catch((error: unknown) => {
      tableReady = undefined;
      throw error;
    });
    return tableReady;
  };

  async function guarded<T>(deadline: Deadline, run: (signal: () => AbortSignal) => Promise<T>): Promise<T> {
    const signal = () => deadline.signal(timeoutMs);
    try {
      await ensureTable(deadline);
      try {
        return await run(signal);
      } catch (error) {
        // The table went away behind our back (deleted, or a storage emulator restarted without it): create it
        // again and retry once, rather than answering 503 until the process restarts.
        if (!isTableNotFound(error)) throw error;
        tableReady = undefined;
        await ensureTable(deadline);
        return await run(signal);
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw unavailable();
    }
  }
  return { table, guarded };
}
