// The Event Grid event types Azure Communication Services publishes, and the config schema of the event
// subscriptions built on them, so a typo in an event type fails at config time with the accepted list.
// Event types from Microsoft Learn "Azure Communication Services as an Event Grid source"
// (https://learn.microsoft.com/azure/event-grid/event-schema-communication-services); retry limits from Microsoft Learn "Event Grid message delivery and retry"
// (1..30 attempts, 1..1440 minutes).
import { z } from "zod";
import { STORAGE_SKUS } from "../common/storage-config";

/** Every event type Communication Services publishes to its system topic. */
export const ACS_EVENT_TYPES = [
  "Microsoft.Communication.SMSReceived",
  "Microsoft.Communication.SMSDeliveryReportReceived",
  "Microsoft.Communication.EmailDeliveryReportReceived",
  "Microsoft.Communication.EmailEngagementTrackingReportReceived",
  "Microsoft.Communication.ChatMessageReceived",
  "Microsoft.Communication.ChatMessageEdited",
  "Microsoft.Communication.ChatMessageDeleted",
  "Microsoft.Communication.ChatThreadCreatedWithUser",
  "Microsoft.Communication.ChatThreadWithUserDeleted",
  "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser",
  "Microsoft.Communication.ChatParticipantAddedToThreadWithUser",
  "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser",
  "Microsoft.Communication.ChatThreadCreated",
  "Microsoft.Communication.ChatThreadDeleted",
  "Microsoft.Communication.ChatThreadParticipantAdded",
  "Microsoft.Communication.ChatThreadParticipantRemoved",
  "Microsoft.Communication.ChatMessageReceivedInThread",
  "Microsoft.Communication.ChatThreadPropertiesUpdated",
  "Microsoft.Communication.ChatMessageEditedInThread",
  "Microsoft.Communication.ChatMessageDeletedInThread",
  "Microsoft.Communication.RecordingFileStatusUpdated",
  "Microsoft.Communication.CallStarted",
  "Microsoft.Communication.CallEnded",
  "Microsoft.Communication.CallParticipantAdded",
  "Microsoft.Communication.CallParticipantRemoved",
  "Microsoft.Communication.IncomingCall",
] as const;

/** One Communication Services event type. */
export type AcsEventType = (typeof ACS_EVENT_TYPES)[number];

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(ACS_EVENT_TYPES);

/** The event types every environment must route: email and SMS delivery reports, chat messages. */
export const REQUIRED_EVENT_TYPES: readonly AcsEventType[] = [
  "Microsoft.Communication.EmailDeliveryReportReceived",
  "Microsoft.Communication.SMSDeliveryReportReceived",
  "Microsoft.Communication.ChatMessageReceived",
];

/** Whether `eventType` is one Communication Services publishes. */
export function isAcsEventType(eventType: string): eventType is AcsEventType {
  return KNOWN_EVENT_TYPES.has(eventType);
}

/** Event Grid's retry limits (Microsoft Learn "Event Grid message delivery and retry"). */
export const RETRY_LIMITS = { maxDeliveryAttempts: { min: 1, max: 30 }, eventTimeToLiveInMinutes: { min: 1, max: 1440 } } as const;

const retryPolicySchema = z
  .object({
    maxDeliveryAttempts: z
      .number()
      .int()
      .min(RETRY_LIMITS.maxDeliveryAttempts.min, "maxDeliveryAttempts must be an integer from 1 to 30")
      .max(RETRY_LIMITS.maxDeliveryAttempts.max, "maxDeliveryAttempts must be an integer from 1 to 30")
      .default(30)
      .meta({ description: "delivery attempts before an event is dead-lettered" }),
    eventTimeToLiveInMinutes: z
      .number()
      .int()
      .min(RETRY_LIMITS.eventTimeToLiveInMinutes.min, "eventTimeToLiveInMinutes must be an integer from 1 to 1440")
      .max(RETRY_LIMITS.eventTimeToLiveInMinutes.max, "eventTimeToLiveInMinutes must be an integer from 1 to 1440")
      .default(1440)
      .meta({ description: "how long Event Grid keeps retrying an event before dead-lettering it" }),
  })
  .strict();

const storageQueueDestinationSchema = z
  .object({
    type: z.literal("storageQueue").meta({
      description: "where the subscription delivers (with the topic's identity, except webhooks)",
      accepts: "`storageQueue`, `webhook`, `serviceBusQueue`",
      defaultText: "`storageQueue`",
    }),
    /** Queue name in the routing storage account; defaults to the subscription name. */
    queueName: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "queueName must be 3-63 lowercase letters, digits and single hyphens")
      .optional()
      .meta({
        description: "queue in the routing storage account",
        accepts: "(`storageQueue`) 3-63 lowercase letters, digits and single hyphens",
        defaultText: "the subscription name",
      }),
  })
  .strict();

const webhookDestinationSchema = z
  .object({
    type: z.literal("webhook").meta({
      description: "where the subscription delivers (with the topic's identity, except webhooks)",
      accepts: "`storageQueue`, `webhook`, `serviceBusQueue`",
      defaultText: "`storageQueue`",
    }),
    endpointUrl: z
      .string()
      .url()
      .refine((u) => u.startsWith("https://"), "endpointUrl must be an https:// URL")
      .meta({ description: "webhook endpoint", accepts: "(`webhook`) `https://` URL", defaultText: "required for `webhook`" }),
    /** Entra application id or URI Event Grid requests a token for (secured webhook delivery). */
    entraApplicationIdOrUri: z.string().min(1).optional().meta({
      description: "Entra-secured delivery: application id or URI Event Grid requests a token for",
      accepts: "(`webhook`) non-empty string",
    }),
    entraTenantId: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Entra tenant of that application", accepts: "(`webhook`) non-empty string" }),
  })
  .strict();

const serviceBusQueueDestinationSchema = z
  .object({
    type: z.literal("serviceBusQueue").meta({
      description: "where the subscription delivers (with the topic's identity, except webhooks)",
      accepts: "`storageQueue`, `webhook`, `serviceBusQueue`",
      defaultText: "`storageQueue`",
    }),
    /** Resource id of the Service Bus queue (`.../namespaces/<ns>/queues/<queue>`). */
    queueResourceId: z
      .string()
      .regex(
        /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ServiceBus\/namespaces\/[^/]+\/queues\/[^/]+$/i,
        "queueResourceId must be a Service Bus queue resource id (/subscriptions/.../providers/Microsoft.ServiceBus/namespaces/NS/queues/Q)",
      )
      .meta({
        description: "target Service Bus queue; the topic identity gets Azure Service Bus Data Sender on it",
        accepts: "(`serviceBusQueue`) resource id `/subscriptions/.../providers/Microsoft.ServiceBus/namespaces/NS/queues/Q`",
        defaultText: "required for `serviceBusQueue`",
      }),
  })
  .strict();

/** Where one subscription delivers: a storage queue in the routing account (default), a webhook, or a Service Bus queue. */
export const destinationSchema = z.discriminatedUnion("type", [
  storageQueueDestinationSchema,
  webhookDestinationSchema,
  serviceBusQueueDestinationSchema,
]);

/** One event subscription as configured. */
export const eventSubscriptionSchema = z
  .object({
    /** Subscription name; also the default queue name, so it follows the stricter queue rule. */
    name: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "name must be 3-63 lowercase letters, digits and single hyphens")
      .meta({
        description: "subscription name; also the default queue name",
        accepts: "3-63 lowercase letters, digits and single hyphens",
      }),
    eventTypes: z
      .array(z.string())
      .min(1, "eventTypes must list at least one event type")
      .superRefine((types, ctx) => {
        types.forEach((t, i) => {
          if (!isAcsEventType(t)) {
            ctx.addIssue({
              code: "custom",
              path: [i],
              message: `unknown event type "${t}"; accepted: ${ACS_EVENT_TYPES.join(", ")}`,
            });
          }
        });
      })
      .meta({
        description: "event types the subscription receives (`includedEventTypes` filter)",
        accepts: "list (1+) of the 26 `Microsoft.Communication.*` types in `ACS_EVENT_TYPES` (`components/event-routing/config.ts`)",
      }),
    destination: destinationSchema.default({ type: "storageQueue" }),
    retry: retryPolicySchema.prefault({}),
  })
  .strict();

/** The `eventRouting` config section. */
export const eventRoutingConfigSchema = z
  .object({
    /** Storage redundancy of the routing account. */
    storageSku: z
      .enum(STORAGE_SKUS)
      .default("Standard_LRS")
      .meta({ description: "redundancy of the routing storage account (delivery queues and dead-letter container)" }),
    /** Blob container that receives dead-lettered events. */
    deadLetterContainerName: z
      .string()
      .regex(
        /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
        "deadLetterContainerName must be 3-63 lowercase letters, digits and single hyphens",
      )
      .default("deadletters")
      .meta({
        description: "blob container that receives dead-lettered events",
        accepts: "3-63 lowercase letters, digits and single hyphens",
      }),
    subscriptions: z
      .array(eventSubscriptionSchema)
      .min(1, "subscriptions must list at least one subscription")
      .superRefine((subs, ctx) => {
        const seen = new Set<string>();
        subs.forEach((s, i) => {
          if (seen.has(s.name)) {
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate subscription name "${s.name}"` });
          }
          seen.add(s.name);
        });
        const routed = new Set(subs.flatMap((s) => s.eventTypes));
        // An unknown type is already reported where it is; a typo should not also read as a missing route.
        if ([...routed].some((t) => !isAcsEventType(t))) return;
        const missing = REQUIRED_EVENT_TYPES.filter((t) => !routed.has(t));
        if (missing.length > 0) {
          ctx.addIssue({ code: "custom", message: `subscriptions must route ${missing.join(", ")}` });
        }
      })
      .meta({
        description: "one Event Grid subscription each on the ACS system topic, dead-lettering to the container above",
        accepts:
          "list (1+) of subscriptions with unique names; together they must route `EmailDeliveryReportReceived`, `SMSDeliveryReportReceived` and `ChatMessageReceived`",
        defaultText: "required (the `eventRouting` section is required)",
      }),
  })
  .strict();

/** A validated event subscription. */
export type EventSubscriptionConfig = z.infer<typeof eventSubscriptionSchema>;
/** A validated `eventRouting` section. */
export type EventRoutingSection = z.infer<typeof eventRoutingConfigSchema>;

/** The storage queue a storage-queue subscription delivers to: its own name unless configured. */
export function queueNameOf(subscriptionName: string, destination: { queueName?: string }): string {
  return destination.queueName ?? subscriptionName;
}

/** The storage queue each storage-queue subscription delivers to, deduplicated, in order. */
export function queueNamesOf(subscriptions: readonly EventSubscriptionConfig[]): string[] {
  const names: string[] = [];
  for (const s of subscriptions) {
    if (s.destination.type === "storageQueue") {
      const q = queueNameOf(s.name, s.destination);
      if (!names.includes(q)) names.push(q);
    }
  }
  return names;
}

/** One subscription as the stack output `eventSubscriptions` and `.local-dev/env.json` list it. */
export interface SubscriptionSummary {
  name: string;
  eventTypes: string[];
  /** Storage queue the subscription delivers to; absent for webhook and Service Bus destinations. */
  queueName?: string;
}

export function subscriptionSummaries(subscriptions: readonly EventSubscriptionConfig[]): SubscriptionSummary[] {
  return subscriptions.map((s) => ({
    name: s.name,
    eventTypes: [...s.eventTypes],
    ...(s.destination.type === "storageQueue" ? { queueName: queueNameOf(s.name, s.destination) } : {}),
  }));
}
