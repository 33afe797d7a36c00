// `<data-dir>/env.json`: written by a running `npm run dev`, marked with its PID, removed when it stops; readers check the PID.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The file `npm run dev` writes in its data directory and the `--local` tools read (docs/interfaces.md). */
export const ENV_FILE_NAME = "env.json";
/** Held by the `npm run dev` that owns a data directory, from before its start until it exits. */
export const OWNER_FILE_NAME = "dev.pid";

/** True when process `pid` exists (signal 0 only checks; EPERM means it exists under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The one-line reason a reader of `file` gives when no environment is running there, or undefined when one is. */
export function notRunningReason(file: string, document: unknown): string | undefined {
  const pid = (document as { pid?: unknown } | null)?.pid;
  // A hand-written file (no pid: e.g. one pointing at an emulator started some other way) is taken as it is.
  if (typeof pid !== "number") return undefined;
  if (isProcessAlive(pid)) return undefined;
  return `the local environment is not running: ${file} was written by npm run dev (pid ${pid}), which has exited; start it with \`npm run dev\``;
}

/** The message for a missing env.json. */
export function missingEnvFileReason(file: string): string {
  return `the local environment is not running: ${file} not found; start it with \`npm run dev\``;
}

/**
 * Claims `dataDir` for this process: refuses (throws, naming the owner) when another live `npm run dev` holds it,
 * takes it over when the holder has exited (a SIGKILL leaves the file behind). Returns the release, which removes
 * env.json and the owner file; it is safe to call more than once and from a synchronous `exit` handler.
 */
export function claimDataDir(dataDir: string): () => void {
  const ownerFile = join(dataDir, OWNER_FILE_NAME);
  try {
    // Exclusive create: of two starts at once, one gets the file and the other reads its owner below.
    writeFileSync(ownerFile, `${process.pid}\n`, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = readOwner(ownerFile);
    if (owner !== undefined && Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner)) {
      throw new Error(`${dataDir} is in use by another npm run dev (pid ${owner}); stop it first, or give this one its own --data-dir`);
    }
    writeFileSync(ownerFile, `${process.pid}\n`);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Only what this process wrote: a newer owner (after a takeover) keeps its files.
    if (readOwner(ownerFile) !== process.pid) return;
    rmSync(join(dataDir, ENV_FILE_NAME), { force: true });
    rmSync(ownerFile, { force: true });
  };
}

function readOwner(ownerFile: string): number | undefined {
  try {
    return Number(readFileSync(ownerFile, "utf8").trim());
  } catch {
    return undefined;
  }
}
