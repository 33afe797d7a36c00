// Test processes that only compute (an offline plan, a CLI's --help) run at a lower CPU priority than the ones whose
// timing tests assert (token API instances, Azurite, the emulator): on two shared cores a burst of plan processes
// otherwise delays a token API answer past a deadline another file is measuring. `nice` (POSIX, coreutils on Linux)
// lowers the priority of the whole process from its start, all threads included.

/** The niceness these processes run at (0 is normal, 19 the lowest). */
const NICENESS = 10;

/** `[file, args]` that run `file args` at the lower priority, for execFile/spawn. */
export function lowPriority(file: string, args: readonly string[]): [string, string[]] {
  return ["nice", ["-n", String(NICENESS), file, ...args]];
}

/** The same, as a prefix of a shell command line. */
export const LOW_PRIORITY_PREFIX = `nice -n ${NICENESS} `;
