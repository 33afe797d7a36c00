// Every operation name (and alias) the emulator answers, so a fault for a name nothing answers is refused up front.

/**
 * The SDK operation names the handlers route to (handlers/*.ts), with their aliases. A fault naming anything else
 * would never fire, and the test that set it would pass for the wrong reason. tests/tools/acs-emulator/kql-and-faults.test.ts
 * reads the handlers' sources and fails when this list and theirs differ.
 */
export const KNOWN_OPERATIONS: readonly string[] = [
  // identity.ts
  "createUser",
  "createUserAndToken",
  "deleteUser",
  "issueAccessToken",
  "getToken",
  "revokeAccessTokens",
  "revokeTokens",
  "getTokenForTeamsUser",
  // chat.ts
  "createChatThread",
  "listChatThreads",
  "getProperties",
  "getChatThreadProperties",
  "updateProperties",
  "updateTopic",
  "updateChatThreadProperties",
  "deleteChatThread",
  "sendMessage",
  "sendChatMessage",
  "listMessages",
  "listChatMessages",
  "getMessage",
  "getChatMessage",
  "updateMessage",
  "updateChatMessage",
  "deleteMessage",
  "deleteChatMessage",
  "listParticipants",
  "listChatParticipants",
  "addParticipants",
  "addChatParticipants",
  "removeParticipant",
  "removeChatParticipant",
  "sendTypingNotification",
  "sendReadReceipt",
  "sendChatReadReceipt",
  "listReadReceipts",
  "listChatReadReceipts",
  // email.ts
  "send",
  "beginSend",
  "sendEmail",
  "getSendResult",
  "getEmailSendResult",
  // arm.ts
  "getCommunicationService",
  "get",
  "updateCommunicationService",
  "update",
  "listKeys",
  "regenerateKey",
  // arm-estate.ts (ACS resources, Email services, domains and senders created through ARM: the adopt flow)
  "listCommunicationServicesByResourceGroup",
  "createOrUpdateCommunicationService",
  "createOrUpdateEmailService",
  "createOrUpdateDomain",
  "createOrUpdateSenderUsername",
  // phoneNumbers.ts
  "listPurchasedPhoneNumbers",
  "listEmailServices",
  "getEmailService",
  "listDomains",
  "getDomain",
  "initiateVerification",
  "cancelVerification",
  "listSenderUsernames",
  "getSenderUsername",
  "getOperationStatus",
  // keyVault.ts
  "listPropertiesOfSecrets",
  "setSecret",
  "listPropertiesOfSecretVersions",
  "listSecretVersions",
  "getSecret",
  "updateSecretProperties",
  // logAnalytics.ts
  "queryWorkspace",
];

/** Event delivery (eventgrid.ts): `deliverEvent` for every subscription, `deliverEvent:<subscription>` for one. */
export const DELIVERY_OPERATION = "deliverEvent";

/** True when a fault for `operation` can fire: `*`, a known operation, or a delivery to a named subscription. */
export function isKnownFaultOperation(operation: string): boolean {
  return (
    operation === "*" ||
    operation === DELIVERY_OPERATION ||
    (operation.startsWith(`${DELIVERY_OPERATION}:`) && operation.length > DELIVERY_OPERATION.length + 1) ||
    KNOWN_OPERATIONS.includes(operation)
  );
}
