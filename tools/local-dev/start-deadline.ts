// How long `npm run dev` and the tests wait for each local dependency (Azurite, the token API) to accept connections.
import type { ChildProcess } from "node:child_process";

/**
 * Generous on purpose: Azurite starts in about 1 s on an idle machine, but a 2-core machine at load 13-19 missed a
 * 20 s deadline (tests failed with "azurite-table did not start within 20 s"). A dependency that is really broken
 * exits, and that is reported at once with its stderr; the deadline only catches one that hangs.
 */
export const START_DEADLINE_MS = 90_000;

/**
 * Stops a child that missed its start deadline (or whose start failed otherwise) and waits until it is gone, so the
 * error that follows never leaves it running: SIGKILL, since a process that did not start has nothing to save.
 */
export function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
