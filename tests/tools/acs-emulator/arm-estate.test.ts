// The emulator's ARM estate surface (handlers/arm-estate.ts) with the real @azure/arm-communication client: further
// ACS resources, email services, domains and senders created through ARM, CommunicationServices_ListByResourceGroup
// with the emulator's own service first, and the errors ARM gives for a fixed name, a bad or changed data location
// and an unverified linked domain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { EmulatorCredential, startEmulator, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import { clientOptions, failure } from "./helpers";

let emulator: EmulatorHandle;
let arm: CommunicationServiceManagementClient;
let rg: string;
let base: string;

beforeAll(async () => {
  emulator = await startEmulator({});
  arm = new CommunicationServiceManagementClient(new EmulatorCredential(), emulator.subscriptionId, {
    ...clientOptions(emulator),
    endpoint: emulator.armBaseUrl,
    apiVersion: "2026-03-18",
  });
  rg = emulator.resourceGroupName;
  base = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Communication`;
});
afterAll(async () => {
  await emulator?.close();
});

describe("ARM estate surface", () => {
  it("creates an email service, domains and a sender, and an ACS resource linking the verified domain; lists and gets it", async () => {
    const email = await arm.emailServices.beginCreateOrUpdateAndWait(rg, "old-email", {
      location: "global",
      dataLocation: "Europe",
      tags: { a: "1" },
    });
    expect([email.id, email.dataLocation, email.tags]).toEqual([`${base}/emailServices/old-email`, "Europe", { a: "1" }]);
    const managed = await arm.domains.beginCreateOrUpdateAndWait(rg, "old-email", "AzureManagedDomain", {
      location: "global",
      domainManagement: "AzureManaged",
      userEngagementTracking: "Enabled",
      tags: { b: "2" },
    });
    expect([managed.verificationStates?.domain?.status, managed.userEngagementTracking, managed.tags]).toEqual([
      "Verified",
      "Enabled",
      { b: "2" },
    ]);
    const custom = await arm.domains.beginCreateOrUpdateAndWait(rg, "old-email", "mail.example.com", {
      location: "global",
      domainManagement: "CustomerManaged",
    });
    expect(custom.verificationStates?.domain?.status).toBe("NotStarted");
    await arm.senderUsernames.createOrUpdate(rg, "old-email", "AzureManagedDomain", "news", { username: "news", displayName: "News" });
    const senders = [];
    for await (const s of arm.senderUsernames.listByDomains(rg, "old-email", "AzureManagedDomain")) senders.push(s.username);
    expect(senders).toEqual(["DoNotReply", "news"]);

    const linked = `${base}/emailServices/old-email/domains/AzureManagedDomain`;
    await arm.communicationServices.beginCreateOrUpdateAndWait(rg, "old-acs", {
      location: "global",
      dataLocation: "Europe",
      linkedDomains: [linked],
      disableLocalAuth: false,
      tags: { c: "3" },
    });
    const got = await arm.communicationServices.get(rg, "old-acs");
    expect([got.id, got.dataLocation, got.linkedDomains, got.identity?.type, got.disableLocalAuth, got.tags]).toEqual([
      `${base}/communicationServices/old-acs`,
      "Europe",
      [linked],
      "None",
      false,
      { c: "3" },
    ]);
    const names = [];
    for await (const s of arm.communicationServices.listByResourceGroup(rg)) names.push(s.name);
    expect(names).toEqual([emulator.serviceName, "old-acs"]);
    // The emulator's own service still answers its GET.
    expect((await arm.communicationServices.get(rg, emulator.serviceName)).name).toBe(emulator.serviceName);
  });

  it("answers ARM's errors: the fixed service, a data location outside the list or changed, an unverified linked domain", async () => {
    const own = await failure(
      arm.communicationServices.beginCreateOrUpdateAndWait(rg, emulator.serviceName, { location: "global", dataLocation: "Europe" }),
    );
    expect([own.statusCode, own.code]).toEqual([409, "Conflict"]);
    const bad = await failure(
      arm.communicationServices.beginCreateOrUpdateAndWait(rg, "x-acs", { location: "global", dataLocation: "Mars" }),
    );
    expect([bad.statusCode, bad.code]).toEqual([400, "InvalidRequestContent"]);
    expect(bad.message).toContain("`properties.dataLocation` must be one of Africa, Asia Pacific");
    await arm.communicationServices.beginCreateOrUpdateAndWait(rg, "y-acs", { location: "global", dataLocation: "Europe" });
    const moved = await failure(
      arm.communicationServices.beginCreateOrUpdateAndWait(rg, "y-acs", { location: "global", dataLocation: "Germany" }),
    );
    expect([moved.statusCode, moved.code]).toEqual([400, "PropertyChangeNotAllowed"]);
    const unverified = await failure(
      arm.communicationServices.beginCreateOrUpdateAndWait(rg, "z-acs", {
        location: "global",
        dataLocation: "Europe",
        linkedDomains: [`${base}/emailServices/old-email/domains/mail.example.com`],
      }),
    );
    expect([unverified.statusCode, unverified.code]).toEqual([400, "DomainNotVerified"]);
  });
});
