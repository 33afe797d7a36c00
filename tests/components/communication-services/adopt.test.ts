// CommunicationServices adopting an existing estate (`existing`): each resource is declared with `import: <its ARM id>`,
// the names and resource group of that id and the settings Azure returned, protected and retained on delete, with
// the house tags merged over the existing ones; nothing gets a convention name.
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../../tools/plan/harness";
import { CommunicationServices } from "../../../components/communication-services";
import { existingEstateSchema, type ExistingEstate } from "../../../components/communication-services/config";
import { EMAIL_DOMAIN_LIMITS_RAISED_TAG, EMAIL_DOMAIN_VERIFIED_TAG } from "../../../policies/deployability-facts";
import { only } from "../../support/plan";

const tags = { env: "test", owner: "o", costCenter: "c", dataClassification: "internal", service: "s" };
const RG = "/subscriptions/a0c50000-0000-4000-8000-000000000001/resourceGroups/rg-legacy/providers/Microsoft.Communication";
const EMAIL = `${RG}/emailServices/legacy-email`;
const DOMAIN = `${EMAIL}/domains/AzureManagedDomain`;

const EXISTING: ExistingEstate = existingEstateSchema.parse({
  communicationService: {
    id: `${RG}/communicationServices/legacy-acs`,
    dataLocation: "Europe",
    linkedDomains: [DOMAIN],
    identityType: "None",
    tags: { team: "comms" },
  },
  emailService: { id: EMAIL, dataLocation: "Europe", tags: { team: "comms" } },
  domains: [
    {
      id: DOMAIN,
      domainManagement: "AzureManaged",
      userEngagementTracking: "Disabled",
      verificationStates: { Domain: "Verified" },
      senders: [{ id: `${DOMAIN}/senderUsernames/alerts`, username: "alerts", displayName: "Alerts" }],
    },
  ],
});

describe("CommunicationServices with existing", () => {
  it("imports ACS, the Email service, the domain and the sender under their own names, protected and retained", async () => {
    const plan = await evaluateProgram(
      () => {
        new CommunicationServices("comm", {
          naming: { app: "acs", env: "test", region: "westeurope", suffix: "abcde" },
          resourceGroupName: "rg-platform",
          tags,
          dataLocation: "Europe",
          domains: [],
          existing: EXISTING,
          lock: "CanNotDelete",
        });
        return {};
      },
      { project: "acs-platform", stack: "test" },
    );
    const acs = only(plan, "azure-native:communication:CommunicationService");
    const email = only(plan, "azure-native:communication:EmailService");
    const domain = only(plan, "azure-native:communication:Domain");
    const sender = only(plan, "azure-native:communication:SenderUsername");
    expect(
      [acs, email, domain, sender].map((r) => [r.options.import, r.options.protect ?? false, r.options.retainOnDelete ?? false]),
    ).toEqual([
      [`${RG}/communicationServices/legacy-acs`, true, true],
      [EMAIL, true, true],
      [DOMAIN, true, true],
      [`${DOMAIN}/senderUsernames/alerts`, false, true],
    ]);
    // The mock cloud answers an import with the id it is imported with, as azure-native's Read does.
    expect([acs.id, domain.id]).toEqual([`${RG}/communicationServices/legacy-acs`, DOMAIN]);
    expect(acs.inputs).toEqual({
      communicationServiceName: "legacy-acs",
      resourceGroupName: "rg-legacy",
      location: "global",
      dataLocation: "Europe",
      identity: { type: "SystemAssigned" },
      linkedDomains: [DOMAIN],
      tags: { team: "comms", ...tags },
    });
    expect(email.inputs).toEqual({
      emailServiceName: "legacy-email",
      resourceGroupName: "rg-legacy",
      location: "global",
      dataLocation: "Europe",
      tags: { team: "comms", ...tags },
    });
    expect(domain.inputs).toEqual({
      domainName: "AzureManagedDomain",
      emailServiceName: "legacy-email",
      resourceGroupName: "rg-legacy",
      location: "global",
      domainManagement: "AzureManaged",
      userEngagementTracking: "Disabled",
      tags: { [EMAIL_DOMAIN_VERIFIED_TAG]: "true", [EMAIL_DOMAIN_LIMITS_RAISED_TAG]: "false", ...tags },
    });
    expect(sender.inputs).toEqual({
      senderUsername: "alerts",
      username: "alerts",
      displayName: "Alerts",
      domainName: "AzureManagedDomain",
      emailServiceName: "legacy-email",
      resourceGroupName: "rg-legacy",
    });
  });
});
