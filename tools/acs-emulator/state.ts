// The emulator's whole mutable state as one JSON-serialisable object, with optional persistence to the data dir.
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { emptyEmailState, type EmailState } from "./email-state";

export type KeyName = "primary" | "secondary";

export interface IdentityRecord {
  id: string;
  createdOn: string;
  deleted: boolean;
  /** Tokens whose `iat` (seconds) is below this were revoked. */
  revokedBeforeSec?: number;
}

export interface ParticipantRecord {
  id: string;
  displayName?: string;
  shareHistoryTime: string;
}

export interface MessageRecord {
  id: string;
  type: "text" | "html" | "topicUpdated" | "participantAdded" | "participantRemoved";
  sequenceId: number;
  version: string;
  content: Record<string, unknown>;
  senderDisplayName?: string;
  createdOn: string;
  senderId?: string;
  deletedOn?: string;
  editedOn?: string;
  metadata?: Record<string, string>;
}

/** A participant who was removed: they keep read access to the history up to `removedOn` (Learn chat concepts). */
export interface RemovedParticipantRecord extends ParticipantRecord {
  removedOn: string;
}

export interface ThreadRecord {
  id: string;
  topic: string;
  createdOn: string;
  createdBy: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
  retentionPolicy?: Record<string, unknown>;
  participants: ParticipantRecord[];
  /** Former participants (absent in states written before removal kept history access). */
  removedParticipants?: RemovedParticipantRecord[];
  messages: MessageRecord[];
  readReceipts: { senderId: string; chatMessageId: string; readOn: string }[];
  lastMessageReceivedOn?: string;
}

export interface SecretVersionRecord {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  created: number;
  updated: number;
}

export interface LogRow {
  table: "ACSAuthIncomingOperations" | "ACSChatIncomingOperations";
  TimeGenerated: string;
  OperationName: string;
  OperationVersion: string;
  Category: string;
  CorrelationId: string;
  ResultType: string;
  ResultSignature: string;
  ResultDescription: string;
  DurationMs: number;
  CallerIpAddress: string;
  Level: string;
  URI: string;
  SdkType: string;
  PlatformType: string;
  Identity: string;
  Scopes: string;
}

export interface EmulatorState {
  /** The immutable resource id that appears in user ids and tokens. */
  resourceId: string;
  keys: Record<KeyName, string>;
  identities: Record<string, IdentityRecord>;
  threads: Record<string, ThreadRecord>;
  secrets: Record<string, SecretVersionRecord[]>;
  /** repeatability-request-id -> the createChatThread response first returned for it. */
  repeatability: Record<string, { status: number; body: unknown; callerId: string }>;
  logs: LogRow[];
  /** Email services, domains, senders, the ACS resource's linked domains and send operations (email-state.ts). */
  email: EmailState;
  /** How far the emulator's clock runs ahead of the wall clock (admin `POST /clock`); absent = 0. */
  clockOffsetMs?: number;
  /**
   * Further ACS resources created through ARM (`PUT .../communicationServices/{name}`), keyed by lower-case name:
   * ARM records only, with no data plane (handlers/arm-estate.ts).
   */
  communicationServices?: Record<string, CommunicationServiceRecord>;
}

/** An ACS resource created through ARM, as its GET returns it. */
export interface CommunicationServiceRecord {
  name: string;
  dataLocation: string;
  linkedDomains: string[];
  tags: Record<string, string>;
  identityType: string;
  disableLocalAuth?: boolean;
  publicNetworkAccess?: string;
  immutableResourceId: string;
}

export const MAX_LOG_ROWS = 50_000;

export const newAccessKey = (): string => randomBytes(64).toString("base64");

export function freshState(keys: Partial<Record<KeyName, string>> = {}): EmulatorState {
  return {
    resourceId: randomUUID(),
    keys: { primary: keys.primary ?? newAccessKey(), secondary: keys.secondary ?? newAccessKey() },
    identities: {},
    threads: {},
    secrets: {},
    repeatability: {},
    logs: [],
    email: emptyEmailState(),
  };
}

/** Loads state.json from `dataDir` (or starts fresh); keys given on the command line win over stored ones. */
export function loadState(dataDir: string | undefined, keys: Partial<Record<KeyName, string>>): EmulatorState {
  if (dataDir && existsSync(join(dataDir, "state.json"))) {
    const stored = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")) as EmulatorState;
    return { ...freshState(), ...stored, keys: { ...stored.keys, ...definedOnly(keys) } };
  }
  return freshState(keys);
}

/** Writes state atomically (temp file + rename) so a crash never leaves half a file. */
export function saveState(dataDir: string, state: EmulatorState): void {
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, "state.json");
  writeFileSync(`${target}.tmp`, JSON.stringify(state), { mode: 0o600 });
  renameSync(`${target}.tmp`, target);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
