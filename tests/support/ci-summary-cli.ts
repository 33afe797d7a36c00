// `node --import tsx tests/support/ci-summary-cli.ts <report.json> <status>` (.ci/run, last): prints the summary line.
import { readFileSync } from "node:fs";
import { ciSummary, type VitestJsonReport } from "./ci-summary";

const [reportPath, status] = process.argv.slice(2);
let report: VitestJsonReport | undefined;
try {
  report = JSON.parse(readFileSync(reportPath ?? "", "utf8")) as VitestJsonReport;
} catch {
  report = undefined;
}
process.stdout.write(`${ciSummary(report, Number(status))}\n`);
