// Policy: Event Grid subscriptions list their event types explicitly and every type is one ACS publishes, so a
// typo cannot leave a handler silently receiving nothing (no PSRule rule).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ACS_EVENT_TYPES } from "./acs-event-types";
import { forTypes, type Grouped, T } from "./lib";

export const eventgridSubscriptionEnforceAcsEventTypes: ResourceValidationPolicy & Grouped = {
  name: "eventgrid-subscription-enforce-acs-event-types",
  group: "eventgrid",
  description: "Event Grid subscriptions filter on an explicit list of real Communication Services event types.",
  severity: "medium",
  remediationSteps: "Set `filter.includedEventTypes` to event types from the ACS Event Grid schema (Microsoft.Communication.*).",
  configSchema: {
    properties: {
      additionalEventTypes: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Event types accepted besides the ACS ones (e.g. for other system topics).",
      },
    },
  },
  validateResource: forTypes([T.systemTopicSubscription, T.eventSubscription], (props, args, reportViolation) => {
    const { additionalEventTypes = [] } = args.getConfig<{ additionalEventTypes?: string[] }>();
    const types = props.filter?.includedEventTypes;
    if (!Array.isArray(types) || types.length === 0) {
      reportViolation("filter.includedEventTypes is empty; list the event types explicitly.");
      return;
    }
    const known = new Set([...ACS_EVENT_TYPES, ...additionalEventTypes]);
    const unknown = (types as unknown[]).filter((t) => typeof t !== "string" || !known.has(t));
    if (unknown.length > 0) {
      reportViolation(`Unknown event types: ${unknown.join(", ")}.`);
    }
  }),
};
