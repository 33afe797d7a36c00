// The end-of-run leak check finds a process by its run marker (not its name), names it, and stops it.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TEST_RUN_MARKER, describeLeftovers, processesOfRun, reapLeftovers } from "./leak-check";

/** Starts `node -e setInterval(...)` through a shell that exits at once: an orphan (PPID 1), as a leaked child is. */
function orphanWith(marker: string): number {
  const out = execFileSync("sh", ["-c", `"${process.execPath}" -e 'setInterval(() => {}, 1000)' >/dev/null 2>&1 & echo $!`], {
    env: { ...process.env, [TEST_RUN_MARKER]: marker },
    encoding: "utf8",
  });
  return Number(out.trim());
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(process.platform === "linux")("leak check", () => {
  it("lists a process carrying the run's marker, SIGKILLs it by PID, and leaves another run's alone", async () => {
    const run = randomUUID();
    const ours = orphanWith(run);
    const theirs = orphanWith(randomUUID());
    try {
      const command = `${process.execPath} -e setInterval(() => {}, 1000)`;
      expect(processesOfRun(run)).toEqual([{ pid: ours, command }]);
      const left = await reapLeftovers(run, 0);
      expect(left).toEqual([{ pid: ours, command }]);
      expect(describeLeftovers(left)).toBe(
        `1 process(es) started by the tests were still running at the end (stopped now): pid ${ours}: ${command}`,
      );
      // SIGKILL is delivered at once, but the zombie's reaping by init is not: poll for it briefly.
      for (let i = 0; i < 100 && processesOfRun(run).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(processesOfRun(run)).toEqual([]);
      expect(alive(theirs)).toBe(true);
    } finally {
      for (const pid of [ours, theirs]) if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
