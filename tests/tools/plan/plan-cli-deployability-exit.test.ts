// Deployability failures brought back in a copy of a stack file, through `npm run plan` in a fresh process: the exit
// code and the one result or error line a CI job sees. (The in-process checks of every rule: tests/stacks/deployability-rules-on-stacks.test.ts.)
import { describe, expect, it } from "vitest";
import { allPolicies } from "../../../policies/policies";
import { firstDayOfMonthUtc } from "../../../policies/deployability-facts";
import { stackFileCopy } from "../../support/stack-files";
import { plan as runPlanCli } from "./run-plan";

const DEPLOYABILITY = new Set(allPolicies.filter((p) => p.group === "deployability").map((p) => p.name));

describe("stack-file mutations through `npm run plan`", () => {
  it("a budget start date before the current month (a fixed date in the stack file) exits 1 naming the budget", async () => {
    const now = new Date();
    const lastMonth = firstDayOfMonthUtc(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))).slice(0, 10);
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:alerts"].budget.startDate = lastMonth));
    const r = await runPlanCli(["--stack", "prod", "--config-file", file, "--format", "json"]);
    const doc = JSON.parse(r.stdout) as {
      resources: Array<{ urn: string; name: string }>;
      results: Array<{ policy: string; urn: string; level: string; message: string }>;
    };
    const names = new Map(doc.resources.map((x) => [x.urn, x.name]));
    const found = doc.results.filter((x) => DEPLOYABILITY.has(x.policy)).map((x) => `${x.policy} | ${names.get(x.urn) ?? ""} | ${x.level}`);
    expect([r.code, found]).toEqual([1, ["deployability-budget-enforce-start-date-window | acsplat-alerts-budget | mandatory"]]);
    expect(doc.results.find((x) => x.policy === "deployability-budget-enforce-start-date-window")?.message).toContain(
      `startDate "${lastMonth}T00:00:00Z" lies before the current month`,
    );
  });

  it("the default sender listed in the stack file is refused by the config schema: exit 2 naming the key", async () => {
    const file = stackFileCopy(
      "dev",
      (c) => void (c["acs-platform:email"].domains[0].senders = [{ username: "DoNotReply", displayName: "Dev" }]),
    );
    const r = await runPlanCli(["--stack", "dev", "--config-file", file]);
    expect([r.code, r.stderr.replace(/^npm warn.*\n/gm, "").trim()]).toEqual([
      2,
      `error: ${file}: invalid stack configuration: acs-platform:email.domains[0].senders[0].username "DoNotReply" is the default sender Azure creates on every domain; it is not declared (its address is in emailSenderAddresses): list only extra senders`,
    ]);
  });
});
