// Starts `npm run dev` (tools/local-dev/cli.ts) for a test as its own process group, and stops every process of it.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

export interface DevProcess {
  child: ChildProcess;
  /** The JSON line `npm run dev` prints when ready. */
  summary: Record<string, unknown> & { tokenApiUrl: string; acsEndpoint: string; caCertPath: string };
  stderr(): string;
  /** SIGTERM (the graceful stop) and its exit code; then SIGKILL to whatever of the group is left. */
  stop(): Promise<number | null>;
}

/**
 * Runs the CLI under node with tsx as an import hook, not through the `tsx` binary: that wrapper relays a signal to
 * its child and SIGKILLs it when the child does not acknowledge within 30 ms (tsx 4 relaySignalToChild), which a busy
 * machine misses; the killed CLI then leaves Azurite and the token API processes running (PPID 1). `detached` gives
 * the CLI a process group of its own, so `stop()` can end every process it started even when it dies itself.
 */
export async function startDevProcess(args: string[], { deadlineMs = 180_000 } = {}): Promise<DevProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "tools/local-dev/cli.ts", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const code = await exited;
    killGroup(child.pid!);
    return code;
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      void exited.then((code) => reject(new Error(`npm run dev exited with ${code} before it was ready: ${stderr.trim()}`)));
      setTimeout(() => reject(new Error(`npm run dev was not ready within ${deadlineMs / 1000} s: ${stderr.trim()}`)), deadlineMs).unref();
    });
    return { child, summary: JSON.parse(line) as DevProcess["summary"], stderr: () => stderr, stop };
  } catch (error) {
    // Not ready: nothing to stop gracefully, and a SIGTERM would wait for a start that may never end.
    killGroup(child.pid!);
    await exited;
    throw error;
  }
}

/** SIGKILL to every process left in the group `pgid` (none, normally: the CLI stops its children itself). */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
