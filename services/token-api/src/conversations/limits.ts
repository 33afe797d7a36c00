// The one definition of the conversations API's limits, each with where it comes from (ACS's own, or the platform's where ACS publishes none).

/**
 * ACS chat size limits, Learn "Service limits for Azure Communication Services", "Chat" > "Size Limits"
 * (https://learn.microsoft.com/azure/communication-services/concepts/service-limits): "Number of participants in
 * thread 250", "Batch of participants - CreateThread 200", "Batch of participants - AddParticipant 200". Chat concepts
 * says the same about threads ("Chat threads can have 0 to 250 users as participants",
 * https://learn.microsoft.com/azure/communication-services/concepts/chat/concepts). The platform's server identity is a
 * member of every managed thread, so the app's participants are at most one fewer.
 */
export const ACS_CHAT_LIMITS = { participantsPerThread: 250, participantsPerBatch: 200 } as const;

/** App participants a conversation may hold: the thread's 250 less the server identity. */
export const MAX_APP_PARTICIPANTS = ACS_CHAT_LIMITS.participantsPerThread - 1;

/**
 * Retention: `retentionPolicy` of kind `threadCreationDate` with `deleteThreadAfterDays` (azure-rest-api-specs
 * specification/communication/data-plane/Chat/stable/2025-03-15/communicationserviceschat.json, `ChatRetentionPolicy`),
 * which Learn allows "between 30 and 90 days" (chat concepts, "Chat Data"), or none (kept until deleted).
 */
export const RETENTION_DAYS = { min: 30, max: 90 } as const;

/**
 * Topic and metadata: ACS requires a topic (createChatThread 400 without one) and publishes no length or count limit for
 * either (neither the service-limits page nor the 2025-03-15 spec sets maxLength/maxProperties). These are the
 * platform's own bounds, chosen so one conversation's record stays far below Table Storage's 1 MiB entity and 64 KiB
 * property limits (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
 */
export const TOPIC_MAX_LENGTH = 256;
export const METADATA_LIMITS = { maxEntries: 16, keyMaxLength: 64, valueMaxLength: 1024 } as const;
export const DISPLAY_NAME_MAX_LENGTH = 256;

/** Body size of the conversation routes: a full batch of 200 participants with 255-character subjects and 256-character names fits. */
export const CONVERSATION_BODY_LIMIT_BYTES = 160 * 1024;

/** Items per page of GET /api/conversations (Table Storage returns at most 1000 per query page). */
export const LIST_PAGE_SIZE = { default: 50, max: 100 } as const;

/** `type`: a lower-case name; `id`: 1..128 visible ASCII characters without `/` (docs/conversations.md). */
export const TYPE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const ID_PATTERN = /^[\x21-\x2e\x30-\x7e]{1,128}$/;

/** The role a service caller's token must carry, unless CONVERSATIONS_MANAGE_ROLE names another. */
export const DEFAULT_MANAGE_ROLE = "conversations.manage";
