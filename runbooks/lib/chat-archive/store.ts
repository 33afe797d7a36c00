// Where the chat archive lives in Blob Storage: create-only JSONL segments in the archive container (WORM in prod) and
// the mutable checkpoints and run record beside it, through @azure/storage-blob (Azurite locally).
import type { ContainerClient } from "@azure/storage-blob";
import { CHAT_ARCHIVE_CONTAINER, CHAT_ARCHIVE_STATE_CONTAINER } from "../../../components/chat-archive/settings";
import { emptyState, fold, parseSegment, threadFolder, toJsonl, type ArchiveRecord, type ArchivedState } from "./records";

/** A thread's export state as the last run left it. */
export interface ThreadCheckpoint {
  threadId: string;
  /** The run that wrote this checkpoint: a restarted run skips threads its own run already finished. */
  runId: string;
  status: "verified" | "mismatch" | "deleted" | "unreachable";
  /** Messages the source listed and the archive holds (distinct ids), compared at the end of the thread's export. */
  sourceMessages: number;
  archivedMessages: number;
  /** Highest sequenceId listed, as the service's watermark of the conversation. */
  lastSequenceId?: string;
  detail?: string;
  at: string;
}

/** The last bulk run: an unfinished one is resumed, a finished one starts a new run. */
export interface RunRecord {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  threads?: number;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const segmentName = (threadId: string, index: number) => `threads/${threadFolder(threadId)}/${String(index).padStart(6, "0")}.jsonl`;
const checkpointName = (threadId: string) => `checkpoints/${threadFolder(threadId)}.json`;
const RUN_RECORD = "runs/current.json";

export class ArchiveStore {
  constructor(
    private readonly archive: ContainerClient,
    private readonly state: ContainerClient,
  ) {}

  /** Creates both containers if missing: locally (Azurite); in Azure the ChatArchive component created them. */
  async ensureContainers(): Promise<void> {
    await this.archive.createIfNotExists();
    await this.state.createIfNotExists();
  }

  /** Fails with the container's name when it is missing (an Azure target whose stack predates the archive). */
  async checkContainers(): Promise<void> {
    for (const container of [this.archive, this.state]) {
      if (!(await container.exists())) {
        throw new Error(`blob container ${container.containerName} does not exist in ${container.url.replace(/\/[^/]*$/, "")}`);
      }
    }
  }

  /** Every segment of a thread folded, and how many segments there are (the next one's index). */
  async readThread(threadId: string): Promise<{ state: ArchivedState; segments: number; records: ArchiveRecord[] }> {
    const names: string[] = [];
    for await (const blob of this.archive.listBlobsFlat({ prefix: `threads/${threadFolder(threadId)}/` })) names.push(blob.name);
    names.sort();
    const records: ArchiveRecord[] = [];
    for (const name of names) records.push(...(await this.readSegment(name)));
    return { state: fold(emptyState(), records), segments: names.length, records };
  }

  /** One segment read back (after writing it, to verify what the archive holds without re-reading the thread). */
  async readSegmentOf(threadId: string, index: number): Promise<ArchiveRecord[]> {
    return this.readSegment(segmentName(threadId, index));
  }

  private async readSegment(name: string): Promise<ArchiveRecord[]> {
    const buffer = await this.archive.getBlockBlobClient(name).downloadToBuffer();
    return parseSegment(buffer.toString("utf8"), name);
  }

  /**
   * Writes segment `index` create-only (`If-None-Match: *`): a WORM container never sees an overwrite. Resolves
   * "exists" when another writer (or an interrupted earlier run) already wrote that name.
   * https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations
   */
  async createSegment(threadId: string, index: number, records: ArchiveRecord[]): Promise<"created" | "exists"> {
    const body = toJsonl(records);
    try {
      await this.archive.getBlockBlobClient(segmentName(threadId, index)).upload(body, Buffer.byteLength(body), {
        conditions: { ifNoneMatch: "*" },
        blobHTTPHeaders: { blobContentType: "application/x-ndjson" },
      });
      return "created";
    } catch (error) {
      // 409 BlobAlreadyExists (Azurite and Azure); 412 when the condition is evaluated as a precondition.
      if (statusOf(error) === 409 || statusOf(error) === 412) return "exists";
      throw error;
    }
  }

  async getCheckpoint(threadId: string): Promise<ThreadCheckpoint | undefined> {
    return this.readJson<ThreadCheckpoint>(checkpointName(threadId));
  }

  async putCheckpoint(checkpoint: ThreadCheckpoint): Promise<void> {
    await this.writeJson(checkpointName(checkpoint.threadId), checkpoint);
  }

  async listCheckpoints(): Promise<ThreadCheckpoint[]> {
    const out: ThreadCheckpoint[] = [];
    for await (const blob of this.state.listBlobsFlat({ prefix: "checkpoints/" })) {
      const checkpoint = await this.readJson<ThreadCheckpoint>(blob.name);
      if (checkpoint) out.push(checkpoint);
    }
    return out;
  }

  async getRun(): Promise<RunRecord | undefined> {
    return this.readJson<RunRecord>(RUN_RECORD);
  }

  async putRun(run: RunRecord): Promise<void> {
    await this.writeJson(RUN_RECORD, run);
  }

  private async readJson<T>(name: string): Promise<T | undefined> {
    try {
      return JSON.parse((await this.state.getBlockBlobClient(name).downloadToBuffer()).toString("utf8")) as T;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async writeJson(name: string, value: unknown): Promise<void> {
    const body = JSON.stringify(value);
    await this.state.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: "application/json" },
    });
  }
}

export const archiveContainerNames = { archive: CHAT_ARCHIVE_CONTAINER, state: CHAT_ARCHIVE_STATE_CONTAINER };
