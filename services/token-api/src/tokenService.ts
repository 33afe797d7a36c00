// The token API's use cases (issue, revoke, erase) over the mapping store, ACS and the cache, independent of HTTP.
import { UpstreamRejectedError, type AcsIdentityGateway } from "./acs";
import type { CallerIdentity } from "./auth";
import type { MappingStore } from "./mappingStore";
import type { Metrics } from "./telemetry";
import type { TokenCache } from "./tokenCache";

export interface IssuedToken {
  token: string;
  expiresOn: Date;
  acsUserId: string;
  cached: boolean;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const userKey = (caller: CallerIdentity) => `${caller.issuer}\n${caller.subject}`;

/** Runs `work` once per key at a time; concurrent callers with the same key share its promise. */
function singleFlight<T>() {
  const running = new Map<string, Promise<T>>();
  return (key: string, work: () => Promise<T>): Promise<T> => {
    const existing = running.get(key);
    if (existing) return existing;
    const started = work().finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };
}

export class TokenService {
  private readonly identityFlight = singleFlight<string>();
  private readonly tokenFlight = singleFlight<IssuedToken>();
  /** Known mappings of this instance (a mapping only changes by erase); bounded, oldest dropped first. */
  private readonly knownIdentities = new Map<string, string>();

  constructor(
    private readonly store: MappingStore,
    private readonly acs: AcsIdentityGateway,
    readonly cache: TokenCache,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** The caller's ACS identity, created on first use; across processes the conditional insert picks one winner. */
  async identityFor(caller: CallerIdentity): Promise<string> {
    const key = userKey(caller);
    const known = this.knownIdentities.get(key);
    if (known) return known;
    return this.identityFlight(key, async () => {
      const existing = (await this.store.get(caller)) ?? (await this.createIdentity(caller));
      this.remember(key, existing);
      return existing;
    });
  }

  private remember(key: string, acsUserId: string): void {
    if (this.knownIdentities.size >= 100_000) this.knownIdentities.delete(this.knownIdentities.keys().next().value as string);
    this.knownIdentities.set(key, acsUserId);
  }

  private async createIdentity(caller: CallerIdentity): Promise<string> {
    const created = await this.acs.createUser();
    let claim: { acsUserId: string; won: boolean };
    try {
      claim = await this.store.claim(caller, created);
    } catch (error) {
      await this.deleteOrphan(created);
      throw error;
    }
    if (claim.won) {
      this.metrics.identityCreated();
      this.log.info({ acsUserId: created }, "ACS identity created for a new app user");
    } else {
      await this.deleteOrphan(created);
    }
    return claim.acsUserId;
  }

  private async deleteOrphan(acsUserId: string): Promise<void> {
    try {
      await this.acs.deleteUser(acsUserId);
      this.log.info({ acsUserId }, "orphan ACS identity deleted after losing the mapping race");
    } catch {
      this.log.warn({ acsUserId }, "orphan ACS identity could not be deleted");
    }
  }

  async issue(caller: CallerIdentity, scopes: string[], lifetimeMinutes: number): Promise<IssuedToken> {
    const key = userKey(caller);
    const cached = this.cache.get(key, scopes, lifetimeMinutes * 60_000 + 60_000);
    if (cached) {
      this.metrics.cacheHit();
      this.metrics.tokenIssued(scopes.join(","));
      return { ...cached, cached: true };
    }
    const issued = await this.tokenFlight(`${key}\u0000${scopes.join(",")}\u0000${lifetimeMinutes}`, async () => {
      const generation = this.cache.generation(key);
      let acsUserId = await this.identityFor(caller);
      let result: { token: string; expiresOn: Date };
      try {
        result = await this.acs.issueToken(acsUserId, scopes, lifetimeMinutes);
      } catch (error) {
        // Erased through another instance: forget the stale mapping, resolve again (a new identity), retry once.
        if (!(error instanceof UpstreamRejectedError && error.statusCode === 401 && this.knownIdentities.get(key) === acsUserId)) throw error;
        this.knownIdentities.delete(key);
        acsUserId = await this.identityFor(caller);
        result = await this.acs.issueToken(acsUserId, scopes, lifetimeMinutes);
      }
      const { token, expiresOn } = result;
      this.cache.set(key, scopes, { token, expiresOn, acsUserId }, generation);
      return { token, expiresOn, acsUserId, cached: false };
    });
    this.metrics.tokenIssued(scopes.join(","));
    return issued;
  }

  /** Revokes every ACS token of the caller; a caller without an identity has nothing to revoke. */
  async revoke(caller: CallerIdentity): Promise<{ acsUserId?: string }> {
    this.cache.invalidateUser(userKey(caller));
    const acsUserId = await this.store.get(caller);
    if (acsUserId) await this.acs.revokeTokens(acsUserId);
    this.cache.invalidateUser(userKey(caller));
    return { acsUserId };
  }

  /** Deletes the ACS identity, then the mapping (that order leaves no orphan identity if the second step fails); idempotent. */
  async erase(caller: CallerIdentity): Promise<{ erased: boolean }> {
    this.cache.invalidateUser(userKey(caller));
    this.knownIdentities.delete(userKey(caller));
    const acsUserId = await this.store.get(caller);
    if (!acsUserId) return { erased: false };
    await this.acs.deleteUser(acsUserId);
    await this.store.remove(caller);
    this.knownIdentities.delete(userKey(caller));
    this.cache.invalidateUser(userKey(caller));
    return { erased: true };
  }
}
