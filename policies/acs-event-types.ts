// The Event Grid event types Azure Communication Services publishes (Microsoft Learn, "Azure Communication
// Services as an Event Grid source"), used to catch typos in subscription filters.
export const ACS_EVENT_TYPES: readonly string[] = [
  "SMSReceived", "SMSDeliveryReportReceived", "EmailDeliveryReportReceived", "EmailEngagementTrackingReportReceived",
  "ChatMessageReceived", "ChatMessageEdited", "ChatMessageDeleted", "ChatThreadCreatedWithUser",
  "ChatThreadWithUserDeleted", "ChatThreadPropertiesUpdatedPerUser", "ChatParticipantAddedToThreadWithUser",
  "ChatParticipantRemovedFromThreadWithUser", "ChatThreadCreated", "ChatThreadDeleted", "ChatThreadParticipantAdded",
  "ChatThreadParticipantRemoved", "ChatMessageReceivedInThread", "ChatThreadPropertiesUpdated",
  "ChatMessageEditedInThread", "ChatMessageDeletedInThread", "RecordingFileStatusUpdated", "CallStarted", "CallEnded",
  "CallParticipantAdded", "CallParticipantRemoved", "IncomingCall",
].map((t) => `Microsoft.Communication.${t}`);
