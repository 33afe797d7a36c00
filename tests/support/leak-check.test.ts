// The end-of-run leak check finds a process by its run marker (not its name), names it, and stops it.
import { execFileSync } from "node:child_process";
import path from "node:path";
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

  it("never counts its own ancestors: the shell and npx that started the run carry the marker too", () => {
    const run = randomUUID();
    const module = path.join(__dirname, "leak-check.ts");
    const script = `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify(m.processesOfRun(process.env.${TEST_RUN_MARKER}))))`;
    // Two shells above the checker, each kept alive by `; true`, as bash, npx and sh stay above vitest in .ci/run: the
    // grandparent is an ancestor that is not the parent.
    const out = execFileSync("sh", ["-c", 'sh -c "$CHECK; true"; true'], {
      env: { ...process.env, [TEST_RUN_MARKER]: run, CHECK: `"${process.execPath}" --import tsx -e '${script}'` },
      encoding: "utf8",
    });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual([]);
  });
});
