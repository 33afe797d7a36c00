// EventRouting: the Communication Services Event Grid system topic, a hardened storage account for its queues
// and dead letters, and one event subscription per configured route, delivering and dead-lettering with the
// topic's own managed identity and exactly the role assignments that needs.
//
// Facts relied on (@pulumi/azure-native 3.28 eventgrid 2025-02-15 and storage 2024-01-01 typings, Microsoft Learn
// "Azure Communication Services as an Event Grid source"): topic type `Microsoft.Communication.CommunicationServices`, location `global`;
// `deliveryWithResourceIdentity` / `deadLetterWithResourceIdentity` use the topic identity; storage-queue
// delivery needs "Storage Queue Data Message Sender" on the queue, blob dead-lettering "Storage Blob Data
// Contributor" on the container, Service Bus delivery "Azure Service Bus Data Sender" on the queue
// (Microsoft Learn "Event delivery with a managed identity",
// https://learn.microsoft.com/azure/event-grid/managed-service-identity).
import * as pulumi from "@pulumi/pulumi";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as storage from "@pulumi/azure-native/storage";
import type { AzureComponentArgs, DiagnosticsArg } from "../common/types";
import { attachDiagnostics } from "../common/diagnostics";
import { attachStorageServiceDiagnostics } from "../common/storage-diagnostics";
import { blobSoftDelete, hardenedStorageAccountArgs } from "../common/storage";
import type { StorageSection } from "../common/storage-config";
import { resourceName } from "../common/naming";
import { queueNameOf, queueNamesOf, type EventRoutingSection, type EventSubscriptionConfig } from "./config";
import { assignRole, blobContainerScope, storageQueueScope, type BuiltInRole } from "../common/roles";

/** Arguments of EventRouting (no lock or role assignments: the topic's grants are its own, derived from `routing`). */
export interface EventRoutingArgs extends AzureComponentArgs, DiagnosticsArg {
  /** Subscription id, for role definition ids. */
  subscriptionId: pulumi.Input<string>;
  /** Resource id of the Communication Services resource whose events are routed. */
  communicationServiceId: pulumi.Input<string>;
  /** Validated `eventRouting` config: storage SKU, dead-letter container and subscriptions. */
  routing: EventRoutingSection;
  /** Validated `storage` config: the routing account's firewall and soft delete. */
  storage: StorageSection;
}

/** One role assignment EventRouting makes for the topic identity; exported for tests and docs. */
export interface RoutingRoleGrant {
  /** Logical key, unique within the component. */
  key: string;
  /** The built-in role granted to the topic identity. */
  role: BuiltInRole;
  /** What the scope is: a queue or container in the routing account, or an external Service Bus queue id. */
  scope: { kind: "queue"; queueName: string } | { kind: "container"; containerName: string } | { kind: "serviceBusQueue"; id: string };
}

/**
 * The role grants the topic identity needs for `routing`: Message Sender on each storage queue, Data Sender on
 * each Service Bus queue, Blob Data Contributor on the dead-letter container; webhooks need none.
 */
export function routingRoleGrants(routing: EventRoutingSection): RoutingRoleGrant[] {
  const grants: RoutingRoleGrant[] = queueNamesOf(routing.subscriptions).map((queueName) => ({
    key: `queue-${queueName}`,
    role: "storageQueueDataMessageSender",
    scope: { kind: "queue", queueName },
  }));
  const busQueues = new Set<string>();
  for (const s of routing.subscriptions) {
    if (s.destination.type === "serviceBusQueue" && !busQueues.has(s.destination.queueResourceId)) {
      busQueues.add(s.destination.queueResourceId);
      grants.push({
        key: `servicebus-${s.name}`,
        role: "serviceBusDataSender",
        scope: { kind: "serviceBusQueue", id: s.destination.queueResourceId },
      });
    }
  }
  grants.push({
    key: "deadletter",
    role: "storageBlobDataContributor",
    scope: { kind: "container", containerName: routing.deadLetterContainerName },
  });
  return grants;
}

/** The Event Grid system topic of Communication Services with its routes, queues and dead-letter container. */
export class EventRouting extends pulumi.ComponentResource {
  /** Resource id of the system topic. */
  declare readonly id: pulumi.Output<string>;
  /** Name of the system topic. */
  declare readonly name: pulumi.Output<string>;
  /** Principal id of the topic's system-assigned identity. */
  declare readonly principalId: pulumi.Output<string>;
  /** Resource id of the routing storage account. */
  declare readonly storageAccountId: pulumi.Output<string>;
  /** Name of the routing storage account. */
  declare readonly storageAccountName: pulumi.Output<string>;
  /** Names of the storage queues events are delivered to. */
  declare readonly queueNames: pulumi.Output<string[]>;
  /** Name of the dead-letter blob container. */
  declare readonly deadLetterContainerName: pulumi.Output<string>;

  constructor(name: string, args: EventRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:eventgrid:EventRouting", name, {}, opts);
    const store = routingStorage(this, name, args);
    const topic = systemTopic(this, name, args);
    const principalId = topic.identity.apply((i) => i?.principalId ?? "");
    if (args.diagnostics !== undefined) {
      // System topics have one log category, DeliveryFailures (Microsoft Learn "Supported logs for
      // Microsoft.EventGrid/systemTopics"); naming it avoids relying on category-group support.
      attachDiagnostics(
        `${name}-topic`,
        topic.id,
        { ...args.diagnostics, logCategories: ["DeliveryFailures"], resourceSpecificTables: true },
        this,
      );
      attachStorageServiceDiagnostics(`${name}-storage`, store.account.id, ["blob", "queue"], args.diagnostics, this);
    }

    const grants = topicGrants(this, name, args, store, principalId);
    eventSubscriptions(this, name, args, store, topic, grants);

    this.id = topic.id;
    this.name = topic.name;
    this.principalId = principalId;
    this.storageAccountId = store.account.id;
    this.storageAccountName = store.account.name;
    this.queueNames = pulumi.output(store.queueNames);
    this.deadLetterContainerName = store.deadLetters.name;
    this.registerOutputs({
      id: this.id,
      name: this.name,
      principalId: this.principalId,
      storageAccountId: this.storageAccountId,
      storageAccountName: this.storageAccountName,
      queueNames: this.queueNames,
      deadLetterContainerName: this.deadLetterContainerName,
    });
  }
}

/** The routing storage account (Entra-only), its dead-letter container and one queue per storage-queue route. */
function routingStorage(host: pulumi.ComponentResource, name: string, args: EventRoutingArgs) {
  const parent = { parent: host };
  const { routing } = args;
  // Shared-key access is off: every consumer here (Event Grid, the queue readers) authenticates with Entra ID.
  // Through the firewall: Event Grid as a trusted service with its system identity (the bypass), the queue readers
  // (`npm run smoke`, `npm run archive-chat -- --follow`) from the operators' addresses.
  const account = new storage.StorageAccount(
    `${name}-storage`,
    {
      ...hardenedStorageAccountArgs({
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        skuName: routing.storageSku,
        entraOnly: true,
        network: { defaultAction: args.storage.networkDefaultAction, allowedIpRanges: args.storage.allowedIpRanges },
      }),
      accountName: resourceName("storageAccount", args.naming, "evt"),
    },
    parent,
  );
  blobSoftDelete(`${name}-storage`, account, args.resourceGroupName, args.storage.softDeleteRetentionDays, parent);

  const deadLetters = new storage.BlobContainer(
    `${name}-deadletters`,
    {
      containerName: routing.deadLetterContainerName,
      accountName: account.name,
      resourceGroupName: args.resourceGroupName,
      publicAccess: "None",
    },
    parent,
  );

  const queueNames = queueNamesOf(routing.subscriptions);
  const queues = new Map<string, storage.Queue>();
  for (const queueName of queueNames) {
    queues.set(
      queueName,
      new storage.Queue(
        `${name}-queue-${queueName}`,
        { queueName, accountName: account.name, resourceGroupName: args.resourceGroupName },
        parent,
      ),
    );
  }

  return { account, deadLetters, queues, queueNames };
}

/** The Communication Services system topic, with the system identity that delivers and dead-letters. */
function systemTopic(host: pulumi.ComponentResource, name: string, args: EventRoutingArgs): eventgrid.SystemTopic {
  return new eventgrid.SystemTopic(
    `${name}-topic`,
    {
      systemTopicName: resourceName("eventGridSystemTopic", args.naming, "acs"),
      resourceGroupName: args.resourceGroupName,
      location: "global",
      source: args.communicationServiceId,
      topicType: "Microsoft.Communication.CommunicationServices",
      identity: { type: "SystemAssigned" },
      tags: args.tags,
    },
    { parent: host },
  );
}

/** The topic identity's role assignments (routingRoleGrants), on the routing account's queues and container. */
function topicGrants(
  host: pulumi.ComponentResource,
  name: string,
  args: EventRoutingArgs,
  store: ReturnType<typeof routingStorage>,
  principalId: pulumi.Output<string>,
) {
  const { account, deadLetters, queues } = store;
  return routingRoleGrants(args.routing).map((grant) => {
    const scope: pulumi.Input<string> =
      grant.scope.kind === "queue"
        ? pulumi
            .all([account.id, queues.get(grant.scope.queueName)?.name ?? grant.scope.queueName])
            .apply(([id, q]) => storageQueueScope(id, q))
        : grant.scope.kind === "container"
          ? pulumi.all([account.id, deadLetters.name]).apply(([id, c]) => blobContainerScope(id, c))
          : grant.scope.id;
    return assignRole(
      name,
      {
        suffix: args.naming.suffix,
        key: grant.key,
        role: grant.role,
        scope,
        subscriptionId: args.subscriptionId,
        principalId,
        description: `Event Grid system topic ${name}: ${grant.role} for event delivery`,
      },
      host,
    );
  });
}

/** One event subscription per route, created after the grants Event Grid checks. */
function eventSubscriptions(
  host: pulumi.ComponentResource,
  name: string,
  args: EventRoutingArgs,
  store: ReturnType<typeof routingStorage>,
  topic: eventgrid.SystemTopic,
  grants: pulumi.Resource[],
): void {
  const { account, deadLetters } = store;
  for (const sub of args.routing.subscriptions) {
    new eventgrid.SystemTopicEventSubscription(
      `${name}-sub-${sub.name}`,
      {
        eventSubscriptionName: sub.name,
        systemTopicName: topic.name,
        resourceGroupName: args.resourceGroupName,
        filter: { includedEventTypes: [...sub.eventTypes] },
        retryPolicy: {
          maxDeliveryAttempts: sub.retry.maxDeliveryAttempts,
          eventTimeToLiveInMinutes: sub.retry.eventTimeToLiveInMinutes,
        },
        ...deliveryArgs(sub, account.id),
        deadLetterWithResourceIdentity: {
          identity: { type: "SystemAssigned" },
          deadLetterDestination: {
            endpointType: "StorageBlob",
            resourceId: account.id,
            blobContainerName: deadLetters.name,
          },
        },
      },
      // Event Grid checks the identity's access when the subscription is created, so the grants come first.
      { parent: host, dependsOn: grants },
    );
  }
}

/** The delivery half of a subscription's arguments: managed-identity delivery where the destination supports it. */
function deliveryArgs(
  sub: EventSubscriptionConfig,
  accountId: pulumi.Output<string>,
): Pick<eventgrid.SystemTopicEventSubscriptionArgs, "destination" | "deliveryWithResourceIdentity"> {
  const d = sub.destination;
  switch (d.type) {
    case "storageQueue":
      return {
        deliveryWithResourceIdentity: {
          identity: { type: "SystemAssigned" },
          destination: { endpointType: "StorageQueue", resourceId: accountId, queueName: queueNameOf(sub.name, d) },
        },
      };
    case "serviceBusQueue":
      return {
        deliveryWithResourceIdentity: {
          identity: { type: "SystemAssigned" },
          destination: { endpointType: "ServiceBusQueue", resourceId: d.queueResourceId },
        },
      };
    case "webhook":
      // Webhooks take no managed identity; Entra-secured delivery uses the app id/tenant when configured.
      return {
        destination: {
          endpointType: "WebHook",
          endpointUrl: d.endpointUrl,
          azureActiveDirectoryApplicationIdOrUri: d.entraApplicationIdOrUri,
          azureActiveDirectoryTenantId: d.entraTenantId,
          minimumTlsVersionAllowed: "1.2",
        },
      };
  }
}
