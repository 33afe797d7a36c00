// The remembered caller tokens (auth.ts `recall`): bounded by bytes, least recently used evicted first, dead entries dropped.
import { monotonicNow } from "./clock";

/**
 * How long a verified token is remembered at most, on the monotonic clock. With JWKS_CACHE_MAX_AGE_MS (auth.ts) it
 * bounds how long a signing key removed from the issuer's JWKS keeps working (docs/decisions/0034-token-api-hot-path.md).
 */
export const VERIFIED_TTL_MS = 5 * 60 * 1000;

/**
 * Memory the remembered tokens may hold, as counted by `rememberedBytes`. 32 MiB is about 10,000 Entra ID access
 * tokens of 1.5 KB, or 2,000 of the largest accepted (8 KiB); a token pushed out costs one signature check more.
 */
export const VERIFIED_MAX_BYTES = 32 * 1024 * 1024;

/** What one entry costs beyond its text: the Map entry, the record, and the caller's issuer (a shared string). */
export const VERIFIED_ENTRY_OVERHEAD_BYTES = 256;

/**
 * Bytes an entry counts for: the token text (one byte a character: base64url is ASCII, which V8 stores one byte a
 * character), as much again for the subject and roles decoded from it (a decoded payload is ¾ of its text), and the
 * fixed overhead.
 */
export const rememberedBytes = (tokenText: string): number => 2 * tokenText.length + VERIFIED_ENTRY_OVERHEAD_BYTES;

export interface VerifiedTokensOptions {
  maxBytes?: number;
  ttlMs?: number;
  /** Monotonic milliseconds (the remembering's own age). */
  monotonic?: () => number;
  /** Wall-clock milliseconds (a token's `exp` is an instant the issuer set, compared as jose does). */
  wallClock?: () => number;
}

interface Entry<T> {
  value: T;
  /** Monotonic instant the entry is forgotten. */
  until: number;
  /** Wall-clock instant (`exp` plus skew) the token expires. */
  expiresAt: number;
  bytes: number;
}

/**
 * A Map in least-recently-used order (a hit re-inserts its entry at the end, the standard Map idiom); entries past
 * their age or `exp` are dropped when met and by a sweep of the whole Map at most once per `ttlMs` (on an insert), so
 * dead tokens never hold memory longer than two ages.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxBytes: number;
  private readonly ttlMs: number;
  private readonly monotonic: () => number;
  private readonly wallClock: () => number;
  private bytesHeld = 0;
  private lastSweep: number;

  constructor(options: VerifiedTokensOptions = {}) {
    this.maxBytes = options.maxBytes ?? VERIFIED_MAX_BYTES;
    this.ttlMs = options.ttlMs ?? VERIFIED_TTL_MS;
    this.monotonic = options.monotonic ?? monotonicNow;
    // Looked up on each call, as monotonicNow is, so tests can replace Date.
    this.wallClock = options.wallClock ?? (() => Date.now());
    this.lastSweep = this.monotonic();
  }

  /** Entries and bytes held now (for tests and diagnostics). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytesHeld };
  }

  /** The value remembered for this exact text while it lives (and marks it most recently used); undefined otherwise. */
  get(tokenText: string): T | undefined {
    const entry = this.entries.get(tokenText);
    if (entry === undefined) return undefined;
    this.entries.delete(tokenText);
    if (!this.live(entry)) {
      this.bytesHeld -= entry.bytes;
      return undefined;
    }
    this.entries.set(tokenText, entry);
    return entry.value;
  }

  /** Remembers a verified token until `expiresAt` (wall clock) but at most `ttlMs`; evicts the least recently used over the byte limit. */
  set(tokenText: string, value: T, expiresAt: number): void {
    const now = this.monotonic();
    if (now - this.lastSweep >= this.ttlMs) this.sweep(now);
    const bytes = rememberedBytes(tokenText);
    if (bytes > this.maxBytes) return;
    this.delete(tokenText);
    this.entries.set(tokenText, { value, until: now + this.ttlMs, expiresAt, bytes });
    this.bytesHeld += bytes;
    for (const [text, oldest] of this.entries) {
      if (this.bytesHeld <= this.maxBytes) break;
      this.entries.delete(text);
      this.bytesHeld -= oldest.bytes;
    }
  }

  private delete(tokenText: string): void {
    const entry = this.entries.get(tokenText);
    if (entry === undefined) return;
    this.entries.delete(tokenText);
    this.bytesHeld -= entry.bytes;
  }

  private live(entry: Entry<T>): boolean {
    return entry.until > this.monotonic() && entry.expiresAt > this.wallClock();
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [text, entry] of this.entries) if (!this.live(entry)) this.delete(text);
  }
}
