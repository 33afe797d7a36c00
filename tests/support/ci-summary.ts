// The one line `.ci/run` ends with, `N passed, N failed`, from vitest's JSON report and the run's exit status.

/** What this reads of vitest's JSON reporter output (Jest-compatible shape). */
export interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ status: string; assertionResults: Array<{ status: string }> }>;
}

/**
 * Failed counts every failed test, plus every file that failed outside its tests (an error in beforeAll or at import
 * leaves its tests skipped, not failed: a CI run once printed "1945 passed, 0 failed" and exited 1), and is at least 1
 * when the run failed for any other reason (the leak check, an unhandled error). No report at all: 0 passed, 1 failed.
 */
export function ciSummary(report: VitestJsonReport | undefined, status: number): string {
  if (!report) return "0 passed, 1 failed";
  const fileErrors = report.testResults.filter(
    (f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"),
  ).length;
  const failed = Math.max(report.numFailedTests + fileErrors, status === 0 ? 0 : 1);
  return `${report.numPassedTests} passed, ${failed} failed`;
}
