// vitest globalSetup: at the end of a run, fails it naming every process the tests started that is still running.
import { TEST_RUN_MARKER, describeLeftovers, reapLeftovers } from "./leak-check";

export async function teardown(): Promise<void> {
  const value = process.env[TEST_RUN_MARKER];
  if (!value || process.platform !== "linux") return;
  const left = await reapLeftovers(value);
  if (left.length > 0) {
    process.exitCode = 1;
    throw new Error(describeLeftovers(left));
  }
}
