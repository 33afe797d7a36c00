// The one clock for ages and deadlines: monotonic, so a wall-clock step (NTP, a resumed VM) never makes old look fresh.

/**
 * Milliseconds on a monotonic clock (https://nodejs.org/api/perf_hooks.html#performancenow: relative to the
 * process's time origin, never stepped). Every age, timeout and deadline in the service is measured on it;
 * only absolute instants other parties set (a token's `exp`, an HTTP date) are compared with the wall clock.
 * Looked up on each call so tests can replace `performance` (vitest fake timers).
 */
export const monotonicNow = (): number => performance.now();

/** A clock the service's use cases take as a dependency (tests pass their own). */
export type Clock = () => number;
