// Policy: every Event Grid subscription dead-letters undeliverable events to a blob container, so no event is
// silently dropped after the retries (no PSRule rule targets event subscriptions).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const eventgridSubscriptionConfigureDeadLetter: ResourceValidationPolicy & Grouped = {
  name: "eventgrid-subscription-configure-dead-letter",
  group: "eventgrid",
  description: "Event Grid subscriptions dead-letter undeliverable events to a storage blob container.",
  severity: "high",
  remediationSteps:
    "Set `deadLetterWithResourceIdentity` (preferred, with the topic's managed identity) or `deadLetterDestination` " +
    'to `{ endpointType: "StorageBlob", resourceId: <storage account id>, blobContainerName: <container> }`.',
  validateResource: forTypes([T.systemTopicSubscription, T.eventSubscription], (props, _args, reportViolation) => {
    const destination = props.deadLetterWithResourceIdentity?.deadLetterDestination ?? props.deadLetterDestination;
    if (!destination) {
      reportViolation("No dead-letter destination is configured.");
      return;
    }
    if (!destination.resourceId || !destination.blobContainerName) {
      reportViolation("The dead-letter destination needs both resourceId and blobContainerName.");
    }
  }),
};
