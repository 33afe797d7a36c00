// CommunicationServices on its own: both domain kinds at once, a customer domain linked only once verified, the
// default DoNotReply sender never declared, extra senders and engagement tracking only once the domain is verified
// with raised sending limits, protection and locks with `lock`, and key auth off only when asked.
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../../tools/plan/harness";
import { CommunicationServices, type CommunicationServicesArgs } from "../../../components/communication-services";
import { EMAIL_DOMAIN_LIMITS_RAISED_TAG, EMAIL_DOMAIN_VERIFIED_TAG } from "../../../policies/deployability-facts";
import type { PlanResult } from "../../../tools/plan/types";
import { ofType, only } from "../../support/plan";

const tags = { env: "test", owner: "o", costCenter: "c", dataClassification: "internal", service: "s" };

function evaluate(verified: boolean, extra: Partial<CommunicationServicesArgs> = {}, sendingLimitsRaised = verified): Promise<PlanResult> {
  return evaluateProgram(
    () => {
      const acs = new CommunicationServices("comm", {
        naming: { app: "acs", env: "test", region: "eastus", suffix: "abcde" },
        resourceGroupName: "rg-test",
        tags,
        dataLocation: "United States",
        domains: [
          { kind: "AzureManaged", senders: [], userEngagementTracking: false, linkToAcs: true },
          {
            kind: "CustomerManaged",
            domainName: "mail.example.com",
            senders: [{ username: "news", displayName: "News" }],
            userEngagementTracking: true,
            linkToAcs: true,
            verified,
            sendingLimitsRaised,
          },
        ],
        ...extra,
      });
      return { senders: acs.senderAddresses, dns: acs.dnsRecords, endpoint: acs.endpoint };
    },
    { project: "acs-platform", stack: "test" },
  );
}

describe("CommunicationServices", () => {
  it("links the Azure-managed domain but not a customer domain that is not verified yet, whose senders and tracking wait", async () => {
    const plan = await evaluate(false);
    const domains = ofType(plan, "azure-native:communication:Domain");
    expect(
      domains.map((d) => [
        d.inputs["domainName"],
        d.inputs["domainManagement"],
        d.inputs["userEngagementTracking"],
        (d.inputs["tags"] as Record<string, string>)[EMAIL_DOMAIN_VERIFIED_TAG],
      ]),
    ).toEqual([
      ["AzureManagedDomain", "AzureManaged", "Disabled", "true"],
      ["mail.example.com", "CustomerManaged", "Disabled", "false"],
    ]);
    const acs = only(plan, "azure-native:communication:CommunicationService");
    expect(acs.inputs).toMatchObject({
      communicationServiceName: "acs-acs-test-eus-abcde",
      location: "global",
      dataLocation: "United States",
      linkedDomains: [domains[0]?.id],
    });
    expect(acs.inputs).not.toHaveProperty("disableLocalAuth");
    expect(ofType(plan, "azure-native:monitor:DiagnosticSetting")).toEqual([]);
    const email = only(plan, "azure-native:communication:EmailService");
    expect(email.inputs).toMatchObject({ emailServiceName: "ecs-acs-test-eus-abcde", location: "global", dataLocation: "United States" });
    // "Sender usernames cannot be enabled for ... custom domains with default sending limits": none yet.
    expect(ofType(plan, "azure-native:communication:SenderUsername")).toEqual([]);

    expect(plan.outputs["senders"]).toEqual([
      expect.stringMatching(/^DoNotReply@[0-9a-f-]{36}\.azurecomm\.net$/),
      "DoNotReply@mail.example.com",
    ]);
    expect((plan.outputs["dns"] as Array<{ domain: string; purpose: string }>).map((r) => `${r.domain}/${r.purpose}`)).toEqual([
      "mail.example.com/Domain",
      "mail.example.com/SPF",
      "mail.example.com/DKIM",
      "mail.example.com/DKIM2",
    ]);
    expect(plan.outputs["endpoint"]).toBe("https://acs-acs-test-eus-abcde.unitedstates.communication.azure.com/");
    expect(plan.resources.filter((r) => r.options.protect === true)).toEqual([]);
    expect(ofType(plan, "azure-native:authorization:ManagementLockByScope")).toEqual([]);
  });

  it("links the customer domain once it is verified, but keeps its senders and tracking until its limits are raised", async () => {
    const plan = await evaluate(true, {}, false);
    const domains = ofType(plan, "azure-native:communication:Domain");
    const tagsOf = (i: number) => domains[i]?.inputs["tags"] as Record<string, string>;
    expect([
      tagsOf(1)[EMAIL_DOMAIN_VERIFIED_TAG],
      tagsOf(1)[EMAIL_DOMAIN_LIMITS_RAISED_TAG],
      domains[1]?.inputs["userEngagementTracking"],
    ]).toEqual(["true", "false", "Disabled"]);
    expect(only(plan, "azure-native:communication:CommunicationService").inputs["linkedDomains"]).toEqual(domains.map((d) => d.id));
    expect(ofType(plan, "azure-native:communication:SenderUsername")).toEqual([]);
  });

  it("declares the extra senders and tracking on a verified customer domain with raised limits, never on the Azure-managed one", async () => {
    const plan = await evaluate(true, {}, true);
    const domains = ofType(plan, "azure-native:communication:Domain");
    expect(
      domains.map((d) => [
        d.inputs["userEngagementTracking"],
        (d.inputs["tags"] as Record<string, string>)[EMAIL_DOMAIN_LIMITS_RAISED_TAG],
      ]),
    ).toEqual([
      ["Disabled", "false"],
      ["Enabled", "true"],
    ]);
    const email = only(plan, "azure-native:communication:EmailService");
    const senders = ofType(plan, "azure-native:communication:SenderUsername");
    expect(senders.map((s) => [s.inputs["username"], [...s.dependencies].sort()])).toEqual([["news", [domains[1]?.urn, email.urn].sort()]]);
    expect(plan.outputs["senders"]).toEqual([
      expect.stringMatching(/^DoNotReply@[0-9a-f-]{36}\.azurecomm\.net$/),
      "DoNotReply@mail.example.com",
      "news@mail.example.com",
    ]);
  });

  it("with a lock, protects and locks ACS, the Email service and every domain (their dataLocation is create-only)", async () => {
    const plan = await evaluate(true, { lock: "CanNotDelete" });
    expect(plan.resources.filter((r) => r.options.protect === true).map((r) => r.type)).toEqual([
      "azure-native:communication:EmailService",
      "azure-native:communication:Domain",
      "azure-native:communication:Domain",
      "azure-native:communication:CommunicationService",
    ]);
    const scopeOf = (type: string) => ofType(plan, type).map((r) => r.id);
    expect(
      ofType(plan, "azure-native:authorization:ManagementLockByScope")
        .map((l) => `${String(l.inputs["scope"])} ${String(l.inputs["level"])} ${String(l.inputs["lockName"])}`)
        .sort(),
    ).toEqual(
      [
        ...scopeOf("azure-native:communication:CommunicationService"),
        ...scopeOf("azure-native:communication:EmailService"),
        ...scopeOf("azure-native:communication:Domain"),
      ]
        .map((id) => `${String(id)} CanNotDelete do-not-delete`)
        .sort(),
    );
  });

  it("turns ACS access keys off only when asked (an update of the existing resource, the second apply)", async () => {
    const plan = await evaluate(true, { disableLocalAuth: true });
    expect(only(plan, "azure-native:communication:CommunicationService").inputs["disableLocalAuth"]).toBe(true);
  });
});
