// `node --import tsx tests/support/leak-check-cli.ts` (.ci/run, after vitest): exit 1 naming the run's leftover processes.
import { TEST_RUN_MARKER, describeLeftovers, reapLeftovers } from "./leak-check";

const value = process.env[TEST_RUN_MARKER];
if (!value) {
  process.stderr.write(`leak check: ${TEST_RUN_MARKER} is not set, so the run's processes cannot be told apart\n`);
  process.exit(2);
}
void reapLeftovers(value).then((left) => {
  if (left.length === 0) {
    process.stdout.write("leak check: no process started by the tests is left\n");
    return;
  }
  process.stderr.write(`leak check: ${describeLeftovers(left)}\n`);
  process.exitCode = 1;
});
