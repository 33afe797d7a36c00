// The ARM surface that sets up and lists a pre-existing ACS estate, so `npm run adopt -- --local` reads what a team
// created before the sign-up cut-off: create (PUT) of further communication services, email services, domains and
// sender usernames, GET of those communication services, and CommunicationServices_ListByResourceGroup (the
// emulator's own service first). GETs of email services, domains and senders stay in arm.ts.
//
// Paths and bodies: azure-rest-api-specs specification/communication/resource-manager/Microsoft.Communication
// stable/2026-03-18 (CommunicationServices_CreateOrUpdate, _Get, _ListByResourceGroup; EmailServices_CreateOrUpdate;
// Domains_CreateOrUpdate; SenderUsernames_CreateOrUpdate). The emulator answers a create synchronously (200/201 with
// provisioningState Succeeded), which the SDK's pollers accept as a finished operation.
import { randomUUID } from "node:crypto";
import { DATA_LOCATIONS } from "../../../components/communication-services/config";
import { objectBody, stringMap } from "../body";
import type { RequestContext, RouteMatch } from "../context";
import {
  AZURE_MANAGED_DOMAIN_NAME,
  DEFAULT_SENDER_USERNAME,
  REQUIRED_FOR_SENDING,
  customerDomainRecords,
  domainResourceId,
  guidOf,
  states,
  type DomainRecord,
} from "../email-state";
import { badRequest, EmulatorError } from "../errors";
import type { CommunicationServiceRecord } from "../state";
import { communicationServiceBody, decode, domainBody, emailServiceBody, guard, matchArm, senderBody } from "./arm";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function propertiesOf(body: Record<string, unknown>): Record<string, unknown> {
  const p = body.properties;
  if (p === undefined) return {};
  if (!isObject(p)) throw badRequest("`properties` must be an object.", "InvalidRequestContent", "properties");
  return p;
}

function requireGlobal(body: Record<string, unknown>): void {
  if (typeof body.location !== "string" || body.location.toLowerCase() !== "global") {
    throw badRequest("`location` must be 'global' for Communication resources.", "LocationNotAvailableForResourceType", "location");
  }
}

function dataLocationOf(properties: Record<string, unknown>): string {
  const value = properties.dataLocation;
  if (typeof value !== "string" || !(DATA_LOCATIONS as readonly string[]).includes(value)) {
    throw badRequest(
      `\`properties.dataLocation\` must be one of ${DATA_LOCATIONS.join(", ")}; got ${JSON.stringify(value)}.`,
      "InvalidRequestContent",
      "properties.dataLocation",
    );
  }
  return value;
}

function enumOf(properties: Record<string, unknown>, name: string, values: readonly string[], fallback?: string): string {
  const value = properties[name] ?? fallback;
  if (typeof value !== "string" || !values.includes(value)) {
    throw badRequest(`\`properties.${name}\` must be one of ${values.join(", ")}.`, "InvalidRequestContent", `properties.${name}`);
  }
  return value;
}

function acsId(ctx: RequestContext, name: string): string {
  return `/subscriptions/${ctx.runtime.subscriptionId}/resourceGroups/${ctx.runtime.resourceGroupName}/providers/Microsoft.Communication/communicationServices/${name}`;
}

function acsBody(ctx: RequestContext, r: CommunicationServiceRecord): Record<string, unknown> {
  return {
    id: acsId(ctx, r.name),
    name: r.name,
    type: "Microsoft.Communication/CommunicationServices",
    location: "global",
    tags: { ...r.tags },
    identity: { type: r.identityType },
    properties: {
      provisioningState: "Succeeded",
      hostName: `${r.name}.${r.dataLocation.toLowerCase().replace(/\s+/g, "")}.communication.azure.com`,
      dataLocation: r.dataLocation,
      immutableResourceId: r.immutableResourceId,
      linkedDomains: [...r.linkedDomains],
      ...(r.disableLocalAuth !== undefined ? { disableLocalAuth: r.disableLocalAuth } : {}),
      ...(r.publicNetworkAccess !== undefined ? { publicNetworkAccess: r.publicNetworkAccess } : {}),
    },
  };
}

/** Linked domains must exist, be verified and share the service's data location (Learn "Connect a verified email domain"). */
function checkLinkedDomains(ctx: RequestContext, ids: unknown, dataLocation: string): string[] {
  if (ids === undefined) return [];
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === "string")) {
    throw badRequest(
      "`properties.linkedDomains` must be an array of domain resource ids.",
      "InvalidRequestContent",
      "properties.linkedDomains",
    );
  }
  const { subscriptionId, resourceGroupName } = ctx.runtime;
  for (const id of ids) {
    const found = Object.values(ctx.runtime.state.email.services)
      .flatMap((s) => Object.values(s.domains).map((d) => ({ s, d })))
      .find(({ s, d }) => domainResourceId(subscriptionId, resourceGroupName, s.name, d.name).toLowerCase() === id.toLowerCase());
    if (!found) throw badRequest(`Linked domain '${id}' does not exist.`, "DomainNotFound", "properties.linkedDomains");
    if (REQUIRED_FOR_SENDING.some((t) => found.d.verificationStates[t].status !== "Verified")) {
      throw badRequest(
        `Domain '${found.d.name}' is not fully verified; verify it before linking.`,
        "DomainNotVerified",
        "properties.linkedDomains",
      );
    }
    if (found.s.dataLocation !== dataLocation) {
      throw badRequest(
        `Domain '${found.d.name}' stores data in ${found.s.dataLocation}, not ${dataLocation}.`,
        "DataLocationMismatch",
        "properties.linkedDomains",
      );
    }
  }
  // Kept as sent: ARM returns the strings it was given.
  return [...ids];
}

function matchCommunicationServices(method: string, segments: string[]): RouteMatch | undefined {
  const n = segments.length;
  if (n === 7 && method === "GET") {
    return {
      operation: "listCommunicationServicesByResourceGroup",
      handle: (ctx) => {
        guard(ctx, segments, "communicationServices", "");
        const extra = Object.values(ctx.runtime.state.communicationServices ?? {}).map((r) => acsBody(ctx, r));
        return { status: 200, body: { value: [communicationServiceBody(ctx), ...extra] } };
      },
    };
  }
  if (n !== 8) return undefined;
  if (method === "PUT") {
    return {
      operation: "createOrUpdateCommunicationService",
      handle: (ctx) => {
        const name = decode(segments[7] ?? "");
        guard(ctx, segments, "communicationServices", name);
        if (name.toLowerCase() === ctx.runtime.serviceName.toLowerCase()) {
          throw new EmulatorError(409, "Conflict", `The emulated service '${name}' is fixed; create another communication service.`);
        }
        const body = objectBody(ctx);
        requireGlobal(body);
        const properties = propertiesOf(body);
        const dataLocation = dataLocationOf(properties);
        const all = (ctx.runtime.state.communicationServices ??= {});
        const previous = all[name.toLowerCase()];
        if (previous && previous.dataLocation !== dataLocation) {
          throw badRequest("`properties.dataLocation` cannot be changed.", "PropertyChangeNotAllowed", "properties.dataLocation");
        }
        const identity = isObject(body.identity) ? body.identity : {};
        const record: CommunicationServiceRecord = {
          name,
          dataLocation,
          linkedDomains: checkLinkedDomains(ctx, properties.linkedDomains, dataLocation),
          tags: stringMap(body, "tags") ?? {},
          identityType: enumOf(identity, "type", ["None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned"], "None"),
          immutableResourceId: previous?.immutableResourceId ?? randomUUID(),
        };
        if (typeof properties.disableLocalAuth === "boolean") record.disableLocalAuth = properties.disableLocalAuth;
        if (properties.publicNetworkAccess !== undefined) {
          record.publicNetworkAccess = enumOf(properties, "publicNetworkAccess", ["Enabled", "Disabled", "SecuredByPerimeter"]);
        }
        all[name.toLowerCase()] = record;
        ctx.runtime.changed();
        return { status: previous ? 200 : 201, body: acsBody(ctx, record) };
      },
    };
  }
  if (method === "GET") {
    // The emulator's own service is arm.ts's; a further one is answered here.
    const own = matchArm(method, segments);
    return {
      operation: "getCommunicationService",
      aliases: ["get"],
      handle: (ctx) => {
        const record = ctx.runtime.state.communicationServices?.[decode(segments[7] ?? "").toLowerCase()];
        if (record === undefined && own) return own.handle(ctx);
        guard(ctx, segments, "communicationServices", segments[7] ?? "");
        return { status: 200, body: acsBody(ctx, record!) };
      },
    };
  }
  return undefined;
}

function matchEmailCreates(method: string, segments: string[]): RouteMatch | undefined {
  if (method !== "PUT") return undefined;
  const n = segments.length;
  const lower = segments.map((s) => s.toLowerCase());
  const type = "emailServices";
  if (n === 8) {
    return {
      operation: "createOrUpdateEmailService",
      handle: (ctx) => {
        const name = decode(segments[7] ?? "");
        guard(ctx, segments, type, name);
        const body = objectBody(ctx);
        requireGlobal(body);
        const dataLocation = dataLocationOf(propertiesOf(body));
        const services = ctx.runtime.state.email.services;
        const previous = services[name.toLowerCase()];
        if (previous && previous.dataLocation !== dataLocation) {
          throw badRequest("`properties.dataLocation` cannot be changed.", "PropertyChangeNotAllowed", "properties.dataLocation");
        }
        const service = previous ?? { name, dataLocation, domains: {} };
        service.tags = stringMap(body, "tags") ?? {};
        services[name.toLowerCase()] = service;
        ctx.runtime.changed();
        return { status: previous ? 200 : 201, body: emailServiceBody(ctx, service) };
      },
    };
  }
  if (n === 10 && lower[8] === "domains") {
    return {
      operation: "createOrUpdateDomain",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        const service = ctx.runtime.state.email.services[decode(segments[7] ?? "").toLowerCase()];
        if (!service) throw new EmulatorError(404, "ResourceNotFound", `The email service '${segments[7] ?? ""}' was not found.`);
        const name = decode(segments[9] ?? "");
        const body = objectBody(ctx);
        requireGlobal(body);
        const properties = propertiesOf(body);
        const management = enumOf(properties, "domainManagement", ["AzureManaged", "CustomerManaged", "CustomerManagedInExchangeOnline"]);
        const azure = management === "AzureManaged";
        if (azure && name !== AZURE_MANAGED_DOMAIN_NAME) {
          throw badRequest(`An AzureManaged domain is named '${AZURE_MANAGED_DOMAIN_NAME}'.`, "InvalidDomainName", "name");
        }
        const previous = service.domains[name.toLowerCase()];
        const fromSenderDomain = azure ? `${guidOf(ctx.runtime.state.resourceId, service.name)}.azurecomm.net` : name;
        const domain: DomainRecord = previous ?? {
          name,
          domainManagement: management === "AzureManaged" ? "AzureManaged" : "CustomerManaged",
          fromSenderDomain,
          mailFromSenderDomain: fromSenderDomain,
          userEngagementTracking: "Disabled",
          // Azure creates DoNotReply with every domain (Learn "Add multiple sender addresses").
          senders: { [DEFAULT_SENDER_USERNAME.toLowerCase()]: { username: DEFAULT_SENDER_USERNAME, displayName: DEFAULT_SENDER_USERNAME } },
          verificationStates: states(azure ? "Verified" : "NotStarted"),
          verificationRecords: azure
            ? {}
            : customerDomainRecords(name, domainResourceId(ctx.runtime.subscriptionId, ctx.runtime.resourceGroupName, service.name, name)),
          unpublished: [],
        };
        domain.userEngagementTracking = enumOf(
          properties,
          "userEngagementTracking",
          ["Disabled", "Enabled"],
          "Disabled",
        ) as DomainRecord["userEngagementTracking"];
        domain.tags = stringMap(body, "tags") ?? {};
        service.domains[name.toLowerCase()] = domain;
        ctx.runtime.changed();
        return { status: previous ? 200 : 201, body: domainBody(ctx, service, domain) };
      },
    };
  }
  if (n === 12 && lower[8] === "domains" && lower[10] === "senderusernames") {
    return {
      operation: "createOrUpdateSenderUsername",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        const service = ctx.runtime.state.email.services[decode(segments[7] ?? "").toLowerCase()];
        const domain = service?.domains[decode(segments[9] ?? "").toLowerCase()];
        if (!service || !domain) throw new EmulatorError(404, "ResourceNotFound", "The requested resource was not found");
        const name = decode(segments[11] ?? "");
        const properties = propertiesOf(objectBody(ctx));
        const username = properties.username;
        if (typeof username !== "string" || username.toLowerCase() !== name.toLowerCase()) {
          throw badRequest(
            "`properties.username` is required and equals the sender's name.",
            "InvalidRequestContent",
            "properties.username",
          );
        }
        const displayName = typeof properties.displayName === "string" ? properties.displayName : "";
        const previous = domain.senders[name.toLowerCase()];
        domain.senders[name.toLowerCase()] = { username, displayName };
        ctx.runtime.changed();
        return { status: previous ? 200 : 201, body: senderBody(ctx, service, domain, username, displayName) };
      },
    };
  }
  return undefined;
}

/** Matches the estate routes before arm.ts's matcher (which answers the emulator's own service and the email GETs). */
export function matchArmEstate(method: string, segments: string[]): RouteMatch | undefined {
  const lower = segments.map((s) => s.toLowerCase());
  if (lower[0] !== "subscriptions" || lower[2] !== "resourcegroups" || lower[4] !== "providers" || lower[5] !== "microsoft.communication")
    return undefined;
  if (lower[6] === "communicationservices") return matchCommunicationServices(method, segments);
  if (lower[6] === "emailservices") return matchEmailCreates(method, segments);
  return undefined;
}
