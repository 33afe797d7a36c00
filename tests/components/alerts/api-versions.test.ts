// The Azure REST API versions azure-native sends for the monitor types the program declares, read from the SDK's
// `.d.ts` headers: decision 0023 records them (three are previews with no pinnable GA module in the npm package),
// so a provider upgrade that changes one fails here until the record is updated.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROJECT_ROOT } from "../../../tools/plan/harness";

const MONITOR = path.join(DEFAULT_PROJECT_ROOT, "node_modules/@pulumi/azure-native/monitor");

/** The default API version and the other versions a type's `.d.ts` header lists. */
function versionsOf(file: string): { uses: string; others: string[] } {
  const header = readFileSync(path.join(MONITOR, file), "utf8").slice(0, 2000);
  const uses = /Uses Azure REST API version ([0-9a-z-]+)\./.exec(header)?.[1] ?? "";
  const others = (/Other available API versions: ([^.]+(?:\.[0-9][^.]*)*)\. These/.exec(header)?.[1] ?? "")
    .split(", ")
    .filter((v) => v !== "");
  return { uses, others };
}

describe("monitor API versions (decision 0023)", () => {
  it.each([
    ["actionGroup.d.ts", "2024-10-01-preview", ["2018-03-01", "2022-06-01", "2023-09-01-preview"]],
    ["scheduledQueryRule.d.ts", "2025-01-01-preview", ["2023-12-01", "2026-03-01"]],
    ["diagnosticSetting.d.ts", "2021-05-01-preview", []],
    ["metricAlert.d.ts", "2018-03-01", ["2024-03-01-preview", "2026-01-01"]],
  ])("%s uses %s", (file, uses, others) => {
    expect(versionsOf(file)).toEqual({ uses, others });
  });

  it("the npm package ships no versioned monitor module to pin a GA version with", () => {
    const versioned = readFileSync(path.join(MONITOR, "index.d.ts"), "utf8").match(/\bv20\d{2}/g) ?? [];
    expect(versioned).toEqual([]);
  });
});
