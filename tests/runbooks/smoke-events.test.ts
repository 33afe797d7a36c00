// The smoke test's email and event checks against the local environment, breaking one part at a time: an unlinked
// domain, a missing subscription, an unreadable queue, and a stack without such a subscription (skipped with the reason).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { QueueServiceClient } from "@azure/storage-queue";
import { EmulatorCredential } from "../../tools/acs-emulator/index";
import { startLocalEnvironment, type LocalEnvironment } from "../../tools/local-dev/index";
import { runSmokeChecks, type CheckResult } from "../../runbooks/lib/smoke-checks";
import type { Target } from "../../runbooks/lib/target";
import { smokeDepsFor } from "../../runbooks/smoke";
import { localTargetFor } from "./helpers";

let env: LocalEnvironment;
let target: Target;

beforeAll(async () => {
  env = await startLocalEnvironment();
  target = await localTargetFor(env);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${env.emulator.adminUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as unknown };
};

async function eventLines(over: Partial<Target> = {}, eventsTimeoutMs = 2000): Promise<Record<string, CheckResult>> {
  const deps = await smokeDepsFor(
    { ...target, ...over, local: { ...target.local, ...over.local } },
    {
      verifyLogs: false,
      logsTimeoutMs: 0,
      eventsTimeoutMs,
      callerToken: (sub) => env.oidc.mintToken(sub),
    },
  );
  const report = await runSmokeChecks(deps);
  return Object.fromEntries(
    report.results.filter((r) => r.name === "email-delivery" || r.name === "chat-event" || r.name === "cleanup").map((r) => [r.name, r]),
  );
}

describe("email and event smoke checks, one broken part at a time", () => {
  let restoreSubscriptions: unknown;
  afterEach(async () => {
    if (restoreSubscriptions) await admin("PUT", "/event-subscriptions", { subscriptions: restoreSubscriptions });
    restoreSubscriptions = undefined;
  });

  it("an unlinked domain: the email check fails naming the sender and Azure's DomainNotLinked error", async () => {
    const arm = new CommunicationServiceManagementClient(new EmulatorCredential(), env.emulator.subscriptionId, {
      endpoint: env.emulator.armBaseUrl,
      tlsOptions: { ca: env.emulator.caCertPem },
    });
    const service = await arm.communicationServices.get(env.emulator.resourceGroupName, env.emulator.serviceName);
    const linked = service.linkedDomains ?? [];
    expect(linked).toHaveLength(1);
    await arm.communicationServices.update(env.emulator.resourceGroupName, env.emulator.serviceName, { linkedDomains: [] });
    try {
      const results = await eventLines();
      const sender = env.email.senderAddresses[0]!;
      expect(results["email-delivery"]).toMatchObject({
        status: "fail",
        detail: `sending from ${sender} failed: HTTP 404 DomainNotLinked: The specified sender domain has not been linked.`,
      });
      expect(results["chat-event"]?.status).toBe("pass");
    } finally {
      await arm.communicationServices.update(env.emulator.resourceGroupName, env.emulator.serviceName, { linkedDomains: linked });
    }
  });

  it("a missing subscription (the stack routes it, Event Grid does not): the check fails naming subscription and queue", async () => {
    const { json } = await admin("GET", "/event-subscriptions");
    restoreSubscriptions = (json as { subscriptions: { name: string }[] }).subscriptions;
    const remaining = (restoreSubscriptions as { name: string }[]).filter((s) => s.name !== "chat-messages");
    expect((await admin("PUT", "/event-subscriptions", { subscriptions: remaining })).status).toBe(200);
    const results = await eventLines();
    expect(results["chat-event"]?.status).toBe("fail");
    expect(results["chat-event"]?.detail).toMatch(
      /^no ChatMessageReceived for message \d+ on queue chat-messages \(subscription chat-messages\) after 2 s$/,
    );
    expect(results["email-delivery"]?.status).toBe("pass");
    // What the failed check created is still cleaned up.
    expect(results["cleanup"]?.status).toBe("pass");
    expect(results["cleanup"]?.detail).toMatch(/deleted 1 thread\(s\), deleted 2 user\(s\)$/);
  });

  it("a delivery report that does not arrive: the email check fails naming message, sender, queue and subscription", async () => {
    await admin("POST", "/faults", { operation: "deliverEvent:email-delivery", status: 403 });
    try {
      const results = await eventLines();
      expect(results["email-delivery"]?.detail).toMatch(
        new RegExp(
          `^no EmailDeliveryReportReceived on queue email-delivery \\(subscription email-delivery\\) after 2 s for message [0-9a-f-]{36} from ${env.email.senderAddresses[0]!.replace(/[.]/g, "\\.")}$`,
        ),
      );
    } finally {
      await admin("DELETE", "/faults");
    }
  });

  it("an unreadable queue: both checks fail naming the queue, the subscription and the role to grant", async () => {
    const wrongKey = target.local!.eventStorageConnectionString!.replace(
      /AccountKey=[^;]+/,
      `AccountKey=${Buffer.alloc(64, 7).toString("base64")}`,
    );
    const results = await eventLines({ local: { eventStorageConnectionString: wrongKey } });
    expect(results["email-delivery"]?.detail).toMatch(
      /^cannot read queue email-delivery of subscription email-delivery: 403 \w+; the smoke identity needs the role "Storage Queue Data Message Processor" \(8a0f0c08-91a1-4084-bc3d-661d67233fed\) on the queue or its storage account$/,
    );
    expect(results["chat-event"]?.detail).toMatch(/^cannot read queue chat-messages of subscription chat-messages: 403 /);
    expect(results["cleanup"]?.status).toBe("pass");
  });

  it("a stack without such subscriptions: both checks are skipped with the reason", async () => {
    const results = await eventLines({
      eventSubscriptions: [
        { name: "sms-delivery", eventTypes: ["Microsoft.Communication.SMSDeliveryReportReceived"], queueName: "sms-delivery" },
      ],
    });
    expect(results["email-delivery"]).toMatchObject({ status: "skip", detail: "no event subscription routes EmailDeliveryReportReceived" });
    expect(results["chat-event"]).toMatchObject({ status: "skip", detail: "no event subscription routes ChatMessageReceived" });
  });

  it("leaves nothing on the queues it read: the matched messages are deleted", async () => {
    const queues = QueueServiceClient.fromConnectionString(env.events.storageConnectionString);
    // Earlier cases (the unreadable queue) left their events behind, as they should; start from empty queues.
    await env.emulator.eventGrid!.settled();
    for (const name of ["email-delivery", "chat-messages"]) await queues.getQueueClient(name).clearMessages();
    const results = await eventLines();
    expect([results["email-delivery"]?.status, results["chat-event"]?.status]).toEqual(["pass", "pass"]);
    await env.emulator.eventGrid!.settled();
    for (const name of ["email-delivery", "chat-messages"]) {
      const props = await queues.getQueueClient(name).getProperties();
      expect({ name, count: props.approximateMessagesCount }).toEqual({ name, count: 0 });
    }
  });
});
