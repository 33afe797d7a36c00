// Keeps issued ACS tokens in memory per (user, scopes), never handing out one with less than the configured validity left.

export interface CachedToken {
  token: string;
  expiresOn: Date;
  acsUserId: string;
  /** The user's row generation the token was issued under (raised by revoke and erase on any instance). */
  generation: number;
  /** The secret version whose key signed the request (key-vault mode): a token of another version is never served. */
  secretVersion?: string;
}

/** Bounded map (oldest evicted first) with per-user invalidation generations, so a token fetched before a revoke is never stored after it. */
export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  private readonly keysByUser = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private clears = 0;

  constructor(
    private readonly minRemainingMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(userKey: string, scopes: readonly string[]) {
    return `${userKey}\u0000${scopes.join(",")}`;
  }

  generation(userKey: string): number {
    return this.clears * 1_000_000 + (this.generations.get(userKey) ?? 0);
  }

  /** A cached token with at least the minimum validity left and no more than `maxLifetimeMs` (never longer than asked). */
  get(userKey: string, scopes: readonly string[], maxLifetimeMs: number): CachedToken | undefined {
    const key = TokenCache.key(userKey, scopes);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const remaining = entry.expiresOn.getTime() - this.now();
    if (remaining < this.minRemainingMs) {
      this.entries.delete(key);
      return undefined;
    }
    return remaining <= maxLifetimeMs ? entry : undefined;
  }

  set(userKey: string, scopes: readonly string[], value: CachedToken, generation: number): void {
    if (this.maxEntries === 0 || generation !== this.generation(userKey)) return;
    if (value.expiresOn.getTime() - this.now() < this.minRemainingMs) return;
    const key = TokenCache.key(userKey, scopes);
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, value);
    let keys = this.keysByUser.get(userKey);
    if (!keys) this.keysByUser.set(userKey, (keys = new Set()));
    keys.add(key);
  }

  /** Drops every token of the user (revoke, erase). */
  invalidateUser(userKey: string): void {
    this.generations.set(userKey, this.generation(userKey) + 1);
    for (const key of this.keysByUser.get(userKey) ?? []) this.entries.delete(key);
    this.keysByUser.delete(userKey);
  }

  /** Drops everything (a new ACS key may have revoked tokens issued with the old one). */
  clear(): void {
    this.clears++;
    this.entries.clear();
    this.keysByUser.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
