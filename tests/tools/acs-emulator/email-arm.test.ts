// The emulator's ARM email surface with the real @azure/arm-communication SDK: email services, domains with
// verificationRecords/verificationStates, initiateVerification, linkedDomains on update; seeding from stack files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { EmailClient } from "@azure/communication-email";
import { EmulatorCredential, startEmulator, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import { emailSeedFromStack } from "../../../tools/acs-emulator/stack-seed";
import { admin, clientOptions, failure } from "./helpers";

const CUSTOMER = "notify.contoso.com";
let emulator: EmulatorHandle;
let arm: CommunicationServiceManagementClient;
let rg: string;

beforeAll(async () => {
  emulator = await startEmulator({
    emailRetryAfterSeconds: 0,
    domainVerificationPolls: 2,
    email: {
      emailServiceName: "ecs-test",
      dataLocation: "Europe",
      domains: [
        { kind: "AzureManaged", senders: [{ username: "DoNotReply", displayName: "Dev" }], linkToAcs: true },
        { kind: "CustomerManaged", domainName: CUSTOMER, senders: [{ username: "alerts", displayName: "Alerts" }], linkToAcs: true },
      ],
    },
  });
  arm = new CommunicationServiceManagementClient(new EmulatorCredential(), emulator.subscriptionId, {
    ...clientOptions(emulator),
    endpoint: emulator.armBaseUrl,
  });
  rg = emulator.resourceGroupName;
});
afterAll(async () => {
  await emulator?.close();
});

const statuses = async () => {
  const d = await arm.domains.get(rg, "ecs-test", CUSTOMER);
  const s = d.verificationStates ?? {};
  return [s.domain?.status, s.spf?.status, s.dkim?.status, s.dkim2?.status, s.dmarc?.status];
};

describe("email services, domains and senders", () => {
  it("lists the seeded email service and its two domains", async () => {
    const services = [];
    for await (const s of arm.emailServices.listByResourceGroup(rg)) services.push([s.name, s.dataLocation, s.location]);
    expect(services).toEqual([["ecs-test", "Europe", "global"]]);
    const domains = [];
    for await (const d of arm.domains.listByEmailServiceResource(rg, "ecs-test")) domains.push([d.name, d.domainManagement]);
    expect(domains).toEqual([
      ["AzureManagedDomain", "AzureManaged"],
      [CUSTOMER, "CustomerManaged"],
    ]);
  });

  it("gives a customer domain its five DNS records (Learn's SPF and DKIM values) and NotStarted states", async () => {
    const d = await arm.domains.get(rg, "ecs-test", CUSTOMER);
    expect(d.id).toBe(
      `/subscriptions/${emulator.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Communication/emailServices/ecs-test/domains/${CUSTOMER}`,
    );
    expect([d.fromSenderDomain, d.mailFromSenderDomain, d.userEngagementTracking]).toEqual([CUSTOMER, CUSTOMER, "Disabled"]);
    const r = d.verificationRecords ?? {};
    expect(r.domain?.type).toBe("TXT");
    expect(r.domain?.value).toMatch(/^ms-domain-verification=[0-9a-f-]{36}$/);
    expect(r.spf).toEqual({ type: "TXT", name: CUSTOMER, value: "v=spf1 include:spf.protection.outlook.com -all", ttl: 3600 });
    expect(r.dkim).toEqual({
      type: "CNAME",
      name: "selector1-azurecomm-prod-net._domainkey",
      value: "selector1-azurecomm-prod-net._domainkey.azurecomm.net",
      ttl: 3600,
    });
    expect(r.dkim2).toEqual({
      type: "CNAME",
      name: "selector2-azurecomm-prod-net._domainkey",
      value: "selector2-azurecomm-prod-net._domainkey.azurecomm.net",
      ttl: 3600,
    });
    expect(r.dmarc?.name).toBe(`_dmarc.${CUSTOMER}`);
    expect(await statuses()).toEqual(["NotStarted", "NotStarted", "NotStarted", "NotStarted", "NotStarted"]);
  });

  it("lists DoNotReply (Azure creates it on every domain) beside the declared sender", async () => {
    const names = [];
    for await (const s of arm.senderUsernames.listByDomains(rg, "ecs-test", CUSTOMER)) names.push([s.username, s.displayName]);
    expect(names).toEqual([
      ["DoNotReply", "DoNotReply"],
      ["alerts", "Alerts"],
    ]);
    expect((await arm.senderUsernames.get(rg, "ecs-test", CUSTOMER, "alerts")).displayName).toBe("Alerts");
  });

  it("answers 404 ResourceNotFound for an unknown email service or domain", async () => {
    const service = await failure(arm.emailServices.get(rg, "nope"));
    expect([service.statusCode, service.code]).toEqual([404, "ResourceNotFound"]);
    const domain = await failure(arm.domains.get(rg, "ecs-test", "nope.example.com"));
    expect([domain.statusCode, domain.code, domain.message]).toEqual([404, "ResourceNotFound", "The requested resource was not found"]);
  });
});

describe("verification and linking", () => {
  it("refuses to link the unverified customer domain", async () => {
    const id = (await arm.domains.get(rg, "ecs-test", CUSTOMER)).id as string;
    const error = await failure(arm.communicationServices.update(rg, emulator.serviceName, { linkedDomains: [id] }));
    expect([error.statusCode, error.code]).toEqual([400, "DomainNotVerified"]);
    expect(error.message).toBe(
      `Domain '${CUSTOMER}' is not fully verified (Domain, SPF, DKIM, DKIM2 not Verified); verify it before linking.`,
    );
  });

  it("initiateVerification (202 + Location) moves a record Requested -> InProgress -> Verified over domain reads", async () => {
    await arm.domains.beginInitiateVerificationAndWait(rg, "ecs-test", CUSTOMER, { verificationType: "Domain" }, { updateIntervalInMs: 0 });
    expect((await admin(emulator, "GET", "/email")).json).toMatchObject({
      services: [{ domains: [{}, { verificationStates: { Domain: { status: "VerificationRequested" } } }] }],
    });
    expect((await statuses())[0]).toBe("VerificationInProgress");
    expect((await statuses())[0]).toBe("Verified");
  });

  it("a record the fake DNS lacks fails verification with an error code", async () => {
    await admin(emulator, "PUT", `/email/domains/${CUSTOMER}/dns`, { unpublished: ["SPF"] });
    await arm.domains.beginInitiateVerificationAndWait(rg, "ecs-test", CUSTOMER, { verificationType: "SPF" }, { updateIntervalInMs: 0 });
    await statuses();
    const d = await arm.domains.get(rg, "ecs-test", CUSTOMER);
    expect(d.verificationStates?.spf).toEqual({ status: "VerificationFailed", errorCode: "DnsRecordNotFound" });
    await admin(emulator, "PUT", `/email/domains/${CUSTOMER}/dns`, { unpublished: [] });
  });

  it("refuses an unknown verificationType", async () => {
    const error = await failure(arm.domains.beginInitiateVerificationAndWait(rg, "ecs-test", CUSTOMER, { verificationType: "MX" }));
    expect([error.statusCode, error.code]).toEqual([400, "InvalidRequestContent"]);
  });

  it("once verified (admin), the domain links through update, and its sender can send", async () => {
    const marked = await admin(emulator, "POST", `/email/domains/${CUSTOMER}/verification`, { status: "Verified" });
    expect(marked.status).toBe(200);
    const id = (await arm.domains.get(rg, "ecs-test", CUSTOMER)).id as string;
    const before = (await arm.communicationServices.get(rg, emulator.serviceName)).linkedDomains ?? [];
    const updated = await arm.communicationServices.update(rg, emulator.serviceName, { linkedDomains: [...before, id] });
    expect(updated.linkedDomains).toEqual([...before, id]);
    const client = new EmailClient(emulator.connectionString, clientOptions(emulator));
    const result = await (
      await client.beginSend({
        senderAddress: `alerts@${CUSTOMER}`,
        content: { subject: "s", plainText: "p" },
        recipients: { to: [{ address: "a@example.com" }] },
      })
    ).pollUntilDone();
    expect(result.status).toBe("Succeeded");
  });

  it("unlinking through update makes the sender's domain not linked again", async () => {
    const all = (await arm.communicationServices.get(rg, emulator.serviceName)).linkedDomains ?? [];
    await arm.communicationServices.update(rg, emulator.serviceName, { linkedDomains: all.filter((d) => !d.endsWith(CUSTOMER)) });
    const client = new EmailClient(emulator.connectionString, clientOptions(emulator));
    const error = await failure(
      client.beginSend({
        senderAddress: `alerts@${CUSTOMER}`,
        content: { subject: "s", plainText: "p" },
        recipients: { to: [{ address: "a@example.com" }] },
      }),
    );
    expect(error.code).toBe("DomainNotLinked");
  });

  it("the admin control names the field it cannot use", async () => {
    const bad = await admin(emulator, "POST", `/email/domains/${CUSTOMER}/verification`, { verificationType: "MX" });
    expect([bad.status, (bad.json as { error: { target: string } }).error.target]).toEqual([400, "verificationType"]);
    const unknown = await admin(emulator, "POST", "/email/domains/nope.example.com/verification", {});
    expect(unknown.status).toBe(404);
  });
});

describe("seeding from a stack file", () => {
  it("dev: the Azure-managed domain, linked, with DoNotReply; the email service named as the program names it", async () => {
    const seed = emailSeedFromStack("dev");
    expect(seed.emailServiceName).toMatch(/^ecs-acsplat-dev-/);
    expect(seed.dataLocation).toBe("Europe");
    expect(seed.domains.map((d) => [d.kind, d.linkToAcs])).toEqual([["AzureManaged", true]]);
    const dev = await startEmulator({ email: seed });
    try {
      expect(dev.emailServiceName).toBe(seed.emailServiceName);
      expect(dev.emailSenderAddresses).toHaveLength(1);
      expect(dev.emailSenderAddresses[0]).toMatch(/^DoNotReply@[0-9a-f-]{36}\.azurecomm\.net$/);
      const state = (await admin(dev, "GET", "/email")).json as { linkedDomains: string[] };
      expect(state.linkedDomains).toEqual([
        `/subscriptions/${dev.subscriptionId}/resourceGroups/${dev.resourceGroupName}/providers/Microsoft.Communication/emailServices/${seed.emailServiceName}/domains/AzureManagedDomain`,
      ]);
    } finally {
      await dev.close();
    }
  });

  it("prod: the customer domain is not linked until verified, so its senders get DomainNotLinked", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "emu-seed-"));
    const prod = await startEmulator({ dataDir: dir, email: emailSeedFromStack("prod"), emailRetryAfterSeconds: 0 });
    try {
      expect(prod.emailSenderAddresses).toEqual(["DoNotReply@notify.contoso.com", "alerts@notify.contoso.com"]);
      const client = new EmailClient(prod.connectionString, clientOptions(prod));
      const error = await failure(
        client.beginSend({
          senderAddress: "alerts@notify.contoso.com",
          content: { subject: "s", plainText: "p" },
          recipients: { to: [{ address: "a@example.com" }] },
        }),
      );
      expect([error.statusCode, error.code]).toEqual([404, "DomainNotLinked"]);
      await admin(prod, "POST", "/email/domains/notify.contoso.com/verification", {});
    } finally {
      await prod.close();
    }
    // A restart with the same seed keeps the verification (as Azure keeps a verified domain across deployments).
    const again = await startEmulator({ dataDir: dir, email: emailSeedFromStack("prod") });
    try {
      const state = (await admin(again, "GET", "/email")).json as {
        services: { domains: { verificationStates: Record<string, { status: string }> }[] }[];
      };
      expect(Object.values(state.services[0]?.domains[0]?.verificationStates ?? {}).map((s) => s.status)).toEqual([
        "Verified",
        "Verified",
        "Verified",
        "Verified",
        "Verified",
      ]);
    } finally {
      await again.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
