// Policy: every Event Grid subscription states its retry policy explicitly, within Event Grid's limits
// (1-30 attempts, 1-1440 minutes TTL) and this environment's floor (no PSRule rule).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const eventgridSubscriptionConfigureRetryPolicy: ResourceValidationPolicy & Grouped = {
  name: "eventgrid-subscription-configure-retry-policy",
  group: "eventgrid",
  description: "Event Grid subscriptions declare a retry policy with enough delivery attempts and event time-to-live.",
  severity: "medium",
  remediationSteps: "Set `retryPolicy: { maxDeliveryAttempts, eventTimeToLiveInMinutes }` within the configured ranges.",
  configSchema: {
    properties: {
      minDeliveryAttempts: { type: "integer", minimum: 1, maximum: 30, default: 5, description: "Fewest delivery attempts." },
      minEventTimeToLiveInMinutes: { type: "integer", minimum: 1, maximum: 1440, default: 60, description: "Shortest event TTL." },
    },
  },
  validateResource: forTypes([T.systemTopicSubscription, T.eventSubscription], (props, args, reportViolation) => {
    const { minDeliveryAttempts = 5, minEventTimeToLiveInMinutes = 60 } = args.getConfig<{
      minDeliveryAttempts?: number;
      minEventTimeToLiveInMinutes?: number;
    }>();
    const retry = props.retryPolicy;
    if (!retry) {
      reportViolation("No retryPolicy is configured.");
      return;
    }
    const attempts = retry.maxDeliveryAttempts;
    if (typeof attempts !== "number" || attempts < minDeliveryAttempts || attempts > 30) {
      reportViolation(`retryPolicy.maxDeliveryAttempts is ${attempts ?? "unset"}; it must be between ${minDeliveryAttempts} and 30.`);
    }
    const ttl = retry.eventTimeToLiveInMinutes;
    if (typeof ttl !== "number" || ttl < minEventTimeToLiveInMinutes || ttl > 1440) {
      reportViolation(
        `retryPolicy.eventTimeToLiveInMinutes is ${ttl ?? "unset"}; it must be between ${minEventTimeToLiveInMinutes} and 1440.`,
      );
    }
  }),
};
