// Builds the chat archive's real clients for a Target: the mapping table, the identity and chat SDKs, the archive's
// blob containers and the `chat-messages` queue; Azurite and the emulator locally, Entra ID in Azure.
import type { TokenCredential } from "@azure/core-auth";
import { TableClient } from "@azure/data-tables";
import { BlobServiceClient } from "@azure/storage-blob";
import { TOKEN_API_DEFAULTS } from "../../../services/token-api/src/settings";
import { CHAT_ARCHIVE_CONTAINER, CHAT_ARCHIVE_STATE_CONTAINER, CHAT_EVENTS_SUBSCRIPTION } from "../../../components/chat-archive/settings";
import { UsageError } from "../../../tools/cli-kit";
import { chatClientFactoryFor, eventQueueFor, identityClientFor, queueServiceFor } from "../environment";
import type { EventQueue } from "../event-checks";
import type { Target } from "../target";
import { mappedIdentities, sdkChatReader, type ChatReader } from "./source";
import { ArchiveStore } from "./store";

export interface ArchiveDeps {
  store: ArchiveStore;
  reader: ChatReader;
  identities: () => Promise<string[]>;
  /** Where the archive is, for the report header (no secrets). */
  archiveLocation: string;
}

export function mappingTableFor(target: Target, credential: TokenCredential): TableClient {
  const tableName = target.mappingTableName ?? TOKEN_API_DEFAULTS.mappingTableName;
  if (target.kind === "local") {
    const connection = target.local?.mappingTableConnectionString;
    if (!connection) throw new UsageError("the local environment file names no mappingTableConnectionString (restart npm run dev)");
    return TableClient.fromConnectionString(connection, tableName, { allowInsecureConnection: true });
  }
  if (!target.mappingTableEndpoint) {
    throw new UsageError(`${target.label} lacks mappingTableEndpoint, needed to list the identities whose chat is archived`);
  }
  return new TableClient(target.mappingTableEndpoint, tableName, credential);
}

/** Locally the events' Azurite account (blob service) holds the archive; in Azure the ChatArchive account, with Entra ID. */
export function blobServiceFor(target: Target, credential: TokenCredential): BlobServiceClient {
  if (target.kind === "local") {
    const connection = target.local?.eventStorageConnectionString;
    if (!connection) throw new UsageError("the local environment file names no events.storageConnectionString (restart npm run dev)");
    return BlobServiceClient.fromConnectionString(connection);
  }
  if (!target.chatArchiveBlobEndpoint) {
    throw new UsageError(`${target.label} lacks chatArchiveBlobEndpoint (stack outputs of a deploy with the chat archive)`);
  }
  return new BlobServiceClient(target.chatArchiveBlobEndpoint, credential);
}

export function archiveDepsFor(target: Target, credential: TokenCredential, connectionString: string): ArchiveDeps {
  const blobs = blobServiceFor(target, credential);
  const table = mappingTableFor(target, credential);
  const store = new ArchiveStore(blobs.getContainerClient(CHAT_ARCHIVE_CONTAINER), blobs.getContainerClient(CHAT_ARCHIVE_STATE_CONTAINER));
  const reader = sdkChatReader(identityClientFor(target, connectionString), chatClientFactoryFor(target));
  return {
    store,
    reader,
    identities: () => mappedIdentities(table),
    archiveLocation: `${blobs.url.replace(/\?.*$/, "")}${CHAT_ARCHIVE_CONTAINER}`,
  };
}

/** The storage queue the `chat-messages` subscription delivers to, or a UsageError saying why there is none. */
export function chatEventQueueFor(target: Target, credential: TokenCredential): EventQueue {
  const route = target.eventSubscriptions?.find((s) => s.name === CHAT_EVENTS_SUBSCRIPTION);
  if (!route?.queueName) {
    throw new UsageError(`${target.label} has no storage-queue subscription named ${CHAT_EVENTS_SUBSCRIPTION}, which --follow reads`);
  }
  const service = queueServiceFor(target, credential);
  if (!service) throw new UsageError(`${target.label} names no event storage account, which --follow reads`);
  return eventQueueFor(service, route.queueName);
}
