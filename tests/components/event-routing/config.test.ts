// Table tests of the `eventRouting` config schema: real ACS event types only, required routes, retry limits.
import { describe, expect, it } from "vitest";
import { ACS_EVENT_TYPES, eventRoutingConfigSchema, isAcsEventType, queueNamesOf } from "../../../components/event-routing/config";

const required = [
  { name: "email-delivery", eventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"] },
  { name: "sms-delivery", eventTypes: ["Microsoft.Communication.SMSDeliveryReportReceived"] },
  { name: "chat-messages", eventTypes: ["Microsoft.Communication.ChatMessageReceived"] },
];

describe("eventRoutingConfigSchema", () => {
  it("fills the defaults: storage queue destination, 30 attempts, 1440 minutes, deadletters container", () => {
    const parsed = eventRoutingConfigSchema.parse({ subscriptions: required });
    expect(parsed.deadLetterContainerName).toBe("deadletters");
    expect(parsed.storageSku).toBe("Standard_LRS");
    expect(parsed.subscriptions[0]).toEqual({
      name: "email-delivery",
      eventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"],
      destination: { type: "storageQueue" },
      retry: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
    });
    expect(queueNamesOf(parsed.subscriptions)).toEqual(["email-delivery", "sms-delivery", "chat-messages"]);
  });

  it("names an unknown event type with the accepted list", () => {
    const result = eventRoutingConfigSchema.safeParse({
      subscriptions: [...required, { name: "typo", eventTypes: ["Microsoft.Communication.EmailDeliveryReportRecieved"] }],
    });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(["subscriptions", 3, "eventTypes", 0]);
    expect(issue?.message).toBe(
      `unknown event type "Microsoft.Communication.EmailDeliveryReportRecieved"; accepted: ${ACS_EVENT_TYPES.join(", ")}`,
    );
  });

  it.each([
    [{ maxDeliveryAttempts: 0 }, ["retry", "maxDeliveryAttempts"], "maxDeliveryAttempts must be an integer from 1 to 30"],
    [{ maxDeliveryAttempts: 31 }, ["retry", "maxDeliveryAttempts"], "maxDeliveryAttempts must be an integer from 1 to 30"],
    [
      { eventTimeToLiveInMinutes: 1441 },
      ["retry", "eventTimeToLiveInMinutes"],
      "eventTimeToLiveInMinutes must be an integer from 1 to 1440",
    ],
  ])("rejects retry %j", (retry, path, message) => {
    const result = eventRoutingConfigSchema.safeParse({ subscriptions: [{ ...required[0], retry }, ...required.slice(1)] });
    expect(result.error?.issues[0]?.path).toEqual(["subscriptions", 0, ...path]);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it("requires email, SMS and chat routes", () => {
    const result = eventRoutingConfigSchema.safeParse({ subscriptions: required.slice(0, 1) });
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      "subscriptions must route Microsoft.Communication.SMSDeliveryReportReceived, Microsoft.Communication.ChatMessageReceived",
    ]);
  });

  it("rejects a plain-http webhook and duplicate names", () => {
    const hook = eventRoutingConfigSchema.safeParse({
      subscriptions: [
        ...required,
        {
          name: "hook",
          eventTypes: ["Microsoft.Communication.SMSReceived"],
          destination: { type: "webhook", endpointUrl: "http://x.example.com" },
        },
      ],
    });
    expect(hook.error?.issues[0]?.message).toBe("endpointUrl must be an https:// URL");
    const dup = eventRoutingConfigSchema.safeParse({ subscriptions: [...required, required[0]] });
    expect(dup.error?.issues[0]?.message).toBe('duplicate subscription name "email-delivery"');
  });

  it.each([
    ["Microsoft.Communication.ChatMessageReceived", true],
    ["Microsoft.Communication.IncomingCall", true],
    ["Microsoft.Communication.chatmessagereceived", false],
    ["Microsoft.Storage.BlobCreated", false],
  ])("isAcsEventType(%s) = %s", (t, expected) => {
    expect(isAcsEventType(t)).toBe(expected);
  });
});
