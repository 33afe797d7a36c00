// Fixed-window request counters per key (user or client IP), held by this instance only (docs/token-api.md says so).

export class FixedWindowLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; resolves to the seconds to wait when over the limit, else undefined. */
  hit(key: string): number | undefined {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      // A new window drops every counter at once, which also bounds memory.
      this.windowStart = now - ((now - this.windowStart) % this.windowMs);
      if (now - this.windowStart >= this.windowMs) this.windowStart = now;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count <= this.limit) return undefined;
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
  }
}
