// In-process fakes of the token service's dependencies (mapping store, ACS gateway, metrics, logger) for unit tests.
import type { AcsIdentityGateway } from "../../../services/token-api/src/acs";
import { callerKey, type CallerIdentity } from "../../../services/token-api/src/auth";
import { ServiceUnavailableError } from "../../../services/token-api/src/errors";
import type { MappingRecord, MappingStore } from "../../../services/token-api/src/mappingStore";
import type { Metrics } from "../../../services/token-api/src/telemetry";
import { TokenCache } from "../../../services/token-api/src/tokenCache";
import { TokenService } from "../../../services/token-api/src/tokenService";

/**
 * A mapping store in memory. A read returns the row as it was when the read started (as a real read that reaches
 * the store early and whose answer travels slowly), and answers only once `readGate` (if set) resolves.
 */
export class MemoryStore implements MappingStore {
  readonly rows = new Map<string, MappingRecord>();
  readGate: Promise<void> | undefined;
  down = false;
  reads = 0;
  private etags = 0;

  private check(): void {
    if (this.down)
      throw new ServiceUnavailableError("mapping_store_unavailable", "The identity mapping store is unavailable; retry later.");
  }

  async get(caller: CallerIdentity): Promise<MappingRecord | undefined> {
    this.check();
    this.reads++;
    const snapshot = this.rows.get(callerKey(caller));
    await this.readGate;
    return snapshot && { ...snapshot };
  }

  async claim(caller: CallerIdentity, acsUserId: string, _deadline: unknown, replacing?: MappingRecord) {
    this.check();
    const key = callerKey(caller);
    const held = this.rows.get(key);
    if (held && (!replacing || held.etag !== replacing.etag)) return { record: { ...held }, won: false };
    const record = { acsUserId, generation: replacing ? replacing.generation + 1 : 0, erasing: false, etag: `e${++this.etags}` };
    this.rows.set(key, record);
    return { record: { ...record }, won: true };
  }

  /** Another instance's revoke or erase: raises the generation of the row. */
  async advance(caller: CallerIdentity, _deadline: unknown, { erasing }: { erasing: boolean }) {
    this.check();
    const held = this.rows.get(callerKey(caller));
    if (!held) return undefined;
    const record = { ...held, generation: held.generation + 1, erasing: erasing || held.erasing, etag: `e${++this.etags}` };
    this.rows.set(callerKey(caller), record);
    return { ...record };
  }

  async remove(caller: CallerIdentity, etag: string): Promise<boolean> {
    this.check();
    const held = this.rows.get(callerKey(caller));
    if (!held || held.etag !== etag) return false;
    this.rows.delete(callerKey(caller));
    return true;
  }

  async ping(): Promise<void> {
    this.check();
  }

  async listErasing(): Promise<CallerIdentity[]> {
    return [];
  }
}

/** An ACS gateway that mints `token-<user>-<n>` tokens valid for the asked lifetime on the wall clock. */
export function fakeAcs(): AcsIdentityGateway & { issued: number; deleted: string[] } {
  let users = 0;
  const gateway = {
    issued: 0,
    deleted: [] as string[],
    createUser: async () => `8:acs:user-${++users}`,
    issueToken: async (userId: string, _scopes: string[], lifetimeMinutes: number) => ({
      token: `token-${userId}-${++gateway.issued}`,
      expiresOn: new Date(Date.now() + lifetimeMinutes * 60_000),
    }),
    revokeTokens: async () => undefined,
    deleteUser: async (userId: string) => {
      gateway.deleted.push(userId);
    },
    status: () => ({ mode: "managed-identity" as const }),
    ready: () => true,
    assertFresh: async () => undefined,
    probe: async () => undefined,
    endpoint: () => "https://fake.communication.azure.com/",
    close: () => undefined,
  };
  return gateway;
}

export const noMetrics: Metrics = {
  tokenIssued: () => undefined,
  cacheHit: () => undefined,
  identityCreated: () => undefined,
  upstreamError: () => undefined,
};
export const noLog = { info: () => undefined, warn: () => undefined };

/** A token service over the fakes, with its revocation bound in ms. */
export function fakeService(boundMs: number, clock?: () => number) {
  const store = new MemoryStore();
  const acs = fakeAcs();
  const cache = new TokenCache(10 * 60_000, 1000);
  const service = new TokenService(store, acs, cache, noMetrics, noLog, boundMs, clock);
  return { store, acs, cache, service };
}
