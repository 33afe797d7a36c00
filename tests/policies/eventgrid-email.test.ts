// Tests for the Event Grid subscription and Email domain policies: baseline passes, each mutation reports its
// exact message, knobs change the outcome, other types are not applicable.
import { describe, expect, it } from "vitest";
import { ACS_EVENT_TYPES as PROGRAM_EVENT_TYPES } from "../../components/event-routing/config";
import { ACS_EVENT_TYPES } from "../../policies/acs-event-types";
import { communicationDomainDisableEngagementTracking } from "../../policies/communication-domain-disable-engagement-tracking";
import { communicationDomainDisallowAzureManaged } from "../../policies/communication-domain-disallow-azure-managed";
import { eventgridSubscriptionConfigureDeadLetter } from "../../policies/eventgrid-subscription-configure-dead-letter";
import { eventgridSubscriptionConfigureRetryPolicy } from "../../policies/eventgrid-subscription-configure-retry-policy";
import { eventgridSubscriptionEnforceAcsEventTypes } from "../../policies/eventgrid-subscription-enforce-acs-event-types";
import { mutate, runResource, UNKNOWN } from "./helpers";

const SUB = "azure-native:eventgrid:SystemTopicEventSubscription";
const DOMAIN = "azure-native:communication:Domain";
const subscription = {
  resourceGroupName: "rg",
  systemTopicName: "evgt-acsplat-prod-acs",
  destination: { endpointType: "StorageQueue", resourceId: "/subscriptions/x/.../st", queueName: "email-delivery" },
  filter: { includedEventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"] },
  retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
  deadLetterWithResourceIdentity: {
    identity: { type: "SystemAssigned" },
    deadLetterDestination: { endpointType: "StorageBlob", resourceId: "/subscriptions/x/.../st", blobContainerName: "dead-letters" },
  },
};
const domain = {
  resourceGroupName: "rg",
  emailServiceName: "ecs",
  domainName: "notify.contoso.com",
  location: "global",
  domainManagement: "CustomerManaged",
  userEngagementTracking: "Disabled",
};

describe("event grid subscription policies", () => {
  const policies = [
    eventgridSubscriptionConfigureDeadLetter,
    eventgridSubscriptionConfigureRetryPolicy,
    eventgridSubscriptionEnforceAcsEventTypes,
  ];
  it.each(policies.map((p) => [p.name, p]))("%s passes the baseline and ignores other types", async (_n, p) => {
    expect((await runResource(p, SUB, subscription)).messages).toEqual([]);
    expect((await runResource(p, "azure-native:eventgrid:SystemTopic", {})).notApplicable).toBe(true);
  });
  it.each([
    [eventgridSubscriptionConfigureDeadLetter, "deadLetterWithResourceIdentity", undefined, ["No dead-letter destination is configured."]],
    [
      eventgridSubscriptionConfigureDeadLetter,
      "deadLetterWithResourceIdentity.deadLetterDestination.blobContainerName",
      undefined,
      ["The dead-letter destination needs both resourceId and blobContainerName."],
    ],
    [eventgridSubscriptionConfigureRetryPolicy, "retryPolicy", undefined, ["No retryPolicy is configured."]],
    [
      eventgridSubscriptionConfigureRetryPolicy,
      "retryPolicy.maxDeliveryAttempts",
      2,
      ["retryPolicy.maxDeliveryAttempts is 2; it must be between 5 and 30."],
    ],
    [
      eventgridSubscriptionConfigureRetryPolicy,
      "retryPolicy.eventTimeToLiveInMinutes",
      30,
      ["retryPolicy.eventTimeToLiveInMinutes is 30; it must be between 60 and 1440."],
    ],
    [
      eventgridSubscriptionEnforceAcsEventTypes,
      "filter.includedEventTypes",
      [],
      ["filter.includedEventTypes is empty; list the event types explicitly."],
    ],
    [
      eventgridSubscriptionEnforceAcsEventTypes,
      "filter.includedEventTypes",
      ["Microsoft.Communication.EmailDeliveryReportRecieved"],
      ["Unknown event types: Microsoft.Communication.EmailDeliveryReportRecieved."],
    ],
  ] as const)("%# reports %s = %s", async (p, path, value, expected) => {
    expect((await runResource(p, SUB, mutate(subscription, path, value))).messages).toEqual(expected);
  });
  it("accepts the plain dead-letter destination too", async () => {
    const props = mutate(mutate(subscription, "deadLetterWithResourceIdentity", undefined), "deadLetterDestination", {
      endpointType: "StorageBlob",
      resourceId: "/x",
      blobContainerName: "dl",
    });
    expect((await runResource(eventgridSubscriptionConfigureDeadLetter, SUB, props)).messages).toEqual([]);
  });
  it("retry knobs change the floor", async () => {
    const props = mutate(subscription, "retryPolicy", { maxDeliveryAttempts: 3, eventTimeToLiveInMinutes: 60 });
    expect((await runResource(eventgridSubscriptionConfigureRetryPolicy, SUB, props, { minDeliveryAttempts: 3 })).messages).toEqual([]);
    expect((await runResource(eventgridSubscriptionConfigureRetryPolicy, SUB, props, { minDeliveryAttempts: 10 })).messages).toEqual([
      "retryPolicy.maxDeliveryAttempts is 3; it must be between 10 and 30.",
    ]);
  });
  it("additionalEventTypes admits other event types", async () => {
    const props = mutate(subscription, "filter.includedEventTypes", ["Microsoft.Storage.BlobCreated"]);
    expect(
      (
        await runResource(eventgridSubscriptionEnforceAcsEventTypes, SUB, props, {
          additionalEventTypes: ["Microsoft.Storage.BlobCreated"],
        })
      ).messages,
    ).toEqual([]);
  });
  it("an unknown event-type list is an advisory preview diagnostic", async () => {
    const r = await runResource(
      eventgridSubscriptionEnforceAcsEventTypes,
      SUB,
      mutate(subscription, "filter.includedEventTypes", UNKNOWN.string),
    );
    expect(r.results.map((x) => [x.level, x.kind])).toEqual([["advisory", "unknown"]]);
  });
  it("the pack's ACS event types match the program's list", () => {
    expect([...ACS_EVENT_TYPES].sort()).toEqual([...PROGRAM_EVENT_TYPES].sort());
  });
});

describe("email domain policies", () => {
  it("engagement tracking: off passes, on reports, the knob allows it", async () => {
    const p = communicationDomainDisableEngagementTracking;
    expect((await runResource(p, DOMAIN, domain)).messages).toEqual([]);
    expect((await runResource(p, DOMAIN, mutate(domain, "userEngagementTracking", "Enabled"))).messages).toEqual([
      "userEngagementTracking is Enabled; it must be Disabled.",
    ]);
    expect(
      (await runResource(p, DOMAIN, mutate(domain, "userEngagementTracking", "Enabled"), { allowEngagementTracking: true })).messages,
    ).toEqual([]);
    expect((await runResource(p, "azure-native:communication:EmailService", {})).notApplicable).toBe(true);
  });
  it("azure-managed domain: customer-managed passes, AzureManaged reports, the knob allows it", async () => {
    const p = communicationDomainDisallowAzureManaged;
    const azureManaged = { ...domain, domainName: "AzureManagedDomain", domainManagement: "AzureManaged" };
    expect((await runResource(p, DOMAIN, domain)).messages).toEqual([]);
    expect((await runResource(p, DOMAIN, azureManaged)).messages).toEqual([
      "domainManagement is AzureManaged; this environment must send from a customer-managed domain.",
    ]);
    expect((await runResource(p, DOMAIN, azureManaged, { allowAzureManagedDomain: true })).messages).toEqual([]);
    expect((await runResource(p, "azure-native:communication:CommunicationService", {})).notApplicable).toBe(true);
  });
});
