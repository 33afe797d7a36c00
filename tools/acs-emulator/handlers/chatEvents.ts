// The Event Grid events the chat surface publishes, with the subject and data fields Microsoft Learn documents for each.
//
// Source: "Azure Communication Services - Chat events" https://learn.microsoft.com/azure/event-grid/communication-services-chat-events
// (the per-type samples give subject patterns and data fields). User-level events ("...WithUser", "ChatMessageReceived",
// "...PerUser") go to every participant except the one who acted: the Learn page was corrected to say the message sender
// does not receive them (https://github.com/MicrosoftDocs/azure-docs/pull/124398). Thread-level events ("...InThread",
// "ChatThread...") are published once.
import { randomBytes } from "node:crypto";
import type { AcsEvent, EventSink } from "../events";
import type { MessageRecord, ParticipantRecord, ThreadRecord } from "../state";

const T = (name: string): string => `Microsoft.Communication.${name}`;
const identifier = (id: string): Record<string, unknown> => ({ rawId: id, communicationUser: { id } });
/** An opaque id per operation, like the service's `transactionId`. */
const transactionId = (): string => randomBytes(16).toString("base64");
/** The events write the message type capitalised ("Text"), the REST API lower-case. */
const eventMessageType = (type: string): string => type.charAt(0).toUpperCase() + type.slice(1);
const participantModel = (p: ParticipantRecord): Record<string, unknown> => ({
  displayName: p.displayName ?? "",
  participantCommunicationIdentifier: identifier(p.id),
});

function publishPerRecipient(sink: EventSink, thread: ThreadRecord, actorId: string, make: (recipientId: string) => AcsEvent): void {
  for (const p of thread.participants) if (p.id !== actorId) sink.publish(make(p.id));
}

type MessageChange = "Received" | "Edited" | "Deleted";

/** ChatMessage{Received,Edited,Deleted} for each recipient and ChatMessage{...}InThread once. */
export function publishMessageEvents(sink: EventSink, thread: ThreadRecord, message: MessageRecord, change: MessageChange): void {
  const senderId = message.senderId ?? "";
  const tx = transactionId();
  const common: Record<string, unknown> = {
    messageId: message.id,
    senderCommunicationIdentifier: identifier(senderId),
    senderDisplayName: message.senderDisplayName ?? "",
    composeTime: message.createdOn,
    type: eventMessageType(message.type),
    ...(change === "Edited" ? { editTime: message.editedOn } : {}),
    ...(change === "Deleted" ? { deleteTime: message.deletedOn } : {}),
    ...(change !== "Deleted" ? { messageBody: String(message.content.message ?? ""), metadata: message.metadata ?? {} } : {}),
    threadId: thread.id,
    transactionId: tx,
  };
  publishPerRecipient(sink, thread, senderId, (recipientId) => ({
    eventType: T(`ChatMessage${change}`),
    subject: `thread/${thread.id}/sender/${senderId}/recipient/${recipientId}`,
    // The user-level samples carry `version` as a number, the thread-level ones as a string.
    data: { ...common, senderId, version: Number(message.version), recipientId, recipientCommunicationIdentifier: identifier(recipientId) },
  }));
  sink.publish({
    eventType: T(`ChatMessage${change}InThread`),
    subject: `thread/${thread.id}/sender/${senderId}`,
    data: { ...common, version: message.version },
  });
}

/** ChatThreadCreatedWithUser for each member but the creator, ChatThreadCreated once. */
export function publishThreadCreated(sink: EventSink, thread: ThreadRecord, version: number): void {
  const tx = transactionId();
  const common = {
    createdByCommunicationIdentifier: identifier(thread.createdBy),
    properties: { topic: thread.topic },
    participants: thread.participants.map(participantModel),
    createTime: thread.createdOn,
    version,
    threadId: thread.id,
    transactionId: tx,
  };
  publishPerRecipient(sink, thread, thread.createdBy, (recipientId) => ({
    eventType: T("ChatThreadCreatedWithUser"),
    subject: `thread/${thread.id}/createdBy/${thread.createdBy}/recipient/${recipientId}`,
    data: {
      ...common,
      createdBy: thread.createdBy,
      members: thread.participants.map((p) => ({ displayName: p.displayName ?? "", memberId: p.id })),
      recipientId,
      recipientCommunicationIdentifier: identifier(recipientId),
    },
  }));
  sink.publish({ eventType: T("ChatThreadCreated"), subject: `thread/${thread.id}/createdBy/${thread.createdBy}`, data: common });
}

/** ChatThreadWithUserDeleted for each member but the deleter, ChatThreadDeleted once. */
export function publishThreadDeleted(sink: EventSink, thread: ThreadRecord, deletedBy: string, version: number): void {
  const common = {
    deletedByCommunicationIdentifier: identifier(deletedBy),
    deleteTime: thread.deletedOn,
    createTime: thread.createdOn,
    version,
    threadId: thread.id,
    transactionId: transactionId(),
  };
  publishPerRecipient(sink, thread, deletedBy, (recipientId) => ({
    eventType: T("ChatThreadWithUserDeleted"),
    subject: `thread/${thread.id}/deletedBy/${deletedBy}/recipient/${recipientId}`,
    data: { ...common, deletedBy, recipientId, recipientCommunicationIdentifier: identifier(recipientId) },
  }));
  sink.publish({ eventType: T("ChatThreadDeleted"), subject: `thread/${thread.id}/deletedBy/${deletedBy}`, data: common });
}

/** ChatThreadPropertiesUpdatedPerUser for each member but the editor, ChatThreadPropertiesUpdated once. */
export function publishThreadUpdated(sink: EventSink, thread: ThreadRecord, editedBy: string, editTime: string, version: number): void {
  const common = {
    editedByCommunicationIdentifier: identifier(editedBy),
    editTime,
    properties: { topic: thread.topic },
    createTime: thread.createdOn,
    version,
    threadId: thread.id,
    transactionId: transactionId(),
  };
  publishPerRecipient(sink, thread, editedBy, (recipientId) => ({
    eventType: T("ChatThreadPropertiesUpdatedPerUser"),
    subject: `thread/${thread.id}/editedBy/${editedBy}/recipient/${recipientId}`,
    data: { ...common, editedBy, recipientId, recipientCommunicationIdentifier: identifier(recipientId) },
  }));
  sink.publish({ eventType: T("ChatThreadPropertiesUpdated"), subject: `thread/${thread.id}/editedBy/${editedBy}`, data: common });
}

/**
 * ChatParticipant{AddedTo,RemovedFrom}ThreadWithUser for each member but the actor and ChatThreadParticipant{Added,Removed}
 * once, per participant changed. For a removal, pass the thread as it was before (the removed user is told too).
 */
export function publishParticipantEvents(
  sink: EventSink,
  thread: ThreadRecord,
  participant: ParticipantRecord,
  actorId: string,
  change: "Added" | "Removed",
  time: string,
  version: number,
): void {
  const key = change === "Added" ? "participantAdded" : "participantRemoved";
  const by = change === "Added" ? "addedByCommunicationIdentifier" : "removedByCommunicationIdentifier";
  const common = {
    time,
    [by]: identifier(actorId),
    [key]: participantModel(participant),
    createTime: thread.createdOn,
    version,
    threadId: thread.id,
    transactionId: transactionId(),
  };
  const userLevel = change === "Added" ? "ChatParticipantAddedToThreadWithUser" : "ChatParticipantRemovedFromThreadWithUser";
  publishPerRecipient(sink, thread, actorId, (recipientId) => ({
    eventType: T(userLevel),
    subject: `thread/${thread.id}/${key}/${participant.id}/recipient/${recipientId}`,
    data: { ...common, recipientCommunicationIdentifier: identifier(recipientId) },
  }));
  sink.publish({
    eventType: T(`ChatThreadParticipant${change}`),
    subject: `thread/${thread.id}/${key.toLowerCase()}/${participant.id}`,
    data: common,
  });
}
