// The token API's use cases (issue, revoke, erase) over the shared mapping store, ACS and the local cache, independent of HTTP.
import { UpstreamRejectedError, type AcsIdentityGateway } from "./acs";
import { callerKey, type CallerIdentity } from "./auth";
import { monotonicNow, type Clock } from "./clock";
import { Deadline, within } from "./deadline";
import { ServiceUnavailableError } from "./errors";
import { MappingOutcomeUnknownError, type MappingRecord, type MappingStore } from "./mappingStore";
import { ERASING_SWEEP, REVOCATION_BOUND_MS } from "./settings";
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

/** A row read and when it started (a read proves the row's state no earlier than its start). */
interface RowCheck {
  record: MappingRecord | undefined;
  startedAt: number;
}

/** The clock of the steps that finish an identity creation after its caller may have stopped waiting: writing
 *  the mapping row, or deleting the identity that lost. Their own, not the request's, so neither is cut short. */
const CREATION_FOLLOW_UP_MS = 10_000;
const MAX_REMEMBERED_ROWS = 100_000;

const creationPending = () =>
  new ServiceUnavailableError("acs_unavailable", "Creating the caller's ACS identity is taking long; retry shortly.", 2);

export class TokenService {
  private readonly rowFlight = singleFlight<RowCheck>();
  private readonly identityFlight = singleFlight<MappingRecord>();
  private readonly tokenFlight = singleFlight<IssuedToken>();
  /** The last row read per user; fresh for REVOCATION_BOUND_MS. Bounded, oldest dropped first. */
  private readonly rows = new Map<string, RowCheck>();

  constructor(
    private readonly store: MappingStore,
    private readonly acs: AcsIdentityGateway,
    readonly cache: TokenCache,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly boundMs = REVOCATION_BOUND_MS,
    /** Every age here is on this clock (monotonic: a wall-clock step back must not make an old read look fresh). */
    private readonly now: Clock = monotonicNow,
  ) {}

  /** Whether a read that started at `check.startedAt` still proves the row's state if handed out now. */
  private fresh(check: RowCheck): boolean {
    return this.now() - check.startedAt <= this.boundMs;
  }

  /**
   * A read of the user's row that started no earlier than `notBefore` (on this service's monotonic clock): the
   * remembered one, a read in flight that started late enough (concurrent requests share one), or a new one.
   * Whether it is still fresh enough to act on is for the caller to judge when it acts (see `fresh`).
   */
  private async row(caller: CallerIdentity, deadline: Deadline, notBefore: number): Promise<RowCheck> {
    const key = callerKey(caller);
    const known = this.rows.get(key);
    if (known && known.startedAt >= notBefore) return known;
    const check = await this.rowFlight(key, async () => {
      const startedAt = this.now();
      const record = await this.store.get(caller, deadline);
      return { record, startedAt };
    });
    // The shared read started before `notBefore`: read again. That read starts after this call did, so this
    // happens at most once.
    if (check.startedAt < notBefore) return this.row(caller, deadline, notBefore);
    this.remember(key, check);
    return check;
  }

  private remember(key: string, check: RowCheck): void {
    const known = this.rows.get(key);
    if (known && known.startedAt > check.startedAt) return;
    this.rows.delete(key);
    if (this.rows.size >= MAX_REMEMBERED_ROWS) this.rows.delete(this.rows.keys().next().value as string);
    this.rows.set(key, check);
  }

  /**
   * Maps a new ACS identity to the caller (no row, an erasing row, or one whose identity ACS no longer knows).
   * The creation runs on its own clock (IDENTITY_CREATION_MS): when the request's deadline passes first the
   * caller gets 503 and the creation still ends in a mapped or a deleted identity, never an orphan. Concurrent
   * requests of the user on this instance share it; across instances the conditional write picks one winner.
   */
  private identityFor(caller: CallerIdentity, deadline: Deadline, replacing: MappingRecord | undefined): Promise<MappingRecord> {
    const key = callerKey(caller);
    const creation = this.identityFlight(key, async () => {
      const created = await this.acs.createUser();
      const startedAt = this.now();
      let claim: { record: MappingRecord; won: boolean };
      try {
        claim = await this.store.claim(caller, created, Deadline.after(CREATION_FOLLOW_UP_MS), replacing);
      } catch (error) {
        // An insert whose answer was lost may have committed: deleting the identity could orphan the row. Keep it.
        if (!(error instanceof MappingOutcomeUnknownError)) await this.deleteQuietly(created, "the mapping could not be written");
        else this.log.warn({ acsUserId: created }, "mapping write outcome unknown; identity kept");
        throw error;
      }
      this.remember(key, { record: claim.record, startedAt });
      if (claim.won) {
        this.metrics.identityCreated();
        this.log.info({ acsUserId: created }, "ACS identity created for an app user");
        // A replaced row's identity is erased or unknown to ACS already; deleting again is idempotent.
        if (replacing && replacing.acsUserId !== created) void this.deleteQuietly(replacing.acsUserId, "replaced mapping");
      } else {
        await this.deleteQuietly(created, "lost the mapping race");
      }
      return claim.record;
    });
    creation.catch(() => undefined); // the request may stop waiting; the outcome is logged above
    return within(creation, deadline, creationPending);
  }

  private async deleteQuietly(acsUserId: string, why: string): Promise<void> {
    try {
      await this.acs.deleteUser(acsUserId, Deadline.after(CREATION_FOLLOW_UP_MS));
      this.log.info({ acsUserId, why }, "unmapped ACS identity deleted");
    } catch {
      this.log.warn({ acsUserId, why }, "unmapped ACS identity could not be deleted");
    }
  }

  /** The row to issue for: an existing live row, or a new identity. */
  private async liveRow(caller: CallerIdentity, deadline: Deadline, check: RowCheck): Promise<RowCheck> {
    if (check.record && !check.record.erasing) return check;
    const startedAt = this.now();
    return { record: await this.identityFor(caller, deadline, check.record), startedAt };
  }

  /**
   * The caller's ACS identity, mapped (and created, race-safe) exactly as for a token: the conversations API adds
   * users by it, and the platform's server identity is one such mapping (conversations/service.ts).
   */
  async identityOf(caller: CallerIdentity, deadline: Deadline): Promise<string> {
    const check = await this.liveRow(caller, deadline, await this.row(caller, deadline, this.now()));
    return check.record!.acsUserId;
  }

  async issue(caller: CallerIdentity, scopes: string[], lifetimeMinutes: number, deadline: Deadline): Promise<IssuedToken> {
    const key = callerKey(caller);
    // An instance that lost touch with the vault may hold a key the runbook has regenerated: hand out nothing.
    await this.acs.assertFresh();
    const cached = this.cache.get(key, scopes, lifetimeMinutes * 60_000 + 60_000);
    if (cached && cached.secretVersion === this.acs.status().secretVersion) {
      // Fail closed: a cached token is handed out only while a read of the row that started at most the bound
      // ago shows the generation it was issued under. A read that fails (this instance's store path timing out or
      // throttled, while another instance may have answered a revoke or an erase) is a 503
      // `mapping_store_unavailable`, never this token (docs/decisions/0015-token-api-trade-offs.md).
      let check = await this.row(caller, deadline, this.now() - this.boundMs);
      // Freshness is judged at hand-out, not on arrival: a read that took long (or that this request joined) may
      // have started before a revoke that was answered meanwhile. Read once more, starting now.
      if (!this.fresh(check)) check = await this.row(caller, deadline, this.now());
      const { record } = check;
      const current = record && !record.erasing && record.acsUserId === cached.acsUserId && record.generation === cached.generation;
      if (current && this.fresh(check)) {
        this.metrics.cacheHit();
        this.metrics.tokenIssued(scopes.join(","));
        return { token: cached.token, expiresOn: cached.expiresOn, acsUserId: cached.acsUserId, cached: true };
      }
      // Revoked, erased or re-mapped through some instance since the token was cached. (Current but not
      // provably fresh, because row reads take longer than the bound: a new token, minted now, is safe.)
      if (!current) this.cache.invalidateUser(key);
    }
    const issued = await this.tokenFlight(`${key}\u0000${scopes.join(",")}\u0000${lifetimeMinutes}`, () =>
      this.issueFresh(caller, scopes, lifetimeMinutes, deadline),
    );
    this.metrics.tokenIssued(scopes.join(","));
    return issued;
  }

  private async issueFresh(
    caller: CallerIdentity,
    scopes: string[],
    lifetimeMinutes: number,
    deadline: Deadline,
    attempt = 0,
  ): Promise<IssuedToken> {
    const key = callerKey(caller);
    const cacheGeneration = this.cache.generation(key);
    // Any remembered row will do here: a token issued now is issued after every revoke answered so far, and an
    // erased identity makes ACS answer 401 (handled below). Only tokens already issued need a fresh read.
    let check = await this.liveRow(caller, deadline, await this.row(caller, deadline, Number.NEGATIVE_INFINITY));
    let record = check.record!;
    let result: Awaited<ReturnType<AcsIdentityGateway["issueToken"]>>;
    let issueStartedAt = this.now();
    try {
      result = await this.acs.issueToken(record.acsUserId, scopes, lifetimeMinutes, deadline);
    } catch (error) {
      if (!(error instanceof UpstreamRejectedError && error.statusCode === 401) || attempt > 0) throw error;
      // ACS does not know the identity: erased and re-mapped through another instance (read the row again), or
      // a row that points at a deleted identity, which a new identity repairs.
      const fresh = await this.row(caller, deadline, this.now());
      if (fresh.record && !fresh.record.erasing && fresh.record.acsUserId === record.acsUserId) {
        this.log.warn({ acsUserId: record.acsUserId }, "mapping points at an identity ACS does not know; mapping a new one");
        check = { record: await this.identityFor(caller, deadline, fresh.record), startedAt: this.now() };
      } else check = await this.liveRow(caller, deadline, fresh);
      record = check.record!;
      issueStartedAt = this.now();
      result = await this.acs.issueToken(record.acsUserId, scopes, lifetimeMinutes, deadline);
    }
    // Hand-out rule for a fresh token: the ACS call started at most the bound ago (so a revoke or erase answered
    // after the token was minted was answered less than the bound ago), or a read of the row started at most
    // the bound ago shows the generation it was issued under; and the key that signed it is still this
    // instance's key.
    const since = Math.max(issueStartedAt, check.startedAt);
    if (this.now() - since > this.boundMs || result.secretVersion !== this.acs.status().secretVersion) {
      const again = await this.row(caller, deadline, this.now());
      const same =
        this.fresh(again) &&
        again.record &&
        !again.record.erasing &&
        again.record.acsUserId === record.acsUserId &&
        again.record.generation === record.generation;
      if (!same || result.secretVersion !== this.acs.status().secretVersion) {
        if (attempt > 0)
          throw new ServiceUnavailableError("acs_unavailable", "The caller's identity changed while the token was issued; retry.", 1);
        return this.issueFresh(caller, scopes, lifetimeMinutes, deadline, attempt + 1);
      }
    }
    const { token, expiresOn } = result;
    this.cache.set(
      key,
      scopes,
      { token, expiresOn, acsUserId: record.acsUserId, generation: record.generation, secretVersion: result.secretVersion },
      cacheGeneration,
    );
    return { token, expiresOn, acsUserId: record.acsUserId, cached: false };
  }

  /**
   * Revokes every ACS token of the caller, then raises the row's generation so every instance drops the tokens
   * it cached (in that order: a token issued between the two is issued after the revoke and works).
   */
  async revoke(caller: CallerIdentity, deadline: Deadline): Promise<{ acsUserId?: string }> {
    const key = callerKey(caller);
    this.cache.invalidateUser(key);
    const { record } = await this.row(caller, deadline, this.now());
    if (!record) return {};
    await this.acs.revokeTokens(record.acsUserId, deadline);
    const startedAt = this.now();
    const advanced = await this.store.advance(caller, deadline, { erasing: false });
    this.remember(key, { record: advanced, startedAt });
    this.cache.invalidateUser(key);
    return { acsUserId: record.acsUserId };
  }

  /**
   * Finishes erases cut short (an instance killed between marking a row erasing and removing it): every row left
   * erasing for longer than `olderThanMs` is erased again, which deletes its identity (revoking its tokens) and the
   * row. Resolves how many it finished; a failure leaves the row for the next sweep (docs/decisions/0015).
   */
  async sweepErasing(olderThanMs = ERASING_SWEEP.olderThanMs): Promise<number> {
    const stuck = await this.store.listErasing(olderThanMs, ERASING_SWEEP.batch, Deadline.after(ERASING_SWEEP.deadlineMs));
    let finished = 0;
    for (const caller of stuck) {
      try {
        await this.erase(caller, Deadline.after(ERASING_SWEEP.deadlineMs));
        finished++;
      } catch (error) {
        this.log.warn({ code: (error as { code?: string }).code }, "a stuck erase could not be finished; the next sweep retries");
      }
    }
    if (finished > 0) this.log.info({ finished }, "stuck erases finished");
    return finished;
  }

  /**
   * Erases the caller: marks the row erasing (every instance stops serving its tokens), deletes the ACS
   * identity, then the row. Each step is repeatable: a failure leaves an erasing row that a retried erase
   * finishes and a token request replaces with a new identity. Idempotent.
   */
  async erase(caller: CallerIdentity, deadline: Deadline): Promise<{ erased: boolean }> {
    const key = callerKey(caller);
    this.cache.invalidateUser(key);
    const marked = await this.store.advance(caller, deadline, { erasing: true });
    if (!marked) {
      this.remember(key, { record: undefined, startedAt: this.now() });
      return { erased: false };
    }
    this.remember(key, { record: marked, startedAt: this.now() });
    await this.acs.deleteUser(marked.acsUserId, deadline);
    const startedAt = this.now();
    const removed = await this.store.remove(caller, marked.etag, deadline);
    this.rows.delete(key);
    // Not removed: a token request mapped a new identity meanwhile; the next request reads that row.
    if (removed) this.remember(key, { record: undefined, startedAt });
    this.cache.invalidateUser(key);
    return { erased: true };
  }
}
