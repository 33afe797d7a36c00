// The logic of `npm run adopt`: reads an existing ACS estate through ARM (a port over @azure/arm-communication),
// refuses, naming the property, what a Pulumi import cannot take over, and builds the stack's
// `acs-platform:communication.existing` block, the list of what the first `pulumi up` changes after the import, and
// the snapshot `npm run plan -- --compare` reads (the existing resources' inputs as azure-native's Read returns them).
//
// Sources: ARM shapes and mutability, azure-rest-api-specs Microsoft.Communication stable/2026-03-18; import semantics,
// https://www.pulumi.com/docs/iac/concepts/resources/options/import/ (import, then an update for every difference);
// inputs on import, pulumi-azure-native provider/pkg/convert/responseToSdkInputs.go (writable properties of the GET,
// empty collections dropped); the sign-up cut-off that makes a replacement unrecoverable, Learn "Retirement and
// breaking changes guide for Azure Communication Services".
import type { CommunicationServiceResource, DomainResource, EmailServiceResource, SenderUsernameResource } from "@azure/arm-communication";
import { DATA_LOCATIONS, existingEstateSchema, type ExistingEstate } from "../../components/communication-services/config";
import { EMAIL_DOMAIN_VERIFIED_TAG, isDefaultSender } from "../../policies/deployability-facts";
import { existingDomainVerified } from "../../components/communication-services/config";

/** The ARM api-version the adopt command reads with: the one azure-native 3.x's Read uses for these four types. */
export const ADOPT_API_VERSION = "2026-03-18";

/** The ARM reads adoption needs, in one resource group. */
export interface EstateReader {
  listCommunicationServices(): Promise<CommunicationServiceResource[]>;
  listEmailServices(): Promise<EmailServiceResource[]>;
  listDomains(emailService: string): Promise<DomainResource[]>;
  listSenders(emailService: string, domain: string): Promise<SenderUsernameResource[]>;
}

/** What the stack file says that adoption must agree with or reports against. */
export interface StackFacts {
  /** The stack file's path, for messages. */
  file: string;
  /** `acs-platform:dataLocation`. */
  dataLocation?: string;
  /** `acs-platform:tags`: the house tags the program merges onto every resource. */
  tags: Record<string, string>;
  /** `acs-platform:communication.deleteLock` (default true). */
  deleteLock: boolean;
  /** `acs-platform:communication.disableLocalAuth` (default false). */
  disableLocalAuth: boolean;
}

/** An estate the import cannot take over: one line per property, naming it. */
export class AdoptionRefused extends Error {
  constructor(readonly refusals: string[]) {
    super(`cannot adopt: ${refusals.join("; ")}`);
    this.name = "AdoptionRefused";
  }
}

/** A choice the operator must make (several ACS or Email services), or nothing to adopt: a usage error. */
export class AdoptionSelectionError extends Error {}

export interface AdoptResult {
  block: ExistingEstate;
  /** What the first `pulumi up` changes after the import, one line each. */
  changes: string[];
  /** What exists and is left alone (not imported), one line each. */
  notImported: string[];
  /** `pulumi stack export`-shaped document of the existing resources, for `npm run plan -- --compare`. */
  snapshot: { version: 3; deployment: { resources: SnapshotResource[] } };
}

interface SnapshotResource {
  urn: string;
  type: string;
  custom: true;
  id: string;
  inputs: Record<string, unknown>;
}

const tagsOf = (t: Record<string, string> | undefined): Record<string, string> => ({ ...(t ?? {}) });
const nameOf = (id: string): string => id.slice(id.lastIndexOf("/") + 1);
const rgOf = (id: string): string => id.split("/")[4] ?? "";
/** Empty maps are not inputs on import (responseToSdkInputs removeEmptyCollections). */
const withTags = (tags: Record<string, string>) => (Object.keys(tags).length > 0 ? { tags } : {});

function pick<T extends { name?: string }>(items: T[], wanted: string | undefined, what: string, flag: string): T {
  if (wanted !== undefined) {
    const found = items.find((x) => x.name?.toLowerCase() === wanted.toLowerCase());
    if (!found) throw new AdoptionSelectionError(`no ${what} named "${wanted}"; found: ${items.map((x) => x.name).join(", ") || "none"}`);
    return found;
  }
  if (items.length === 1) return items[0]!;
  if (items.length === 0) throw new AdoptionSelectionError(`the resource group has no ${what}`);
  throw new AdoptionSelectionError(
    `the resource group has ${items.length} ${what}s (${items.map((x) => x.name).join(", ")}); choose one with ${flag}`,
  );
}

/** Reads the estate and builds the block, the changes and the snapshot, or throws AdoptionRefused naming each property. */
export async function adoptEstate(
  reader: EstateReader,
  stack: StackFacts,
  choice: { acs?: string; emailService?: string } = {},
): Promise<AdoptResult> {
  const acs = pick(await reader.listCommunicationServices(), choice.acs, "communication service", "--acs");
  const acsId = acs.id ?? "";
  const linked = acs.linkedDomains ?? [];
  const emailServices = await reader.listEmailServices();
  // Without --email-service: the one whose domains the ACS resource links, else the only one.
  const linkedEmail = emailServices.find((e) => linked.some((d) => d.toLowerCase().startsWith(`${(e.id ?? "").toLowerCase()}/domains/`)));
  const email =
    choice.emailService === undefined && linkedEmail
      ? linkedEmail
      : pick(emailServices, choice.emailService, "email service", "--email-service");
  const emailId = email.id ?? "";
  const domains = await reader.listDomains(email.name ?? "");

  const refusals: string[] = [];
  const where = (id: string) => id.split("/providers/Microsoft.Communication/")[1] ?? id;
  const acsDataLocation = acs.dataLocation ?? "";
  if (!(DATA_LOCATIONS as readonly string[]).includes(acsDataLocation)) {
    refusals.push(
      `${where(acsId)} properties.dataLocation is "${acsDataLocation}", which the platform does not accept (${DATA_LOCATIONS.join(", ")})`,
    );
  } else if (stack.dataLocation !== undefined && stack.dataLocation !== acsDataLocation) {
    refusals.push(
      `${where(acsId)} properties.dataLocation is "${acsDataLocation}" but ${stack.file} sets acs-platform:dataLocation "${stack.dataLocation}"; ` +
        `dataLocation is create-only, so a stack with "${stack.dataLocation}" would replace the resource, and after the 2026-10-23 sign-up cut-off ` +
        `it may not come back: set acs-platform:dataLocation to "${acsDataLocation}" to adopt it`,
    );
  }
  if (email.dataLocation !== acsDataLocation) {
    refusals.push(
      `${where(emailId)} properties.dataLocation is "${email.dataLocation ?? ""}", not the communication service's "${acsDataLocation}"`,
    );
  }
  const identityType = acs.identity?.type ?? "None";
  if (identityType !== "None" && identityType !== "SystemAssigned") {
    refusals.push(
      `${where(acsId)} identity.type is "${identityType}": the platform declares a system-assigned identity only, and the update would remove the user-assigned identities`,
    );
  }
  for (const d of domains) {
    if (d.domainManagement !== "AzureManaged" && d.domainManagement !== "CustomerManaged") {
      refusals.push(
        `${where(d.id ?? "")} properties.domainManagement is "${d.domainManagement ?? ""}"; the platform adopts AzureManaged and CustomerManaged domains only`,
      );
    }
  }
  if (domains.length === 0) refusals.push(`${where(emailId)} has no domain`);
  if (refusals.length > 0) throw new AdoptionRefused(refusals);

  const notImported: string[] = [
    "phone numbers: data-plane objects, not ARM resources; list and release or port them before any deletion (docs/lifecycle.md)",
  ];
  const domainBlocks = [];
  for (const d of domains) {
    const senders = await reader.listSenders(email.name ?? "", d.name ?? "");
    for (const s of senders.filter((x) => isDefaultSender(x.username))) {
      notImported.push(`${where(s.id ?? "")}: Azure creates DoNotReply with every domain; it stays, unmanaged`);
    }
    const states = d.verificationStates ?? {};
    const verificationStates: Record<string, string> = {};
    for (const [wire, sdk] of [
      ["Domain", states.domain],
      ["SPF", states.spf],
      ["DKIM", states.dkim],
      ["DKIM2", states.dkim2],
      ["DMARC", states.dmarc],
    ] as const) {
      if (sdk?.status !== undefined) verificationStates[wire] = sdk.status;
    }
    domainBlocks.push({
      id: d.id ?? "",
      domainManagement: d.domainManagement,
      userEngagementTracking: d.userEngagementTracking ?? "Disabled",
      verificationStates,
      tags: tagsOf(d.tags),
      senders: senders
        .filter((s) => !isDefaultSender(s.username))
        .map((s) => ({ id: s.id ?? "", username: s.username ?? "", displayName: s.displayName ?? "" })),
    });
  }
  for (const other of emailServices.filter((e) => e !== email))
    notImported.push(`${where(other.id ?? "")}: another email service, not adopted`);

  const raw = {
    communicationService: {
      id: acsId,
      dataLocation: acsDataLocation,
      linkedDomains: [...linked],
      identityType,
      ...(acs.disableLocalAuth !== undefined ? { disableLocalAuth: acs.disableLocalAuth } : {}),
      ...(acs.publicNetworkAccess !== undefined ? { publicNetworkAccess: acs.publicNetworkAccess } : {}),
      tags: tagsOf(acs.tags),
    },
    emailService: { id: emailId, dataLocation: email.dataLocation, tags: tagsOf(email.tags) },
    domains: domainBlocks,
  };
  const parsed = existingEstateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AdoptionRefused(parsed.error.issues.map((i) => `communication.existing.${i.path.join(".")}: ${i.message}`));
  }
  const block = parsed.data;
  return { block, changes: platformChanges(block, stack), notImported, snapshot: snapshotOf(block) };
}

/** What the first `pulumi up` changes on the imported resources and creates beside them, as the program declares it. */
export function platformChanges(block: ExistingEstate, stack: StackFacts): string[] {
  const lines: string[] = [];
  const tagDiff = (what: string, existing: Record<string, string>, extra: Record<string, string> = {}) => {
    const wanted = { ...existing, ...extra, ...stack.tags };
    const changed = Object.keys(wanted).filter((k) => existing[k] !== wanted[k]);
    if (changed.length > 0) lines.push(`${what}: tags ${changed.map((k) => `${k}=${wanted[k]!}`).join(", ")} (update)`);
  };
  const acsName = nameOf(block.communicationService.id);
  tagDiff(`communication service ${acsName}`, block.communicationService.tags);
  if (block.communicationService.identityType === "None") {
    lines.push(`communication service ${acsName}: identity None -> SystemAssigned, a new principal (update)`);
  }
  if (stack.disableLocalAuth && block.communicationService.disableLocalAuth !== true) {
    lines.push(`communication service ${acsName}: disableLocalAuth -> true, access keys off (update)`);
  }
  tagDiff(`email service ${nameOf(block.emailService.id)}`, block.emailService.tags);
  for (const d of block.domains) {
    tagDiff(`domain ${nameOf(d.id)}`, d.tags, { [EMAIL_DOMAIN_VERIFIED_TAG]: String(existingDomainVerified(d)) });
  }
  lines.push(`communication service ${acsName}: a diagnostic setting sending all logs and metrics to the platform's workspace (create)`);
  if (stack.deleteLock) {
    lines.push(
      `CanNotDelete locks on ${acsName}, ${nameOf(block.emailService.id)} and ${block.domains.length} domain(s) (create; an existing lock of the same name makes the create fail: remove it first)`,
    );
  }
  lines.push("everything else (resource group, Key Vault, token API, events, alerts) is created as for a new estate");
  return lines;
}

/** The existing resources' inputs as azure-native's Read gives them on import (path parameters plus writable properties). */
export function snapshotOf(block: ExistingEstate): AdoptResult["snapshot"] {
  const resources: SnapshotResource[] = [];
  const add = (type: string, id: string, inputs: Record<string, unknown>) =>
    resources.push({ urn: `urn:adopt:existing::${type}::${id}`, type: `azure-native:communication:${type}`, custom: true, id, inputs });
  const acs = block.communicationService;
  add("CommunicationService", acs.id, {
    communicationServiceName: nameOf(acs.id),
    resourceGroupName: rgOf(acs.id),
    // azure-native compares location ignoring case ("Global" = "global").
    location: "global",
    dataLocation: acs.dataLocation,
    identity: { type: acs.identityType },
    ...(acs.linkedDomains.length > 0 ? { linkedDomains: acs.linkedDomains } : {}),
    ...(acs.disableLocalAuth !== undefined ? { disableLocalAuth: acs.disableLocalAuth } : {}),
    ...(acs.publicNetworkAccess !== undefined ? { publicNetworkAccess: acs.publicNetworkAccess } : {}),
    ...withTags(acs.tags),
  });
  const email = block.emailService;
  add("EmailService", email.id, {
    emailServiceName: nameOf(email.id),
    resourceGroupName: rgOf(email.id),
    location: "global",
    dataLocation: email.dataLocation,
    ...withTags(email.tags),
  });
  for (const d of block.domains) {
    add("Domain", d.id, {
      domainName: nameOf(d.id),
      emailServiceName: nameOf(email.id),
      resourceGroupName: rgOf(d.id),
      location: "global",
      domainManagement: d.domainManagement,
      userEngagementTracking: d.userEngagementTracking,
      ...withTags(d.tags),
    });
    for (const s of d.senders) {
      add("SenderUsername", s.id, {
        senderUsername: nameOf(s.id),
        username: s.username,
        displayName: s.displayName,
        domainName: nameOf(d.id),
        emailServiceName: nameOf(email.id),
        resourceGroupName: rgOf(s.id),
      });
    }
  }
  return { version: 3, deployment: { resources } };
}
