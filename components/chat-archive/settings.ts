// The chat archive's names and retention: defined once here, read by the ChatArchive component (which creates the
// containers) and by `npm run archive-chat` / `npm run decommission` (which write and check them).

/** The container holding the archived chat as create-only JSONL segments (WORM in prod). */
export const CHAT_ARCHIVE_CONTAINER = "chat-archive";

/** The mutable container holding per-thread checkpoints and the run record: a WORM container cannot hold them. */
export const CHAT_ARCHIVE_STATE_CONTAINER = "chat-archive-state";

/**
 * Days a segment stays immutable in prod: ten years (3,652 days). It outlasts the retirement of ACS chat on
 * 2028-09-30 plus a common seven-year record-keeping term. Learn allows 1 to 146,000 days
 * (https://learn.microsoft.com/azure/storage/blobs/immutable-time-based-retention-policy-overview).
 */
export const CHAT_ARCHIVE_IMMUTABILITY_DAYS = 3652;

/** The event subscription whose storage queue `--follow` reads (Pulumi.<stack>.yaml `eventRouting.subscriptions`). */
export const CHAT_EVENTS_SUBSCRIPTION = "chat-messages";
