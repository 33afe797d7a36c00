// Stores the one ACS identity of each app user (issuer + subject) in Azure Table Storage, shared by every instance,
// with a per-user generation that revoke and erase raise so every instance stops serving the tokens cached before.
import { createHash } from "node:crypto";
import { odata, type TableEntity } from "@azure/data-tables";
import type { CallerIdentity } from "./auth";
import type { Deadline } from "./deadline";
import { ServiceUnavailableError } from "./errors";
import { isTableNotFound, openTable, statusOf, type TableAccessOptions } from "./tableAccess";

/** One user's row as an instance saw it. */
export interface MappingRecord {
  acsUserId: string;
  /** Raised by every revoke and erase; a cached token carries the generation it was issued under. */
  generation: number;
  /** An erase has started: the identity is being (or was) deleted; the next token request maps a new one. */
  erasing: boolean;
  etag: string;
}

export interface MappingStore {
  get(caller: CallerIdentity, deadline: Deadline): Promise<MappingRecord | undefined>;
  /**
   * Maps `acsUserId` to the caller: a conditional insert, or with `replacing` a conditional replace of that row
   * (an erasing row, or one whose identity ACS no longer knows). Resolves to the row that holds, and whether it is ours.
   * A lost answer is resolved by re-reading the row: a committed write is never reported as lost.
   */
  claim(
    caller: CallerIdentity,
    acsUserId: string,
    deadline: Deadline,
    replacing?: MappingRecord,
  ): Promise<{ record: MappingRecord; won: boolean }>;
  /** Raises the generation (and marks the row erasing, if asked) with optimistic concurrency; undefined when there is no row. */
  advance(caller: CallerIdentity, deadline: Deadline, options: { erasing: boolean }): Promise<MappingRecord | undefined>;
  /** Deletes the row if it is still `etag`; resolves whether it deleted it. */
  remove(caller: CallerIdentity, etag: string, deadline: Deadline): Promise<boolean>;
  ping(deadline: Deadline): Promise<void>;
  /** Up to `limit` users whose row has been marked erasing for longer than `olderThanMs` (an erase cut short). */
  listErasing(olderThanMs: number, limit: number, deadline: Deadline): Promise<CallerIdentity[]>;
}

interface MappingEntity {
  acsUserId: string;
  issuer: string;
  subject: string;
  createdOn: Date;
  generation?: number;
  erasing?: boolean;
}

const hash = (value: string) => createHash("sha256").update(value).digest("hex");

/** Keys avoid the characters Table Storage forbids (/ \ # ?) and bound their length: hashes, with the plain values kept as properties. */
export function mappingKeys(caller: CallerIdentity): { partitionKey: string; rowKey: string } {
  return { partitionKey: hash(caller.issuer).slice(0, 32), rowKey: hash(`${caller.issuer}\n${caller.subject}`) };
}

function unavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError("mapping_store_unavailable", "The identity mapping store is unavailable; retry later.");
}

/** The write may or may not have committed and a re-read could not tell: the caller must not undo anything. */
export class MappingOutcomeUnknownError extends ServiceUnavailableError {
  constructor() {
    super("mapping_store_unavailable", "The identity mapping store is unavailable; retry later.");
  }
}

/** Where the mapping table lives (tableAccess.ts). */
export type TableMappingStoreOptions = TableAccessOptions;

const toRecord = (entity: MappingEntity & { etag?: string }): MappingRecord => ({
  acsUserId: entity.acsUserId,
  generation: typeof entity.generation === "number" ? entity.generation : 0,
  erasing: entity.erasing === true,
  etag: entity.etag ?? "",
});

/** The Table Storage implementation; Azurite locally (MAPPING_TABLE_CONNECTION_STRING), the account endpoint with managed identity in Azure. */
export function createTableMappingStore(options: TableMappingStoreOptions): MappingStore {
  const { table, guarded } = openTable(options, "mapping table", unavailable);

  async function read(caller: CallerIdentity, signal: AbortSignal): Promise<MappingRecord | undefined> {
    const { partitionKey, rowKey } = mappingKeys(caller);
    try {
      return toRecord(await table.getEntity<MappingEntity>(partitionKey, rowKey, { abortSignal: signal }));
    } catch (error) {
      if (statusOf(error) === 404 && !isTableNotFound(error)) return undefined;
      throw error;
    }
  }

  async function claim(caller: CallerIdentity, acsUserId: string, signal: () => AbortSignal, replacing?: MappingRecord) {
    const entity: TableEntity<MappingEntity> = {
      ...mappingKeys(caller),
      acsUserId,
      issuer: caller.issuer,
      subject: caller.subject,
      createdOn: new Date(),
      generation: replacing ? replacing.generation + 1 : 0,
      erasing: false,
    };
    let uncertain = false;
    try {
      if (replacing) await table.updateEntity(entity, "Replace", { etag: replacing.etag, abortSignal: signal() });
      // createEntity is an insert that fails with 409 when the row exists: the conditional write.
      else await table.createEntity(entity, { abortSignal: signal() });
    } catch (error) {
      // No table: nothing was written. guarded() creates it again and runs the claim once more.
      if (isTableNotFound(error)) throw error;
      const status = statusOf(error);
      // 409 (row exists) and 412 (row changed) are definite: someone else's row holds. 404 on replace: gone.
      if (status !== 409 && status !== 412 && status !== 404) uncertain = true;
      if (status === 404 && replacing) return claim(caller, acsUserId, signal);
    }
    // Whatever the answer was, the row now says who holds it: an answer lost after a committed write shows our id.
    let holder: MappingRecord | undefined;
    try {
      holder = await read(caller, signal());
    } catch (error) {
      // The table went away after the write, and the row with it: claiming again (in a new table) is safe.
      if (isTableNotFound(error)) throw error;
      throw new MappingOutcomeUnknownError();
    }
    if (holder && holder.acsUserId === acsUserId) return { record: holder, won: true };
    if (holder) return { record: holder, won: false };
    if (uncertain) throw new MappingOutcomeUnknownError();
    // Deleted in between (an erase finished): try once more from scratch.
    return claim(caller, acsUserId, signal);
  }

  return {
    get: (caller, deadline) => guarded(deadline, (signal) => read(caller, signal())),
    claim: (caller, acsUserId, deadline, replacing) => guarded(deadline, (signal) => claim(caller, acsUserId, signal, replacing)),
    advance: (caller, deadline, { erasing }) =>
      guarded(deadline, async (signal) => {
        const { partitionKey, rowKey } = mappingKeys(caller);
        let current = await read(caller, signal());
        for (let attempt = 0; current && attempt < 5; attempt++) {
          try {
            const written = await table.updateEntity(
              { partitionKey, rowKey, generation: current.generation + 1, erasing: erasing || current.erasing },
              "Merge",
              { etag: current.etag, abortSignal: signal() },
            );
            return { ...current, generation: current.generation + 1, erasing: erasing || current.erasing, etag: written.etag ?? "" };
          } catch (error) {
            if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
          }
          // Someone else changed the row after our read, which came after the caller's own step (a revoke at ACS):
          // a higher generation was written later than that step, so every instance drops the tokens cached
          // before it, which is all an advance is for. Only a change that did not raise it (or did not mark the
          // row erasing when that is asked) needs another try.
          const seen = current;
          current = await read(caller, signal());
          if (current && current.generation > seen.generation && (!erasing || current.erasing)) return current;
        }
        if (!current) return undefined;
        throw unavailable();
      }),
    remove: (caller, etag, deadline) =>
      guarded(deadline, async (signal) => {
        const { partitionKey, rowKey } = mappingKeys(caller);
        try {
          await table.deleteEntity(partitionKey, rowKey, { etag, abortSignal: signal() });
          return true;
        } catch (error) {
          if ((statusOf(error) === 404 && !isTableNotFound(error)) || statusOf(error) === 412) return false;
          throw error;
        }
      }),
    listErasing: (olderThanMs, limit, deadline) =>
      guarded(deadline, async (signal) => {
        // `Timestamp` is the service's last-modified time of the row (https://learn.microsoft.com/rest/api/storageservices/
        // understanding-the-table-service-data-model#timestamp-property); an erase that is still running touched it
        // moments ago. A filter on a non-key property scans the table, which a sweep every few minutes can afford.
        const before = new Date(Date.now() - olderThanMs);
        const found: CallerIdentity[] = [];
        const pages = table
          .listEntities<MappingEntity>({
            queryOptions: { filter: odata`erasing eq ${true} and Timestamp lt ${before}`, select: ["issuer", "subject"] },
            abortSignal: signal(),
          })
          .byPage({ maxPageSize: Math.min(limit, 1000) });
        for await (const page of pages) {
          for (const entity of page) if (found.length < limit) found.push({ issuer: entity.issuer, subject: entity.subject });
          if (found.length >= limit) break;
        }
        return found;
      }),
    ping: (deadline) =>
      guarded(deadline, async (signal) => {
        try {
          await table.getEntity("readiness", "probe", { abortSignal: signal() });
        } catch (error) {
          if (statusOf(error) !== 404 || isTableNotFound(error)) throw error;
        }
      }),
  };
}
