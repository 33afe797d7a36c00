// The adopt logic with a scripted ARM reader (no process): which ACS and Email service it picks, each refusal naming
// the property an import cannot take over, the block's exact values and what the first `up` changes.
import { describe, expect, it } from "vitest";
import type { CommunicationServiceResource, DomainResource, EmailServiceResource, SenderUsernameResource } from "@azure/arm-communication";
import { adoptEstate, AdoptionRefused, AdoptionSelectionError, type EstateReader, type StackFacts } from "../../runbooks/lib/adopt";

const RG = "/subscriptions/a0c50000-0000-4000-8000-000000000001/resourceGroups/rg-comms/providers/Microsoft.Communication";
const EMAIL = `${RG}/emailServices/mail`;
const DOMAIN = `${EMAIL}/domains/notify.contoso.com`;

function reader(
  change: { acs?: Partial<CommunicationServiceResource>; domain?: Partial<DomainResource>; acsCount?: number } = {},
): EstateReader {
  const acs: CommunicationServiceResource = {
    id: `${RG}/communicationServices/comms`,
    name: "comms",
    location: "Global",
    dataLocation: "Europe",
    linkedDomains: [DOMAIN],
    identity: { type: "None" },
    disableLocalAuth: false,
    tags: { team: "comms" },
    ...change.acs,
  };
  const email: EmailServiceResource = { id: EMAIL, name: "mail", location: "global", dataLocation: "Europe" };
  const domain: DomainResource = {
    id: DOMAIN,
    name: "notify.contoso.com",
    location: "global",
    domainManagement: "CustomerManaged",
    userEngagementTracking: "Disabled",
    verificationStates: {
      domain: { status: "Verified" },
      spf: { status: "Verified" },
      dkim: { status: "Verified" },
      dkim2: { status: "Verified" },
    },
    ...change.domain,
  };
  const senders: SenderUsernameResource[] = [
    { id: `${DOMAIN}/senderUsernames/DoNotReply`, name: "DoNotReply", username: "DoNotReply", displayName: "DoNotReply" },
    { id: `${DOMAIN}/senderUsernames/alerts`, name: "alerts", username: "alerts", displayName: "Alerts" },
  ];
  const many = Array.from({ length: change.acsCount ?? 1 }, (_x, i) =>
    i === 0 ? acs : { ...acs, name: `comms${i}`, id: `${acs.id}${i}` },
  );
  return {
    listCommunicationServices: async () => many,
    listEmailServices: async () => [email],
    listDomains: async () => [domain],
    listSenders: async () => senders,
  };
}

const stack: StackFacts = {
  file: "Pulumi.prod.yaml",
  dataLocation: "Europe",
  tags: { env: "prod", owner: "o" },
  deleteLock: true,
  disableLocalAuth: false,
};

async function refusals(r: EstateReader, facts = stack): Promise<string[]> {
  try {
    await adoptEstate(r, facts);
  } catch (e) {
    if (e instanceof AdoptionRefused) return e.refusals;
    throw e;
  }
  return [];
}

describe("adoptEstate", () => {
  it("builds the block with every writable property as read, DoNotReply left out, and the platform's changes", async () => {
    const r = await adoptEstate(reader(), stack);
    expect(r.block).toEqual({
      communicationService: {
        id: `${RG}/communicationServices/comms`,
        dataLocation: "Europe",
        linkedDomains: [DOMAIN],
        identityType: "None",
        disableLocalAuth: false,
        tags: { team: "comms" },
      },
      emailService: { id: EMAIL, dataLocation: "Europe", tags: {} },
      domains: [
        {
          id: DOMAIN,
          domainManagement: "CustomerManaged",
          userEngagementTracking: "Disabled",
          verificationStates: { Domain: "Verified", SPF: "Verified", DKIM: "Verified", DKIM2: "Verified" },
          tags: {},
          senders: [{ id: `${DOMAIN}/senderUsernames/alerts`, username: "alerts", displayName: "Alerts" }],
        },
      ],
    });
    expect(r.changes.slice(0, 4)).toEqual([
      "communication service comms: tags env=prod, owner=o (update)",
      "communication service comms: identity None -> SystemAssigned, a new principal (update)",
      "email service mail: tags env=prod, owner=o (update)",
      "domain notify.contoso.com: tags acs-email-domain-verified=true, env=prod, owner=o (update)",
    ]);
    expect(r.snapshot.deployment.resources.map((x) => [x.type.split(":")[2], x.id.split("/").pop()])).toEqual([
      ["CommunicationService", "comms"],
      ["EmailService", "mail"],
      ["Domain", "notify.contoso.com"],
      ["SenderUsername", "alerts"],
    ]);
  });

  it("refuses a data location the stack contradicts, naming the property and the stack key", async () => {
    expect(await refusals(reader(), { ...stack, dataLocation: "Germany" })).toEqual([
      'communicationServices/comms properties.dataLocation is "Europe" but Pulumi.prod.yaml sets acs-platform:dataLocation "Germany"; ' +
        'dataLocation is create-only, so a stack with "Germany" would replace the resource, and after the 2026-10-23 sign-up cut-off it may not ' +
        'come back: set acs-platform:dataLocation to "Europe" to adopt it',
    ]);
  });

  it("refuses a user-assigned identity and an Exchange Online domain, each by its property", async () => {
    expect(
      await refusals(
        reader({
          acs: { identity: { type: "SystemAssigned,UserAssigned" } },
          domain: { domainManagement: "CustomerManagedInExchangeOnline" },
        }),
      ),
    ).toEqual([
      'communicationServices/comms identity.type is "SystemAssigned,UserAssigned": the platform declares a system-assigned identity only, and the update would remove the user-assigned identities',
      'emailServices/mail/domains/notify.contoso.com properties.domainManagement is "CustomerManagedInExchangeOnline"; the platform adopts AzureManaged and CustomerManaged domains only',
    ]);
  });

  it("asks which service when the resource group holds several", async () => {
    await expect(adoptEstate(reader({ acsCount: 2 }), stack)).rejects.toThrow(AdoptionSelectionError);
    await expect(adoptEstate(reader({ acsCount: 2 }), stack)).rejects.toThrow(
      "the resource group has 2 communication services (comms, comms1); choose one with --acs",
    );
    expect((await adoptEstate(reader({ acsCount: 2 }), stack, { acs: "comms1" })).block.communicationService.id).toBe(
      `${RG}/communicationServices/comms1`,
    );
  });
});
