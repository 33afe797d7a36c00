// `npm run plan -- --stack prod` and the ACS retirement date, in fresh processes: today the lifecycle results are
// advisory (exit 0) and name 2028-09-30 in JSON, text, markdown and SARIF; in a process whose clock reads
// 2028-10-01 (tests/support/clock-after-retirement.cjs) the same plan exits 1 naming them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { plan, ROOT } from "./run-plan";

const RULE = "plan-communication-disallow-retired-service";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "retirement-cli-"));
const CLOCK = path.join(ROOT, "tests/support/clock-after-retirement.cjs");

interface Doc {
  resources: Array<{ urn: string; name: string }>;
  results: Array<{ policy: string; urn: string; level: string; message: string }>;
}
function rows(stdout: string): string[] {
  const doc = JSON.parse(stdout) as Doc;
  const names = new Map(doc.resources.map((r) => [r.urn, r.name]));
  return doc.results.filter((r) => r.policy === RULE).map((r) => `${r.level} | ${names.get(r.urn) ?? "?"}`);
}

describe("the retirement rule through `npm run plan`", () => {
  it("today: advisory results naming 2028-09-30 in every format, exit 0", async () => {
    const files = { text: path.join(tmp, "p.txt"), markdown: path.join(tmp, "p.md"), sarif: path.join(tmp, "p.sarif") };
    const also = Object.entries(files).flatMap(([f, file]) => ["--also", `${f}=${file}`]);
    const r = await plan(["--stack", "prod", "--format", "json", ...also]);
    expect([r.code, rows(r.stdout)]).toEqual([
      0,
      ["advisory | acsplat-communication-email", "advisory | acsplat-token-api-app", "advisory | acsplat-events-sub-sms-delivery"],
    ]);
    for (const m of (JSON.parse(r.stdout) as Doc).results.filter((x) => x.policy === RULE).map((x) => x.message)) {
      expect(m).toMatch(
        /It retires on 2028-09-30, .* since 2026-10-23, .*Source: https:\/\/learn\.microsoft\.com\/azure\/communication-services\/acs-retirement-and-breaking-changes-guide$/,
      );
    }
    expect(fs.readFileSync(files.text, "utf8")).toContain(`[advisory] ${RULE} (high): 3 results`);
    expect(fs.readFileSync(files.markdown, "utf8")).toMatch(
      new RegExp(
        `\\| advisory \\| \\[\`${RULE}\`\\]\\([^)]+\\) \\| high \\| \`acsplat-communication-email\`, \`acsplat-token-api-app\`, \`acsplat-events-sub-sms-delivery\` \\| ACS Email: .*2028-09-30.*\\(and 2 other findings\\)`,
      ),
    );
    const sarif = JSON.parse(fs.readFileSync(files.sarif, "utf8")) as {
      runs: Array<{ results: Array<{ ruleId: string; level: string }> }>;
    };
    expect(sarif.runs[0]!.results.filter((x) => x.ruleId === RULE).map((x) => x.level)).toEqual(["warning", "warning", "warning"]);
  }, 60_000);

  it("with the clock after 2028-09-30: the same plan exits 1 naming the retired capabilities", async () => {
    const r = await plan(["--stack", "prod", "--format", "json"], ["--require", CLOCK]);
    expect([r.code, rows(r.stdout)]).toEqual([
      1,
      ["mandatory | acsplat-communication-email", "mandatory | acsplat-token-api-app", "mandatory | acsplat-events-sub-sms-delivery"],
    ]);
    expect((JSON.parse(r.stdout) as Doc).results.find((x) => x.policy === RULE)!.message).toContain("It retired on 2028-09-30");
  }, 60_000);
});
