// Tests of EventRouting under the plan harness: the topic, the hardened account, every subscription's delivery,
// retry and dead-letter settings, and exactly the role assignments managed-identity delivery needs.
import { storageConfigSchema } from "../../../components/common/storage-config";
import { beforeAll, describe, expect, it } from "vitest";
import { EventRouting, routingRoleGrants } from "../../../components/event-routing";
import { eventRoutingConfigSchema, type EventRoutingSection } from "../../../components/event-routing/config";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { evaluateProgram } from "../../../tools/plan/harness";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/plan/mocks";
import type { PlanResult } from "../../../tools/plan/types";
import { countByType, ofType, only } from "../../support/plan";

const naming = { app: "acs", env: "dev", region: "westeurope", suffix: "abcde" };
const acsId = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-test/providers/Microsoft.Communication/communicationServices/acs-acs-dev-weu-abcde`;
const busQueueId = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-bus/providers/Microsoft.ServiceBus/namespaces/sb1/queues/chat`;
const accountId = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/stacsevtdevweuabcde`;

const routing: EventRoutingSection = eventRoutingConfigSchema.parse({
  subscriptions: [
    {
      name: "email-delivery",
      eventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"],
      retry: { maxDeliveryAttempts: 10, eventTimeToLiveInMinutes: 60 },
    },
    { name: "sms-delivery", eventTypes: ["Microsoft.Communication.SMSDeliveryReportReceived"] },
    {
      name: "chat-messages",
      eventTypes: ["Microsoft.Communication.ChatMessageReceived"],
      destination: { type: "serviceBusQueue", queueResourceId: busQueueId },
    },
    {
      name: "chat-hook",
      eventTypes: ["Microsoft.Communication.ChatThreadCreated"],
      destination: { type: "webhook", endpointUrl: "https://hooks.example.com/acs" },
    },
  ],
});

let plan: PlanResult;

beforeAll(async () => {
  plan = await evaluateProgram(
    () => {
      const events = new EventRouting("events", {
        naming,
        storage: storageConfigSchema.parse({}),
        resourceGroupName: "rg-test",
        location: "westeurope",
        tags: { env: "dev" },
        subscriptionId: MOCK_SUBSCRIPTION_ID,
        communicationServiceId: acsId,
        routing,
        diagnostics: { workspaceId: "/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.OperationalInsights/workspaces/log" },
      });
      return { principalId: events.principalId };
    },
    { project: "acs-platform", stack: "test" },
  );
});

describe("EventRouting", () => {
  it("registers exactly the expected resource types and counts", () => {
    expect(countByType(plan, (x) => x.type !== "pulumi:pulumi:Stack")).toEqual({
      "acs:eventgrid:EventRouting": 1,
      "azure-native:storage:StorageAccount": 1,
      "azure-native:storage:BlobServiceProperties": 1,
      "azure-native:storage:BlobContainer": 1,
      "azure-native:storage:Queue": 2,
      "azure-native:eventgrid:SystemTopic": 1,
      "azure-native:monitor:DiagnosticSetting": 3,
      "azure-native:authorization:RoleAssignment": 4,
      "azure-native:eventgrid:SystemTopicEventSubscription": 4,
    });
  });

  it("creates the ACS system topic globally with a system identity", () => {
    const topic = only(plan, "azure-native:eventgrid:SystemTopic");
    expect(topic.inputs).toMatchObject({
      systemTopicName: "evgt-acs-acs-dev-weu",
      location: "global",
      source: acsId,
      topicType: "Microsoft.Communication.CommunicationServices",
      identity: { type: "SystemAssigned" },
    });
  });

  it("hardens the storage account", () => {
    const account = only(plan, "azure-native:storage:StorageAccount");
    expect(account.inputs).toMatchObject({
      accountName: "stacsevtdevweuabcde",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
    });
    expect(only(plan, "azure-native:storage:BlobContainer").inputs).toMatchObject({ containerName: "deadletters", publicAccess: "None" });
  });

  it("sends topic and storage-service diagnostics to the workspace", () => {
    expect(only(plan, "azure-native:monitor:DiagnosticSetting", "events-topic-diagnostics").inputs).toMatchObject({
      logs: [{ category: "DeliveryFailures", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    for (const service of ["blob", "queue"]) {
      expect(only(plan, "azure-native:monitor:DiagnosticSetting", `events-storage-${service}-diagnostics`).inputs).toMatchObject({
        resourceUri: `${accountId}/${service}Services/default`,
        logs: [{ categoryGroup: "allLogs", enabled: true }],
        metrics: [],
      });
    }
  });

  it("gives every subscription a retry policy and an identity-based dead-letter destination", () => {
    const deadLetter = {
      identity: { type: "SystemAssigned" },
      deadLetterDestination: { endpointType: "StorageBlob", resourceId: accountId, blobContainerName: "deadletters" },
    };
    const defaults = { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 };
    const subs = ofType(plan, "azure-native:eventgrid:SystemTopicEventSubscription")
      .map((s) => ({
        name: s.inputs["eventSubscriptionName"],
        retryPolicy: s.inputs["retryPolicy"],
        deadLetter: s.inputs["deadLetterWithResourceIdentity"],
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(subs).toEqual([
      { name: "chat-hook", retryPolicy: defaults, deadLetter },
      { name: "chat-messages", retryPolicy: defaults, deadLetter },
      { name: "email-delivery", retryPolicy: { maxDeliveryAttempts: 10, eventTimeToLiveInMinutes: 60 }, deadLetter },
      { name: "sms-delivery", retryPolicy: defaults, deadLetter },
    ]);
  });

  it("delivers to queues and Service Bus with the topic identity, to webhooks without", () => {
    const email = only(plan, "azure-native:eventgrid:SystemTopicEventSubscription", "events-sub-email-delivery");
    expect(email.inputs["filter"]).toEqual({
      includedEventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"],
      isSubjectCaseSensitive: false,
    });
    expect(email.inputs["deliveryWithResourceIdentity"]).toEqual({
      identity: { type: "SystemAssigned" },
      destination: { endpointType: "StorageQueue", resourceId: accountId, queueName: "email-delivery" },
    });
    expect(email.inputs["destination"]).toBeUndefined();
    const chat = only(plan, "azure-native:eventgrid:SystemTopicEventSubscription", "events-sub-chat-messages");
    expect(chat.inputs["deliveryWithResourceIdentity"]).toEqual({
      identity: { type: "SystemAssigned" },
      destination: { endpointType: "ServiceBusQueue", resourceId: busQueueId },
    });
    const hook = only(plan, "azure-native:eventgrid:SystemTopicEventSubscription", "events-sub-chat-hook");
    expect(hook.inputs["deliveryWithResourceIdentity"]).toBeUndefined();
    expect(hook.inputs["destination"]).toEqual({
      endpointType: "WebHook",
      endpointUrl: "https://hooks.example.com/acs",
      minimumTlsVersionAllowed: "1.2",
    });
  });

  it("grants the topic identity exactly the roles delivery and dead-lettering need, at the narrowest scope", () => {
    const principal = plan.outputs["principalId"];
    expect(principal).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const roleId = (guid: string): string =>
      `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment")
      .map((r) => ({
        scope: r.inputs["scope"],
        roleDefinitionId: r.inputs["roleDefinitionId"],
        principalId: r.inputs["principalId"],
        principalType: r.inputs["principalType"],
      }))
      .sort((a, b) => String(a.scope).localeCompare(String(b.scope)));
    expect(grants).toEqual(
      [
        {
          scope: `${accountId}/blobServices/default/containers/deadletters`,
          roleDefinitionId: roleId(BUILT_IN_ROLES.storageBlobDataContributor),
          principalId: principal,
          principalType: "ServicePrincipal",
        },
        {
          scope: `${accountId}/queueServices/default/queues/email-delivery`,
          roleDefinitionId: roleId(BUILT_IN_ROLES.storageQueueDataMessageSender),
          principalId: principal,
          principalType: "ServicePrincipal",
        },
        {
          scope: `${accountId}/queueServices/default/queues/sms-delivery`,
          roleDefinitionId: roleId(BUILT_IN_ROLES.storageQueueDataMessageSender),
          principalId: principal,
          principalType: "ServicePrincipal",
        },
        {
          scope: busQueueId,
          roleDefinitionId: roleId(BUILT_IN_ROLES.serviceBusDataSender),
          principalId: principal,
          principalType: "ServicePrincipal",
        },
      ].sort((a, b) => a.scope.localeCompare(b.scope)),
    );
  });
});

describe("routingRoleGrants", () => {
  it("needs only the dead-letter grant for webhook-only routing", () => {
    const webhookOnly = { ...routing, subscriptions: routing.subscriptions.filter((s) => s.destination.type === "webhook") };
    expect(routingRoleGrants(webhookOnly)).toEqual([
      { key: "deadletter", role: "storageBlobDataContributor", scope: { kind: "container", containerName: "deadletters" } },
    ]);
  });
});
