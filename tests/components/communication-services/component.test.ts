// CommunicationServices on its own: both domain kinds at once, a customer domain not yet linked, sender
// addresses and DNS records as outputs, and engagement tracking per domain.
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../../tools/plan/harness";
import { CommunicationServices } from "../../../components/communication-services";
import { ofType, only } from "../../support/plan";

const tags = { env: "test", owner: "o", costCenter: "c", dataClassification: "internal", service: "s" };

describe("CommunicationServices", () => {
  it("links only the domains marked linkToAcs and reports senders and DNS records of every domain", async () => {
    const plan = await evaluateProgram(
      () => {
        const acs = new CommunicationServices("comm", {
          naming: { app: "acs", env: "test", region: "eastus", suffix: "abcde" },
          resourceGroupName: "rg-test",
          tags,
          dataLocation: "United States",
          domains: [
            { kind: "AzureManaged", senders: [{ username: "DoNotReply", displayName: "Test" }], userEngagementTracking: false, linkToAcs: true },
            {
              kind: "CustomerManaged",
              domainName: "mail.example.com",
              senders: [{ username: "news", displayName: "News" }],
              userEngagementTracking: true,
              linkToAcs: false,
            },
          ],
        });
        return { senders: acs.senderAddresses, dns: acs.dnsRecords, endpoint: acs.endpoint };
      },
      { project: "acs-platform", stack: "test" },
    );

    const domains = ofType(plan, "azure-native:communication:Domain");
    expect(domains.map((d) => [d.inputs["domainName"], d.inputs["domainManagement"], d.inputs["userEngagementTracking"]])).toEqual([
      ["AzureManagedDomain", "AzureManaged", "Disabled"],
      ["mail.example.com", "CustomerManaged", "Enabled"],
    ]);
    const acs = only(plan, "azure-native:communication:CommunicationService");
    expect(acs.inputs).toMatchObject({ communicationServiceName: "acs-acs-test-eus-abcde", location: "global", dataLocation: "United States", linkedDomains: [domains[0]?.id] });
    expect(ofType(plan, "azure-native:monitor:DiagnosticSetting")).toEqual([]);
    const email = only(plan, "azure-native:communication:EmailService");
    expect(email.inputs).toMatchObject({ emailServiceName: "ecs-acs-test-eus-abcde", location: "global", dataLocation: "United States" });
    expect(ofType(plan, "azure-native:communication:SenderUsername").map((s) => [...s.dependencies].sort())).toEqual([
      [domains[0]?.urn, email.urn].sort(),
      [domains[1]?.urn, email.urn].sort(),
    ]);

    expect(plan.outputs["senders"]).toEqual([expect.stringMatching(/^DoNotReply@[0-9a-f-]{36}\.azurecomm\.net$/), "news@mail.example.com"]);
    expect((plan.outputs["dns"] as Array<{ domain: string; purpose: string }>).map((r) => `${r.domain}/${r.purpose}`)).toEqual([
      "mail.example.com/Domain",
      "mail.example.com/SPF",
      "mail.example.com/DKIM",
      "mail.example.com/DKIM2",
    ]);
    expect(plan.outputs["endpoint"]).toBe("https://acs-acs-test-eus-abcde.unitedstates.communication.azure.com/");
  });
});
