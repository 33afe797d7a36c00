// Tests how the rotate-keys CLI turns a rotation outcome into an exit code and a printed report.
import { describe, expect, it } from "vitest";
import { exitCodeFor, formatReport } from "../../runbooks/rotate-keys";
import type { RotationReport } from "../../runbooks/lib/rotation";
import type { Target } from "../../runbooks/lib/target";

const base: RotationReport = {
  runId: "run-1",
  outcome: "rotated",
  dryRun: false,
  who: "ops@contoso.com",
  previousKey: "primary",
  newKey: "secondary",
  previousSecretVersion: "v1",
  newSecretVersion: "v2",
  message: "Rotated.",
  plan: [],
  audit: [],
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 5300,
};
const target = { label: "stack dev" } as Target;

describe("rotate-keys report", () => {
  it.each([
    ["rotated", 0],
    ["planned", 0],
    ["rolled-back", 1],
    ["precondition-failed", 1],
    ["failed-after-point-of-no-return", 3],
    ["rollback-failed", 3],
  ] as const)("%s exits %i", (outcome, code) => {
    expect(exitCodeFor({ ...base, outcome })).toBe(code);
  });

  it("prints who, keys, versions and duration", () => {
    expect(formatReport(base, target)).toEqual([
      "",
      "Rotation report (run run-1)",
      "  target:          stack dev",
      "  who:             ops@contoso.com",
      "  outcome:         rotated",
      "  active key:      primary -> secondary",
      "  secret version:  v1 -> v2",
      "  duration:        5.3 s",
      "  Rotated.",
    ]);
  });

  it("shows a rollback as unchanged key and restored version", () => {
    const lines = formatReport({ ...base, outcome: "rolled-back", failedStep: "verify-new-key", restoredSecretVersion: "v3" }, target);
    expect(lines.slice(4, 7)).toEqual([
      "  outcome:         rolled-back (failed step: verify-new-key)",
      "  active key:      primary -> primary (unchanged)",
      "  secret version:  v1 -> v2 -> restored as v3",
    ]);
  });
});
