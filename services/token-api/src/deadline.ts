// One deadline per request, handed to every dependency call so the request as a whole never outlives REQUEST_DEADLINE_MS.
import { monotonicNow } from "./clock";

export class Deadline {
  /** `at` is on the monotonic clock (clock.ts), so a wall-clock step neither shortens nor stretches a request. */
  private constructor(readonly at: number) {}

  static after(ms: number): Deadline {
    return new Deadline(monotonicNow() + ms);
  }

  remaining(): number {
    return this.at - monotonicNow();
  }

  /** An abort signal for one attempt: at most `capMs`, never past the deadline (at least 1 ms). */
  signal(capMs = Number.POSITIVE_INFINITY): AbortSignal {
    // AbortSignal.timeout takes whole milliseconds only (the monotonic clock has fractions).
    return AbortSignal.timeout(Math.max(1, Math.ceil(Math.min(capMs, this.remaining()))));
  }
}

/** Resolves with `work`, or rejects with `onTimeout()` when the deadline passes first (work keeps running). */
export async function within<T>(work: Promise<T>, deadline: Deadline, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline.remaining()));
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
