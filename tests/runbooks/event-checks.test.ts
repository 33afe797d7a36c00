// The event checks' own logic: routes from stack outputs, the Azure queue endpoint, skip reasons, and which queue
// messages a check deletes (only its own) within a bounded wait.
import { describe, expect, it } from "vitest";
import {
  awaitEvents,
  checkChatEvent,
  checkEmailDelivery,
  decodeEvent,
  routeFor,
  SkipCheck,
  type EventQueue,
  type QueueMessage,
} from "../../runbooks/lib/event-checks";
import { eventCheckDepsFor, queueServiceFor } from "../../runbooks/lib/environment";
import { StaticTokenCredential } from "../../tools/acs-emulator/credential";
import { SmokeResources } from "../../runbooks/lib/smoke-checks";
import { fromStackOutputs } from "../../runbooks/lib/target";

const outputs = {
  tokenApiUrl: "https://app.example.net",
  acsEndpoint: "https://acs.example.net/",
  eventStorageAccountName: "stacsplatevtprodweupmnwl",
  eventSubscriptions: [
    { name: "email-delivery", eventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"], queueName: "email-delivery" },
    { name: "chat-hook", eventTypes: ["Microsoft.Communication.ChatMessageReceived"] },
  ],
  emailSenderAddresses: ["DoNotReply@mail.contoso.com", "alerts@mail.contoso.com", "DoNotReply@x.azurecomm.net"],
};
const credential = new StaticTokenCredential("t");
const encode = (event: unknown): string => Buffer.from(JSON.stringify(event)).toString("base64");

async function skipReason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SkipCheck);
  return (error as Error).message;
}

describe("event check dependencies from stack outputs", () => {
  it("reads the queues of the routing account over Entra ID and takes the routes from eventSubscriptions", () => {
    const target = fromStackOutputs(outputs, "outputs", "outputs file o.json");
    expect(queueServiceFor(target, credential)?.url).toBe("https://stacsplatevtprodweupmnwl.queue.core.windows.net");
    const deps = eventCheckDepsFor(target, credential, "endpoint=https://acs.example.net/;accesskey=AAAA", {
      timeoutMs: 1000,
      emailTo: "ops@contoso.com",
    });
    expect(deps.unavailable).toBeUndefined();
    expect(deps.routes).toEqual(outputs.eventSubscriptions);
    expect(deps.email?.senders).toEqual(outputs.emailSenderAddresses);
    expect(deps.email?.recipient).toBe("ops@contoso.com");
  });

  it("a 403 from the queue names the role and, with the account known, the az command to grant it", async () => {
    const target = fromStackOutputs({ ...outputs, subscriptionId: "sub-1", resourceGroupName: "rg-acsplat-prod" }, "outputs", "o");
    const deps = eventCheckDepsFor(target, credential, "endpoint=https://acs.example.net/;accesskey=AAAA", { timeoutMs: 1000 });
    const forbidden: EventQueue = {
      receive: async () => {
        throw Object.assign(new Error("This request is not authorized to perform this operation using this permission."), {
          statusCode: 403,
          code: "AuthorizationPermissionMismatch",
        });
      },
      delete: async () => undefined,
    };
    const route = { name: "email-delivery", eventTypes: [], queueName: "email-delivery" };
    const error = await awaitEvents({ ...deps, queue: () => forbidden }, route, "x", () => undefined, new Set(["1"])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      "cannot read queue email-delivery of subscription email-delivery: 403 AuthorizationPermissionMismatch; the smoke identity needs the role " +
        '"Storage Queue Data Message Processor" (8a0f0c08-91a1-4084-bc3d-661d67233fed) on the queue or its storage account ' +
        "(az role assignment create --role 8a0f0c08-91a1-4084-bc3d-661d67233fed --assignee <object id> --scope /subscriptions/sub-1/resourceGroups/rg-acsplat-prod/providers/Microsoft.Storage/storageAccounts/stacsplatevtprodweupmnwl)",
    );
  });

  it("outputs of an older deploy: both checks skip naming the missing outputs", async () => {
    const target = fromStackOutputs(
      { tokenApiUrl: outputs.tokenApiUrl, acsEndpoint: outputs.acsEndpoint },
      "outputs",
      "outputs file old.json",
    );
    const deps = eventCheckDepsFor(target, credential, "endpoint=https://acs.example.net/;accesskey=AAAA", { timeoutMs: 1000 });
    const reason =
      "outputs file old.json names no eventStorageAccountName or eventSubscriptions (stack outputs of a deploy before the event checks)";
    expect(await skipReason(checkEmailDelivery(deps))).toBe(reason);
    expect(
      await skipReason(
        checkChatEvent({ ...deps, identityClient: undefined as never, chatClient: undefined as never }, new SmokeResources()),
      ),
    ).toBe(reason);
  });

  it("skips the email check without a recipient in Azure, and a route to a webhook is named", async () => {
    const target = fromStackOutputs(outputs, "outputs", "o");
    const deps = eventCheckDepsFor(target, credential, "endpoint=https://acs.example.net/;accesskey=AAAA", { timeoutMs: 1000 });
    expect(await skipReason(checkEmailDelivery(deps))).toBe("no test recipient (pass --email-to ADDRESS)");
    expect(() => routeFor(deps.routes, "Microsoft.Communication.ChatMessageReceived")).toThrow(
      "subscription chat-hook routes ChatMessageReceived to a destination other than a storage queue",
    );
  });
});

describe("awaitEvents", () => {
  /** A storage queue in memory with visibility timeouts on a fake clock. */
  function memoryQueue(texts: string[], clock: { t: number }): EventQueue & { left(): string[] } {
    const messages = texts.map((messageText, i) => ({ messageId: `m${i}`, popReceipt: `p${i}`, messageText, visibleAt: 0 }));
    return {
      async receive(count, visibilityTimeoutSeconds) {
        const visible = messages.filter((m) => m.visibleAt <= clock.t).slice(0, count);
        for (const m of visible) m.visibleAt = clock.t + visibilityTimeoutSeconds * 1000;
        return visible.map(({ messageId, popReceipt, messageText }) => ({ messageId, popReceipt, messageText }));
      },
      async delete(message: QueueMessage) {
        messages.splice(
          messages.findIndex((m) => m.messageId === message.messageId),
          1,
        );
      },
      left: () => messages.map((m) => m.messageText),
    };
  }
  const route = { name: "chat-messages", eventTypes: ["Microsoft.Communication.ChatMessageReceived"], queueName: "chat-messages" };
  const chatEvent = (threadId: string, messageId: string) =>
    encode({ eventType: "Microsoft.Communication.ChatMessageReceived", data: { threadId, messageId } });

  it("deletes only the wanted events and this run's own, leaves everything else, and stops at the deadline", async () => {
    const clock = { t: 0 };
    const others = [
      chatEvent("19:theirs", "1"),
      "not base64 json",
      encode({ eventType: "Microsoft.Communication.ChatThreadCreated", data: { threadId: "19:ours" } }),
    ];
    const queue = memoryQueue([...others, chatEvent("19:ours-earlier", "5"), chatEvent("19:ours", "7")], clock);
    const deps = {
      queue: () => queue,
      timeoutMs: 3000,
      pollIntervalMs: 1000,
      now: () => clock.t,
      sleep: async (ms: number) => void (clock.t += ms),
    };
    const found = await awaitEvents(
      deps,
      route,
      "Microsoft.Communication.ChatMessageReceived",
      (d) => (d.threadId === "19:ours" ? String(d.messageId) : undefined),
      new Set(["7"]),
      (d) => d.threadId === "19:ours-earlier",
    );
    expect([...found.keys()]).toEqual(["7"]);
    expect(queue.left()).toEqual(others);

    // Nothing wanted arrives: it returns what it has at the deadline (the caller names the subscription).
    const missing = await awaitEvents(deps, route, "Microsoft.Communication.ChatMessageReceived", () => undefined, new Set(["8"]));
    expect(missing.size).toBe(0);
    expect(clock.t).toBe(3000);
  });

  it("a backlog that never runs dry (messages reappear) still ends at the deadline", async () => {
    const clock = { t: 0 };
    const endless: EventQueue = {
      receive: async () => {
        clock.t += 100;
        return Array.from({ length: 32 }, (_, i) => ({
          messageId: `m${i}`,
          popReceipt: "p",
          messageText: chatEvent("19:theirs", String(i)),
        }));
      },
      delete: async () => undefined,
    };
    const deps = {
      queue: () => endless,
      timeoutMs: 2000,
      pollIntervalMs: 500,
      now: () => clock.t,
      sleep: async (ms: number) => void (clock.t += ms),
    };
    const found = await awaitEvents(deps, route, "Microsoft.Communication.ChatMessageReceived", () => undefined, new Set(["x"]));
    expect(found.size).toBe(0);
    expect(clock.t).toBe(2000);
  });

  it("decodeEvent reads Base64 JSON and rejects anything else", () => {
    expect(decodeEvent(encode({ eventType: "x", data: { a: 1 } }))).toEqual({ eventType: "x", data: { a: 1 } });
    expect(decodeEvent('{"eventType":"plain"}')).toBeUndefined();
  });
});
