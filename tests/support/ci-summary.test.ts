// The summary line .ci/run ends with counts a file that failed outside its tests, and never says 0 failed for a failed run.
import { describe, expect, it } from "vitest";
import { ciSummary } from "./ci-summary";

const file = (status: string, ...tests: string[]) => ({ status, assertionResults: tests.map((s) => ({ status: s })) });

describe("ciSummary", () => {
  it("counts failed tests", () => {
    const report = {
      numPassedTests: 3,
      numFailedTests: 2,
      testResults: [file("failed", "passed", "failed", "failed"), file("passed", "passed")],
    };
    expect(ciSummary(report, 1)).toBe("3 passed, 2 failed");
  });
  it("counts a file whose beforeAll failed (its tests skipped) as a failure", () => {
    const report = {
      numPassedTests: 1945,
      numFailedTests: 0,
      testResults: [file("failed", "skipped", "skipped"), file("passed", "passed")],
    };
    expect(ciSummary(report, 1)).toBe("1945 passed, 1 failed");
  });
  it("says 1 failed when the run failed with every test passed (the leak check)", () => {
    expect(ciSummary({ numPassedTests: 10, numFailedTests: 0, testResults: [file("passed", "passed")] }, 1)).toBe("10 passed, 1 failed");
  });
  it("says 0 failed only for a run that passed", () => {
    expect(ciSummary({ numPassedTests: 10, numFailedTests: 0, testResults: [file("passed", "passed")] }, 0)).toBe("10 passed, 0 failed");
  });
  it("without a report: 0 passed, 1 failed", () => {
    expect(ciSummary(undefined, 0)).toBe("0 passed, 1 failed");
  });
});
