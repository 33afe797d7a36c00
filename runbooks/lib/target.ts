// Resolves which environment a runbook acts on: a Pulumi stack, a saved stack-outputs file, or the local dev environment.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { SECRET_NAME } from "../../services/token-api/src/settings";
import { UsageError } from "../../tools/cli-kit";
import { ENV_FILE_NAME, missingEnvFileReason, notRunningReason } from "../../tools/local-dev/env-file";

/** Everything the smoke test and the key rotation need to know about one environment. */
export interface Target {
  /** How the target was chosen, for the report header. */
  kind: "stack" | "outputs" | "local";
  /** Human label, e.g. `stack dev` or `local environment`. */
  label: string;
  tokenApiUrl: string;
  /** Each token API instance on its own URL (local dev), so a runbook can ask every one. */
  tokenApiInstances?: Array<{ id: string; url: string }>;
  /** The token API's SECRET_REFRESH_SECONDS (`--secret-refresh-seconds`), for the rotation's bound. */
  secretRefreshSeconds?: number;
  /** Audience of caller tokens (Azure: `@azure/identity` asks for `${audience}/.default`). */
  tokenApiAudience?: string;
  oidcIssuer?: string;
  /** `https://HOST/` of the ACS resource. */
  acsEndpoint: string;
  keyVaultUri?: string;
  acsSecretName: string;
  subscriptionId?: string;
  resourceGroupName?: string;
  acsName?: string;
  logAnalyticsWorkspaceId?: string;
  /** The stack's event subscriptions (output `eventSubscriptions`; locally env.json `events.subscriptions`). */
  eventSubscriptions?: { name: string; eventTypes: string[]; queueName?: string }[];
  /** Routing storage account (output `eventStorageAccountName`); its queues are at https://NAME.queue.core.windows.net/. */
  eventStorageAccountName?: string;
  /** Sender addresses of the linked email domains (output `emailSenderAddresses`; locally env.json `email.senderAddresses`). */
  emailSenderAddresses?: string[];
  /** The token API's mapping table (outputs `mappingTableName`, `mappingTableEndpoint`): whose chat the archive reads. */
  mappingTableName?: string;
  mappingTableEndpoint?: string;
  /** Blob endpoint of the chat archive's storage account (output `chatArchiveBlobEndpoint`). */
  chatArchiveBlobEndpoint?: string;
  /** Only for the local environment: what stands in for Azure (emulator endpoints, its CA, a static bearer token). */
  local?: LocalDetails;
}

export interface LocalDetails {
  /** Connection string of the emulator at the time the environment started (the rotation reads the live one from the vault). */
  connectionString?: string;
  caCertPem?: string;
  armBaseUrl?: string;
  logAnalyticsUrl?: string;
  adminUrl?: string;
  /** Static bearer token the emulator accepts for ARM, Key Vault and Log Analytics. */
  bearerToken?: string;
  /** Shell command printing a caller JWT for the local issuer on its last line (`--sub NAME` is appended). */
  jwtCommand?: string;
  /** The stack `npm run dev` follows (env.json `stack`; `npm run dev -- --stack NAME`). */
  stack?: string;
  /** Signing key file of the local OIDC issuer; when present, caller tokens are minted in-process. */
  oidcKeyFile?: string;
  oidcScope?: string;
  /** Connection string of the Azurite account holding the event queues (env.json `events.storageConnectionString`). */
  eventStorageConnectionString?: string;
  /** An address the emulator always delivers to (env.json `email.testRecipient`). */
  emailTestRecipient?: string;
  /** Connection string of the Azurite table service holding the token API's mapping (env.json `mappingTableConnectionString`). */
  mappingTableConnectionString?: string;
}

/** The documented default file `npm run dev` writes (docs/interfaces.md, local-dev contract). */
export const localEnvFile = path.resolve(__dirname, "..", "..", ".local-dev", ENV_FILE_NAME);

const nonEmpty = z.string().min(1);
const eventSubscriptionsSchema = z.array(z.looseObject({ name: nonEmpty, eventTypes: z.array(nonEmpty), queueName: nonEmpty.optional() }));

/** Stack outputs as `pulumi stack output --json --show-secrets` prints them (docs/interfaces.md). */
const stackOutputsSchema = z.looseObject({
  tokenApiUrl: nonEmpty,
  acsEndpoint: nonEmpty,
  acsSecretName: nonEmpty.optional(),
  keyVaultUri: nonEmpty.optional(),
  tokenApiAudience: nonEmpty.optional(),
  oidcIssuer: nonEmpty.optional(),
  subscriptionId: nonEmpty.optional(),
  resourceGroupName: nonEmpty.optional(),
  acsName: nonEmpty.optional(),
  logAnalyticsWorkspaceId: nonEmpty.optional(),
  eventSubscriptions: eventSubscriptionsSchema.optional(),
  eventStorageAccountName: nonEmpty.optional(),
  emailSenderAddresses: z.array(nonEmpty).optional(),
  mappingTableName: nonEmpty.optional(),
  mappingTableEndpoint: nonEmpty.optional(),
  chatArchiveBlobEndpoint: nonEmpty.optional(),
});

/** `.local-dev/env.json`: the documented fields, plus the emulator handle's fields either flat or under `emulator`. */
const emulatorFieldsSchema = z.looseObject({
  connectionString: nonEmpty.optional(),
  caCertPath: nonEmpty.optional(),
  caCertPem: nonEmpty.optional(),
  armBaseUrl: nonEmpty.optional(),
  keyVaultUrl: nonEmpty.optional(),
  logAnalyticsUrl: nonEmpty.optional(),
  adminUrl: nonEmpty.optional(),
  subscriptionId: nonEmpty.optional(),
  resourceGroupName: nonEmpty.optional(),
  serviceName: nonEmpty.optional(),
  workspaceId: nonEmpty.optional(),
  devBearerToken: nonEmpty.optional(),
  secretName: nonEmpty.optional(),
});
const localEnvSchema = emulatorFieldsSchema.extend({
  tokenApiUrl: nonEmpty,
  tokenApiInstances: z.array(z.object({ id: nonEmpty, url: nonEmpty })).optional(),
  acsEndpoint: nonEmpty,
  oidcIssuer: nonEmpty.optional(),
  oidcAudience: nonEmpty.optional(),
  jwtCommand: nonEmpty.optional(),
  stack: nonEmpty.optional(),
  oidcKeyFile: nonEmpty.optional(),
  oidcScope: nonEmpty.optional(),
  mappingTableConnectionString: nonEmpty.optional(),
  emulator: emulatorFieldsSchema.optional(),
  events: z.looseObject({ storageConnectionString: nonEmpty, subscriptions: eventSubscriptionsSchema }).optional(),
  email: z.looseObject({ senderAddresses: z.array(nonEmpty), testRecipient: nonEmpty.optional() }).optional(),
});

export const defaultSecretName = SECRET_NAME;

export interface TargetFlags {
  stack?: string;
  outputs?: string;
  local?: boolean;
  /** With --local: read this file instead of .local-dev/env.json. */
  localEnv?: string;
}

export interface TargetDeps {
  /** Runs the pulumi CLI; rejects with code ENOENT when it is not installed. */
  runPulumi?: (args: string[]) => Promise<string>;
  readText?: (file: string) => Promise<string>;
  localEnvPath?: string;
}

/** Picks exactly one of --stack, --outputs, --local and turns it into a Target. */
export async function resolveTarget(flags: TargetFlags, deps: TargetDeps = {}): Promise<Target> {
  const chosen = [flags.stack !== undefined, flags.outputs !== undefined, flags.local === true].filter(Boolean).length;
  if (chosen !== 1) {
    throw new UsageError("choose exactly one target: --stack NAME, --outputs FILE or --local");
  }
  if (flags.localEnv !== undefined && !flags.local) throw new UsageError("--local-env FILE only goes with --local");
  const readText = deps.readText ?? ((file: string) => readFile(file, "utf8"));
  if (flags.stack !== undefined) {
    const runPulumi = deps.runPulumi ?? runPulumiCli;
    const args = ["stack", "output", "--json", "--show-secrets", "--stack", flags.stack];
    let text: string;
    try {
      text = await runPulumi(args);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new UsageError(
          "the pulumi CLI is not on PATH. Where it is, run " +
            `\`pulumi stack output --json --show-secrets --stack ${flags.stack} > outputs.json\` and pass --outputs outputs.json`,
        );
      }
      throw new UsageError(`\`pulumi ${args.join(" ")}\` failed: ${firstLine((error as Error).message)}`);
    }
    return fromStackOutputs(parseJson(text, `pulumi stack output for stack ${flags.stack}`), "stack", `stack ${flags.stack}`);
  }
  if (flags.outputs !== undefined) {
    const text = await readOrExplain(readText, flags.outputs, "the outputs file");
    return fromStackOutputs(parseJson(text, flags.outputs), "outputs", `outputs file ${flags.outputs}`);
  }
  const file = flags.localEnv ?? deps.localEnvPath ?? localEnvFile;
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    // `npm run dev` removes its env.json when it stops: no file is the usual "not running", said in one line.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(missingEnvFileReason(file));
    throw new UsageError(
      `cannot read the local environment file at ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const document = parseJson(text, file);
  // A file left by an `npm run dev` that was killed (SIGKILL leaves it behind) names a PID that is gone.
  const notRunning = notRunningReason(file, document);
  if (notRunning) throw new UsageError(notRunning);
  return fromLocalEnv(document, readText);
}

export function fromStackOutputs(raw: unknown, kind: "stack" | "outputs", label: string): Target {
  const parsed = stackOutputsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`${label} is missing stack outputs: ${describeIssues(parsed.error)}`);
  }
  const o = parsed.data;
  return {
    kind,
    label,
    tokenApiUrl: withoutTrailingSlash(o.tokenApiUrl),
    tokenApiAudience: o.tokenApiAudience,
    oidcIssuer: o.oidcIssuer,
    acsEndpoint: o.acsEndpoint,
    keyVaultUri: o.keyVaultUri,
    acsSecretName: o.acsSecretName ?? defaultSecretName,
    subscriptionId: o.subscriptionId,
    resourceGroupName: o.resourceGroupName,
    acsName: o.acsName,
    logAnalyticsWorkspaceId: o.logAnalyticsWorkspaceId,
    eventSubscriptions: o.eventSubscriptions,
    eventStorageAccountName: o.eventStorageAccountName,
    emailSenderAddresses: o.emailSenderAddresses,
    mappingTableName: o.mappingTableName,
    mappingTableEndpoint: o.mappingTableEndpoint,
    chatArchiveBlobEndpoint: o.chatArchiveBlobEndpoint,
  };
}

export async function fromLocalEnv(raw: unknown, readText: (file: string) => Promise<string>): Promise<Target> {
  const parsed = localEnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`the local environment file is incomplete: ${describeIssues(parsed.error)}`);
  }
  const env = parsed.data;
  const emu = { ...env, ...(env.emulator ?? {}) };
  const caCertPem = emu.caCertPem ?? (emu.caCertPath ? await readText(emu.caCertPath) : undefined);
  // `npm run dev` may leave out the emulator's fixed names; they are the emulator's well-known constants.
  const wellKnown =
    emu.subscriptionId && emu.resourceGroupName && emu.serviceName && emu.workspaceId
      ? undefined
      : await import("../../tools/acs-emulator/index");
  return {
    kind: "local",
    label: "local environment",
    tokenApiUrl: withoutTrailingSlash(env.tokenApiUrl),
    tokenApiInstances: env.tokenApiInstances?.map((i) => ({ id: i.id, url: withoutTrailingSlash(i.url) })),
    tokenApiAudience: env.oidcAudience,
    oidcIssuer: env.oidcIssuer,
    acsEndpoint: env.acsEndpoint,
    keyVaultUri: emu.keyVaultUrl,
    acsSecretName: emu.secretName ?? defaultSecretName,
    subscriptionId: emu.subscriptionId ?? wellKnown?.EMULATOR_SUBSCRIPTION_ID,
    resourceGroupName: emu.resourceGroupName ?? wellKnown?.EMULATOR_RESOURCE_GROUP,
    acsName: emu.serviceName ?? wellKnown?.EMULATOR_SERVICE_NAME,
    logAnalyticsWorkspaceId: emu.workspaceId ?? wellKnown?.EMULATOR_WORKSPACE_ID,
    eventSubscriptions: env.events?.subscriptions,
    emailSenderAddresses: env.email?.senderAddresses,
    local: {
      eventStorageConnectionString: env.events?.storageConnectionString,
      emailTestRecipient: env.email?.testRecipient,
      mappingTableConnectionString: env.mappingTableConnectionString,
      connectionString: emu.connectionString,
      caCertPem,
      armBaseUrl: emu.armBaseUrl,
      logAnalyticsUrl: emu.logAnalyticsUrl ?? (emu.armBaseUrl ? `${emu.armBaseUrl.replace(/\/+$/, "")}/v1` : undefined),
      adminUrl: emu.adminUrl,
      bearerToken: emu.devBearerToken,
      jwtCommand: env.jwtCommand,
      stack: env.stack,
      oidcKeyFile: env.oidcKeyFile,
      oidcScope: env.oidcScope,
    },
  };
}

/** Names the target fields a runbook needs and the target lacks, so the error says what to add. */
export function requireFields<K extends keyof Target>(target: Target, fields: K[], purpose: string): void {
  const missing = fields.filter((f) => target[f] === undefined || target[f] === "");
  if (missing.length > 0) {
    throw new UsageError(`${target.label} lacks ${missing.join(", ")}, needed ${purpose}`);
  }
}

function runPulumiCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("pulumi", args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const failure = new Error(stderr.trim() || error.message) as NodeJS.ErrnoException;
        failure.code = (error as NodeJS.ErrnoException).code;
        reject(failure);
      } else resolve(stdout);
    });
  });
}

async function readOrExplain(readText: (f: string) => Promise<string>, file: string, what: string): Promise<string> {
  try {
    return await readText(file);
  } catch (error) {
    throw new UsageError(`cannot read ${what} at ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${source} is not valid JSON`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message.toLowerCase()}`).join("; ");
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
