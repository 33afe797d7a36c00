// The zero-downtime ACS key rotation as an ordered step machine over injected ports, with rollback and an audit trail.
import { randomUUID } from "node:crypto";
import { describeError } from "../../tools/cli-kit";
import { ACTIVE_KEY_TAG } from "../../services/token-api/src/settings";
import { sameAccessKey } from "./credentials";

export type KeyName = "primary" | "secondary";
export const otherKey = (key: KeyName): KeyName => (key === "primary" ? "secondary" : "primary");

/** The tag on the secret naming the key its value holds (defined by the token API, docs/interfaces.md). */
export const activeKeyTag = ACTIVE_KEY_TAG;

/** ARM listKeys/regenerateKey for one ACS resource. */
export interface KeyManagementPort {
  /** Human description for the plan, e.g. `ACS resource acs-dev in rg-dev`. */
  readonly description: string;
  connectionString(key: KeyName): Promise<string>;
  regenerateKey(key: KeyName): Promise<void>;
}

export interface SecretVersion {
  version: string;
  value: string;
  tags: Record<string, string>;
  contentType?: string;
}

/** Key Vault get/set for the connection-string secret. */
export interface SecretStorePort {
  /** Human description, e.g. `secret acs-connection-string in https://kv-dev.vault.azure.net/`. */
  readonly description: string;
  readonly secretName: string;
  latest(): Promise<SecretVersion>;
  /** Writes a new version; returns its version id. */
  write(value: string, tags: Record<string, string>, contentType?: string): Promise<string>;
}

/**
 * Which secret version the token API uses. `per-instance`: every instance was asked on its own and all report the
 * same version (undefined otherwise). `bound`: only the public endpoint can be asked, so after it reports the new
 * version the runbook also waits `settleMs` from the secret write, the service's guarantee that by then every
 * instance that still serves has loaded it (SECRET_REFRESH_SECONDS + the staleness grace).
 */
export interface ReadinessPort {
  readonly description: string;
  readonly confirmation: "per-instance" | "bound";
  readonly settleMs?: number;
  secretVersion(): Promise<string | undefined>;
}

/** Data-plane checks with a given connection string. */
export interface IdentityCheckPort {
  /** The identity part of the smoke test; rejects when it fails. */
  verify(connectionString: string): Promise<void>;
  /** True when ACS rejects the connection string as unauthorized (401). */
  isRejected(connectionString: string): Promise<boolean>;
}

export type StepName =
  | "read-active-key"
  | "regenerate-standby-key"
  | "store-new-secret-version"
  | "wait-for-token-api"
  | "verify-new-key"
  | "regenerate-previous-key"
  | "verify-old-key-rejected"
  | "restore-previous-secret"
  | "wait-for-token-api-after-restore";

/** One audit record: who, when, which step, which key, which secret version. Never a key or connection string. */
export interface AuditRecord {
  at: string;
  who: string;
  runId: string;
  step: StepName;
  outcome: "started" | "succeeded" | "failed" | "planned";
  key?: KeyName;
  secretName: string;
  secretVersion?: string;
  message?: string;
}

export type AuditSink = (record: AuditRecord) => void | Promise<void>;

export interface RotationPorts {
  keys: KeyManagementPort;
  secrets: SecretStorePort;
  readiness: ReadinessPort;
  identity: IdentityCheckPort;
  audit: AuditSink;
  who: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Called when a step starts or ends, for progress lines. */
  onProgress?: (record: AuditRecord) => void;
}

export interface RotationOptions {
  dryRun?: boolean;
  /** How long to wait for /readyz to report the new version (the API re-reads the secret every SECRET_REFRESH_SECONDS). */
  readinessTimeoutMs: number;
  /** How long ACS may take to accept the new key and to reject the old one. */
  keyPropagationTimeoutMs: number;
  pollIntervalMs: number;
  runId?: string;
}

export interface PlannedStep {
  step: StepName;
  description: string;
}

export interface RotationReport {
  runId: string;
  outcome: "rotated" | "planned" | "rolled-back" | "failed-after-point-of-no-return" | "rollback-failed" | "precondition-failed";
  dryRun: boolean;
  who: string;
  previousKey?: KeyName;
  newKey?: KeyName;
  previousSecretVersion?: string;
  newSecretVersion?: string;
  restoredSecretVersion?: string;
  failedStep?: StepName;
  message: string;
  plan: PlannedStep[];
  audit: AuditRecord[];
  startedAt: string;
  durationMs: number;
}

/** A step's failure the runbook explains in its own words. */
export class RotationError extends Error {
  override readonly name = "RotationError";
}

interface State {
  previous?: SecretVersion;
  previousKey?: KeyName;
  newKey?: KeyName;
  newVersion?: string;
}

/**
 * Runs the rotation. Steps 1-5 are reversible: a failure there restores the previous secret version (the
 * previous key was never touched, so it still works). Step 6 is the point of no return.
 */
export async function rotateKeys(ports: RotationPorts, options: RotationOptions): Promise<RotationReport> {
  const now = ports.now ?? (() => new Date());
  const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const runId = options.runId ?? randomUUID();
  const started = now();
  const audit: AuditRecord[] = [];
  const state: State = {};
  const secretName = ports.secrets.secretName;

  const log = async (step: StepName, outcome: AuditRecord["outcome"], fields: Partial<AuditRecord> = {}) => {
    const record: AuditRecord = { at: now().toISOString(), who: ports.who, runId, step, outcome, secretName, ...fields };
    audit.push(record);
    ports.onProgress?.(record);
    await ports.audit(record);
  };

  const report = (outcome: RotationReport["outcome"], message: string, extra: Partial<RotationReport> = {}): RotationReport => ({
    runId,
    outcome,
    dryRun: options.dryRun === true,
    who: ports.who,
    previousKey: state.previousKey,
    newKey: state.newKey,
    previousSecretVersion: state.previous?.version,
    newSecretVersion: state.newVersion,
    message,
    plan: buildPlan(ports, options, state),
    audit,
    startedAt: started.toISOString(),
    durationMs: now().getTime() - started.getTime(),
    ...extra,
  });

  /** Runs one step with started/succeeded/failed audit records; `fields` describes key and version. */
  const step = async <T>(name: StepName, fields: () => Partial<AuditRecord>, body: () => Promise<T>): Promise<T> => {
    await log(name, "started", fields());
    try {
      const result = await body();
      await log(name, "succeeded", fields());
      return result;
    } catch (error) {
      await log(name, "failed", { ...fields(), message: describeError(error) });
      throw error;
    }
  };

  const settleMs = ports.readiness.confirmation === "bound" ? (ports.readiness.settleMs ?? 0) : 0;

  // Step 1: which key is active, and does the secret really hold it?
  try {
    await step(
      "read-active-key",
      () => ({ key: state.previousKey, secretVersion: state.previous?.version }),
      async () => {
        // Known before anything changes: a wait for the service's bound that the readiness timeout cannot cover.
        if (settleMs > options.readinessTimeoutMs) {
          throw new RotationError(
            `--readiness-timeout (${Math.round(options.readinessTimeoutMs / 1000)} s) is below the service's bound of ${Math.round(settleMs / 1000)} s`,
          );
        }
        const latest = await ports.secrets.latest();
        state.previous = latest;
        const tagged = latest.tags[activeKeyTag];
        if (tagged !== "primary" && tagged !== "secondary") {
          throw new RotationError(
            `secret ${secretName} version ${latest.version} has no valid ${activeKeyTag} tag (found ${JSON.stringify(tagged ?? null)})`,
          );
        }
        state.previousKey = tagged;
        state.newKey = otherKey(tagged);
        const activeConnection = await ports.keys.connectionString(tagged);
        if (!sameAccessKey(activeConnection, latest.value)) {
          throw new RotationError(
            `secret ${secretName} version ${latest.version} is tagged ${tagged} but does not hold the ${tagged} key of ${ports.keys.description}`,
          );
        }
        const serving = await ports.readiness.secretVersion();
        if (serving !== latest.version) {
          throw new RotationError(
            `the token API uses secret version ${serving ?? "(no answer)"}, not the latest ${latest.version}; wait for it to catch up before rotating`,
          );
        }
      },
    );
  } catch (error) {
    return report("precondition-failed", `Nothing was changed: ${describeError(error)}`, { failedStep: "read-active-key" });
  }

  if (options.dryRun) {
    for (const planned of buildPlan(ports, options, state)) {
      if (planned.step !== "read-active-key") {
        await log(planned.step, "planned", {
          key: keyOfStep(planned.step, state),
          secretVersion: state.previous?.version,
          message: planned.description,
        });
      }
    }
    return report("planned", "Dry run: the plan above was printed and nothing was changed.");
  }

  const previous = state.previous as SecretVersion;
  const previousKey = state.previousKey as KeyName;
  const newKey = state.newKey as KeyName;
  let failedStep: StepName = "regenerate-standby-key";
  let oldConnection: string | undefined;
  try {
    failedStep = "regenerate-standby-key";
    await step(
      failedStep,
      () => ({ key: newKey, secretVersion: previous.version }),
      () => ports.keys.regenerateKey(newKey),
    );

    failedStep = "store-new-secret-version";
    await step(
      failedStep,
      () => ({ key: newKey, secretVersion: state.newVersion }),
      async () => {
        const connection = await ports.keys.connectionString(newKey);
        state.newVersion = await ports.secrets.write(connection, { ...previous.tags, [activeKeyTag]: newKey }, previous.contentType);
      },
    );

    failedStep = "wait-for-token-api";
    const writtenAt = now().getTime();
    await step(
      failedStep,
      () => ({ key: newKey, secretVersion: state.newVersion, message: confirmationNote(ports.readiness) }),
      async () => {
        await waitFor(
          async () => (await ports.readiness.secretVersion()) === state.newVersion,
          options.readinessTimeoutMs,
          options.pollIntervalMs,
          now,
          sleep,
          () =>
            `the token API did not report secret version ${state.newVersion} on ${ports.readiness.description} within ${Math.round(options.readinessTimeoutMs / 1000)} s ` +
            `(it re-reads the secret every SECRET_REFRESH_SECONDS; keep --readiness-timeout above that)`,
        );
        const left = writtenAt + settleMs - now().getTime();
        if (left > 0) await sleep(left);
      },
    );

    failedStep = "verify-new-key";
    await step(
      failedStep,
      () => ({ key: newKey, secretVersion: state.newVersion }),
      async () => {
        const connection = await ports.keys.connectionString(newKey);
        await retryUntil(() => ports.identity.verify(connection), options.keyPropagationTimeoutMs, options.pollIntervalMs, now, sleep);
      },
    );
    // Kept in memory only for step 7; never logged.
    oldConnection = previous.value;
  } catch (error) {
    return rollback(error, failedStep);
  }

  // Point of no return: the previous key is about to stop working.
  try {
    failedStep = "regenerate-previous-key";
    await step(
      failedStep,
      () => ({ key: previousKey, secretVersion: state.newVersion }),
      () => ports.keys.regenerateKey(previousKey),
    );

    failedStep = "verify-old-key-rejected";
    await step(
      failedStep,
      () => ({ key: previousKey, secretVersion: state.newVersion }),
      () =>
        waitFor(
          () => ports.identity.isRejected(oldConnection as string),
          options.keyPropagationTimeoutMs,
          options.pollIntervalMs,
          now,
          sleep,
          () =>
            `ACS still accepts the old ${previousKey} connection string ${Math.round(options.keyPropagationTimeoutMs / 1000)} s after regeneration`,
        ),
    );
  } catch (error) {
    return report(
      "failed-after-point-of-no-return",
      `Step ${failedStep} failed: ${describeError(error)}. The ${newKey} key is active (secret version ${state.newVersion}) and verified; ` +
        (failedStep === "regenerate-previous-key"
          ? `the ${previousKey} key was NOT regenerated and still works: regenerate it by hand or re-run the rotation.`
          : `check that the old ${previousKey} key is rejected before closing the incident.`),
      { failedStep },
    );
  }
  return report(
    "rotated",
    `Rotated: the ${newKey} key is active in secret version ${state.newVersion}; the ${previousKey} key was regenerated and the old one is rejected.`,
  );

  async function rollback(cause: unknown, failed: StepName): Promise<RotationReport> {
    const why = `Step ${failed} failed: ${describeError(cause)}.`;
    let restoredVersion: string | undefined;
    try {
      await step(
        "restore-previous-secret",
        () => ({ key: previousKey, secretVersion: restoredVersion ?? previous.version }),
        async () => {
          const latest = await ports.secrets.latest();
          if (
            latest.version === previous.version ||
            (sameAccessKey(latest.value, previous.value) && latest.tags[activeKeyTag] === previousKey)
          ) {
            restoredVersion = latest.version;
            return;
          }
          restoredVersion = await ports.secrets.write(previous.value, previous.tags, previous.contentType);
        },
      );
    } catch (error) {
      return report(
        "rollback-failed",
        `${why} Restoring the previous secret failed too: ${describeError(error)}. The ${previousKey} key was never regenerated and still works; ` +
          `write its connection string as a new version of ${secretName} with ${activeKeyTag}=${previousKey} by hand.`,
        { failedStep: failed },
      );
    }
    // Best effort: tell the operator whether the token API is back on a version holding the previous key.
    let serving = "unknown";
    try {
      await step(
        "wait-for-token-api-after-restore",
        () => ({ key: previousKey, secretVersion: restoredVersion }),
        () =>
          waitFor(
            async () => (await ports.readiness.secretVersion()) === restoredVersion,
            options.readinessTimeoutMs,
            options.pollIntervalMs,
            now,
            sleep,
            () =>
              `the token API did not report the restored version ${restoredVersion} within ${Math.round(options.readinessTimeoutMs / 1000)} s`,
          ),
      );
      serving = "the token API reports it";
    } catch {
      serving = "the token API has not reported it yet; it keeps working with the previous key until it does";
    }
    return report(
      "rolled-back",
      `${why} Rolled back: secret ${secretName} is at version ${restoredVersion} holding the ${previousKey} key, which was never regenerated (${serving}).`,
      { failedStep: failed, restoredSecretVersion: restoredVersion },
    );
  }
}

/** How step 4 knows every instance has the new version, for the audit record and the plan. */
export function confirmationNote(readiness: Pick<ReadinessPort, "confirmation" | "settleMs" | "description">): string {
  return readiness.confirmation === "per-instance"
    ? `confirmed per instance: ${readiness.description}`
    : `confirmed by the service's bound: ${Math.round((readiness.settleMs ?? 0) / 1000)} s after the write every serving instance has loaded it`;
}

function keyOfStep(step: StepName, state: State): KeyName | undefined {
  return step === "regenerate-previous-key" || step === "verify-old-key-rejected" || step === "restore-previous-secret"
    ? state.previousKey
    : state.newKey;
}

/** The exact plan, with the concrete key names once step 1 has read them. */
export function buildPlan(
  ports: Pick<RotationPorts, "keys" | "secrets" | "readiness">,
  options: RotationOptions,
  state: State,
): PlannedStep[] {
  const active = state.previousKey ?? "<active key>";
  const standby = state.newKey ?? "<standby key>";
  const version = state.previous?.version ?? "<current version>";
  const secs = (ms: number) => Math.round(ms / 1000);
  return [
    {
      step: "read-active-key",
      description: `read ${ports.secrets.description}: version ${version} holds the ${active} key of ${ports.keys.description}; the token API serves that version`,
    },
    { step: "regenerate-standby-key", description: `regenerate the ${standby} key of ${ports.keys.description}` },
    {
      step: "store-new-secret-version",
      description: `write the ${standby} connection string as a new version of ${ports.secrets.secretName}, tag ${activeKeyTag}=${standby}`,
    },
    {
      step: "wait-for-token-api",
      description: `poll ${ports.readiness.description} until acsAuth.secretVersion is the new version (up to ${secs(options.readinessTimeoutMs)} s); ${confirmationNote(ports.readiness)}`,
    },
    {
      step: "verify-new-key",
      description: `with the ${standby} key: create an identity, issue a chat token, revoke, delete (retried up to ${secs(options.keyPropagationTimeoutMs)} s)`,
    },
    { step: "regenerate-previous-key", description: `point of no return: regenerate the ${active} key of ${ports.keys.description}` },
    {
      step: "verify-old-key-rejected",
      description: `expect ACS to answer 401 to the old ${active} connection string (up to ${secs(options.keyPropagationTimeoutMs)} s)`,
    },
    {
      step: "restore-previous-secret",
      description: `only if steps 2-5 fail: write the version ${version} value (${active} key) as a new version of ${ports.secrets.secretName} with ${activeKeyTag}=${active}`,
    },
  ];
}

async function waitFor(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs: number,
  now: () => Date,
  sleep: (ms: number) => Promise<void>,
  explain: () => string,
): Promise<void> {
  const deadline = now().getTime() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    const left = deadline - now().getTime();
    if (left <= 0) throw new RotationError(explain());
    await sleep(Math.min(intervalMs, left));
  }
}

/** Retries an action that fails with 401 while a regenerated key propagates; other failures are final. */
async function retryUntil(
  action: () => Promise<void>,
  timeoutMs: number,
  intervalMs: number,
  now: () => Date,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const deadline = now().getTime() + timeoutMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const left = deadline - now().getTime();
      if (status !== 401 || left <= 0) throw error;
      await sleep(Math.min(intervalMs, left));
    }
  }
}
