// Finds processes a test run started that are still running at its end (Linux /proc), by a marker in their environment.
import { readFileSync, readdirSync } from "node:fs";

/**
 * Set once per run (vitest.config.ts, .ci/run) and inherited by every process the tests start, directly or through
 * npm, tsx or a CLI: a leftover is recognised by this variable in /proc/<pid>/environ, not by its name, so processes
 * of other runs on the same machine (other checkouts, other CI jobs) are never counted or touched.
 */
export const TEST_RUN_MARKER = "ACS_PLATFORM_TEST_RUN";

export interface Leftover {
  pid: number;
  command: string;
}

/**
 * Processes carrying `marker=value`, except this process, its ancestors (the shell, npx and sh that started the run
 * carry the marker too: .ci/run exports it), its children, and vitest's workers.
 */
export function processesOfRun(value: string, marker = TEST_RUN_MARKER): Leftover[] {
  const needle = `${marker}=${value}`;
  const found: Leftover[] = [];
  const ancestors = ancestorsOf(process.pid);
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || ancestors.has(pid)) continue;
    let environ: string;
    let command: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "utf8");
      command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    } catch {
      continue; // gone meanwhile, or another user's
    }
    if (!environ.split("\0").includes(needle)) continue;
    // The checker's own helpers (vitest's or tsx's esbuild service) are its children, not the tests'.
    if (parentOf(pid) === process.pid) continue;
    if (/[/\\]vitest[/\\]/.test(command) || command === "") continue;
    found.push({ pid, command: command.length > 200 ? `${command.slice(0, 200)}...` : command });
  }
  return found;
}

/** Every process above `pid`, up to init. */
function ancestorsOf(pid: number): Set<number> {
  const found = new Set<number>();
  for (let p = parentOf(pid); p !== undefined && p > 1 && !found.has(p); p = parentOf(p)) found.add(p);
  return found;
}

/** The PPID from /proc/<pid>/stat (the field after the parenthesised command, which may itself hold spaces). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * Waits up to `graceMs` for the run's processes to exit (a stop in progress), then SIGKILLs each one left by its PID
 * so nothing outlives the run, and returns what was left, for the caller to fail naming them.
 */
export async function reapLeftovers(value: string, graceMs = 10_000): Promise<Leftover[]> {
  const deadline = Date.now() + graceMs;
  let left = processesOfRun(value);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = processesOfRun(value);
  }
  for (const { pid } of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited just now
    }
  }
  return left;
}

export function describeLeftovers(left: Leftover[]): string {
  return `${left.length} process(es) started by the tests were still running at the end (stopped now): ${left.map((l) => `pid ${l.pid}: ${l.command}`).join("; ")}`;
}
