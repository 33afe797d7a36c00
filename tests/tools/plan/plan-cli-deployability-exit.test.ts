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
    expect([r.code, found]).toEqual([1, ["costmanagement-budget-enforce-start-date-window | acsplat-alerts-budget | mandatory"]]);
    expect(doc.results.find((x) => x.policy === "costmanagement-budget-enforce-start-date-window")?.message).toContain(
      `startDate "${lastMonth}T00:00:00Z" lies before the current month`,
    );
  });

  it("the default sender listed in the stack file is refused by the config schema: exit 2 naming the key", async () => {
    // On prod's customer-managed domain (an Azure-managed one takes no senders at all).
    const file = stackFileCopy(
      "prod",
      (c) => void (c["acs-platform:email"].domains[0].senders = [{ username: "DoNotReply", displayName: "Prod" }]),
    );
    const r = await runPlanCli(["--stack", "prod", "--config-file", file]);
    expect([r.code, r.stderr.replace(/^npm warn.*\n/gm, "").trim()]).toEqual([
      2,
      `error: ${file}: invalid stack configuration: acs-platform:email.domains[0].senders[0].username "DoNotReply" is the default sender Azure creates on every domain; it is not declared (its address is in emailSenderAddresses): list only extra senders`,
    ]);
  });

  it("userEngagementTracking on the Azure-managed domain is refused by the config schema: exit 2 naming the key", async () => {
    const file = stackFileCopy("dev", (c) => void (c["acs-platform:email"].domains[0].userEngagementTracking = true));
    const r = await runPlanCli(["--stack", "dev", "--config-file", file]);
    expect([r.code, r.stderr.replace(/^npm warn.*\n/gm, "").trim()]).toEqual([
      2,
      `error: ${file}: invalid stack configuration: acs-platform:email.domains[0].userEngagementTracking must be false on an AzureManaged domain ` +
        `("User Engagement Tracking cannot be enabled for Azure Managed Domains", https://learn.microsoft.com/azure/communication-services/quickstarts/email/enable-user-engagement-tracking); ` +
        "use a CustomerManaged domain with sendingLimitsRaised",
    ]);
  });

  it("prod's first plan declares no sender on its unverified domain; verified with raised limits, phase 3 adds the listed one", async () => {
    const raised = stackFileCopy("prod", (c) => {
      const domain = c["acs-platform:email"].domains[0];
      domain.verified = true;
      domain.sendingLimitsRaised = true;
    });
    const senders = (stdout: string) =>
      (JSON.parse(stdout) as { resources: Array<{ type: string; inputs: Record<string, unknown> }> }).resources
        .filter((x) => x.type === "azure-native:communication:SenderUsername")
        .map((x) => `${String(x.inputs["username"])}@${String(x.inputs["domainName"])}`);
    const [first, later] = await Promise.all([
      runPlanCli(["--stack", "prod", "--format", "json"]),
      runPlanCli(["--stack", "prod", "--config-file", raised, "--format", "json"]),
    ]);
    expect([first.code, senders(first.stdout)]).toEqual([0, []]);
    expect([later.code, senders(later.stdout)]).toEqual([0, ["alerts@notify.contoso.com"]]);
  });
});
