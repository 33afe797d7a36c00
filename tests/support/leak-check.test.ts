// The end-of-run leak check finds a process by its run marker (not its name), names it, and stops it.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TEST_RUN_MARKER, describeLeftovers, processesOfRun, reapLeftovers } from "./leak-check";

describe.runIf(process.platform === "linux")("leak check", () => {
  it("lists a process carrying the run's marker, SIGKILLs it by PID after the grace period, and leaves other runs' alone", async () => {
    const run = randomUUID();
    const spawnWith = (value: string) =>
      spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
        env: { ...process.env, [TEST_RUN_MARKER]: value },
        stdio: "ignore",
      });
    const ours = spawnWith(run);
    const theirs = spawnWith(randomUUID());
    const theirsExited = new Promise((resolve) => theirs.once("exit", resolve));
    try {
      const oursExited = new Promise((resolve) => ours.once("exit", (_code, signal) => resolve(signal)));
      await new Promise((resolve) => ours.once("spawn", resolve));
      expect(processesOfRun(run).map((p) => p.pid)).toEqual([ours.pid]);
      const left = await reapLeftovers(run, 0);
      expect(left).toEqual([{ pid: ours.pid, command: `${process.execPath} -e setInterval(() => {}, 1000)` }]);
      expect(describeLeftovers(left)).toBe(
        `1 process(es) started by the tests were still running at the end (stopped now): pid ${ours.pid}: ${process.execPath} -e setInterval(() => {}, 1000)`,
      );
      expect(await oursExited).toBe("SIGKILL");
      expect(theirs.exitCode).toBeNull();
    } finally {
      ours.kill("SIGKILL");
      theirs.kill("SIGKILL");
      await theirsExited;
    }
  });
});
