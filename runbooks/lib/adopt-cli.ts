// The process side of `npm run adopt` (runbooks/adopt.ts checks the flags): the ARM reader for Azure or the local
// emulator, the stack file read and (with --write) updated in place keeping its comments, the report printed.
import * as fs from "node:fs";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { DefaultAzureCredential } from "@azure/identity";
import { isMap, parseDocument, stringify } from "yaml";
import { consoleOutput, ExitCode, UsageError } from "../../tools/cli-kit";
import { CONFIG_NAMESPACE } from "../../stacks/config";
import { ADOPT_API_VERSION, adoptEstate, AdoptionRefused, AdoptionSelectionError, type EstateReader, type StackFacts } from "./adopt";
import { credentialFor, sdkOptions } from "./environment";

export interface AdoptOptions {
  stack: string;
  file: string;
  local: boolean;
  localEnv?: string;
  subscription?: string;
  resourceGroup?: string;
  acs?: string;
  emailService?: string;
  write: boolean;
  dryRun: boolean;
  snapshot: string;
  json: boolean;
}

const COMMUNICATION_KEY = `${CONFIG_NAMESPACE}:communication`;
const EMAIL_KEY = `${CONFIG_NAMESPACE}:email`;

/** Drains a paged ARM list. */
async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

/** The ARM reader over @azure/arm-communication, pinned to the api-version azure-native's Read uses. */
export function armEstateReader(client: CommunicationServiceManagementClient, resourceGroup: string): EstateReader {
  return {
    listCommunicationServices: () => all(client.communicationServices.listByResourceGroup(resourceGroup)),
    listEmailServices: () => all(client.emailServices.listByResourceGroup(resourceGroup)),
    listDomains: (email) => all(client.domains.listByEmailServiceResource(resourceGroup, email)),
    listSenders: (email, domain) => all(client.senderUsernames.listByDomains(resourceGroup, email, domain)),
  };
}

async function readerFor(o: AdoptOptions): Promise<{ reader: EstateReader; where: string }> {
  if (!o.local) {
    const client = new CommunicationServiceManagementClient(new DefaultAzureCredential(), o.subscription!, {
      apiVersion: ADOPT_API_VERSION,
    });
    return {
      reader: armEstateReader(client, o.resourceGroup!),
      where: `resource group ${o.resourceGroup!} (subscription ${o.subscription!})`,
    };
  }
  const { resolveTarget } = await import("./target");
  const target = await resolveTarget({ local: true, localEnv: o.localEnv });
  if (!target.local?.armBaseUrl || !target.subscriptionId || !target.resourceGroupName) {
    throw new UsageError("the local environment file names no emulator ARM endpoint (armBaseUrl); start it with `npm run dev`");
  }
  const client = new CommunicationServiceManagementClient(await credentialFor(target), target.subscriptionId, {
    ...sdkOptions(target),
    endpoint: target.local.armBaseUrl,
    apiVersion: ADOPT_API_VERSION,
  });
  return {
    reader: armEstateReader(client, target.resourceGroupName),
    where: `the local emulator's resource group ${target.resourceGroupName}`,
  };
}

/** The facts of the stack file adoption checks against. */
export function stackFacts(file: string): StackFacts {
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const config = (doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {};
  const communication = (config[COMMUNICATION_KEY] ?? {}) as { deleteLock?: boolean; disableLocalAuth?: boolean };
  const dataLocation = config[`${CONFIG_NAMESPACE}:dataLocation`];
  return {
    file,
    ...(typeof dataLocation === "string" ? { dataLocation } : {}),
    tags: (config[`${CONFIG_NAMESPACE}:tags`] ?? {}) as Record<string, string>,
    deleteLock: communication.deleteLock !== false,
    disableLocalAuth: communication.disableLocalAuth === true,
  };
}

/** The stack file with the block set under acs-platform:communication.existing and acs-platform:email removed. */
export function withExistingBlock(text: string, block: unknown): string {
  const doc = parseDocument(text);
  if (!isMap(doc.get("config"))) doc.set("config", doc.createNode({}));
  if (!isMap(doc.getIn(["config", COMMUNICATION_KEY]))) doc.setIn(["config", COMMUNICATION_KEY], doc.createNode({}));
  doc.setIn(["config", COMMUNICATION_KEY, "existing"], doc.createNode(block));
  doc.deleteIn(["config", EMAIL_KEY]);
  return doc.toString({ lineWidth: 0 });
}

export async function runAdopt(o: AdoptOptions): Promise<number> {
  const out = consoleOutput(o.json);
  const facts = stackFacts(o.file);
  const { reader, where } = await readerFor(o);
  let result;
  try {
    result = await adoptEstate(reader, facts, { acs: o.acs, emailService: o.emailService });
  } catch (error) {
    if (error instanceof AdoptionSelectionError) throw new UsageError(error.message);
    if (error instanceof AdoptionRefused) {
      out.error(`error: the estate in ${where} cannot be adopted into ${o.file}:`);
      for (const r of error.refusals) out.error(`  - ${r}`);
      if (out.json) out.document({ ok: false, refusals: error.refusals });
      return ExitCode.failed;
    }
    throw error;
  }
  const yamlBlock = stringify({ [COMMUNICATION_KEY]: { existing: result.block } }, { lineWidth: 0 });
  out.line(`Existing estate in ${where}, for stack ${o.stack}:`);
  out.line("");
  out.line(yamlBlock.trimEnd());
  out.line("");
  out.line("After the import, the first `pulumi up` changes:");
  for (const c of result.changes) out.line(`  - ${c}`);
  out.line("Left alone (not imported):");
  for (const n of result.notImported) out.line(`  - ${n}`);
  if (!o.dryRun) fs.writeFileSync(o.snapshot, `${JSON.stringify(result.snapshot, null, 2)}\n`);
  out.line("");
  out.line(`${o.dryRun ? "Would save" : "Saved"} the snapshot: ${o.snapshot}`);
  if (o.write) {
    const updated = withExistingBlock(fs.readFileSync(o.file, "utf8"), result.block);
    if (!o.dryRun) fs.writeFileSync(o.file, updated);
    out.line(
      `${o.dryRun ? "Would write" : "Wrote"} ${COMMUNICATION_KEY}.existing into ${o.file} (${EMAIL_KEY} removed: the adopted domains replace it).`,
    );
  } else {
    out.line(`Put the block into ${o.file} (or run again with --write), replacing ${EMAIL_KEY}.`);
  }
  out.line(`Next: npm run plan -- --stack ${o.stack} --config-file ${o.file} --compare ${o.snapshot}`);
  if (out.json) {
    out.document({
      ok: true,
      stack: o.stack,
      file: o.file,
      existing: result.block,
      changes: result.changes,
      notImported: result.notImported,
      snapshot: o.snapshot,
      written: o.write && !o.dryRun,
    });
  }
  return ExitCode.ok;
}
