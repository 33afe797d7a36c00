// The ARM surface of the one emulated communication service (get, update with linkedDomains, listKeys,
// regenerateKey) and of its email resources: email services, domains (verificationRecords/verificationStates,
// initiate/cancelVerification with their async operation), sender usernames.
//
// Paths and shapes: azure-rest-api-specs specification/communication/resource-manager/Microsoft.Communication
// (CommunicationServices_Update is a plain PATCH answering 200; Domains_InitiateVerification answers 202 with
// `Location` and `Retry-After`, examples/domains/initiateVerification.json), as `@azure/arm-communication` 4.2.0 calls
// them (api-version 2025-09-01; azure-native 3.x uses 2023-06-01-preview, same shapes).
import { randomUUID } from "node:crypto";
import { objectBody, requireApiVersion } from "../body";
import type { RequestContext, RouteMatch } from "../context";
import { headerValue } from "../context";
import { verifyEmulatorBearerToken } from "../credential";
import {
  REQUIRED_FOR_SENDING,
  VERIFICATION_TYPES,
  domainResourceId,
  type DomainRecord,
  type EmailServiceRecord,
  type VerificationType,
} from "../email-state";
import { badRequest, EmulatorError, unauthorized } from "../errors";
import { newAccessKey } from "../state";

function authenticate(ctx: RequestContext): void {
  const authorization = headerValue(ctx.headers, "authorization") ?? "";
  if (!/^Bearer /i.test(authorization))
    throw unauthorized("Authentication failed. The 'Authorization' header is missing.", "AuthenticationFailed");
  // The SDK's default scope is `${endpoint}/.default`, so the emulator's own origin is an accepted audience too.
  const result = verifyEmulatorBearerToken(authorization.slice(7).trim(), "arm", [ctx.runtime.origin]);
  if (!result.ok) throw unauthorized(result.reason, "InvalidAuthenticationToken");
}

function keysBody(ctx: RequestContext): Record<string, string> {
  const { keys } = ctx.runtime.state;
  const endpoint = `${ctx.runtime.origin}/`;
  return {
    primaryKey: keys.primary,
    secondaryKey: keys.secondary,
    primaryConnectionString: `endpoint=${endpoint};accesskey=${keys.primary}`,
    secondaryConnectionString: `endpoint=${endpoint};accesskey=${keys.secondary}`,
  };
}

function resourceId(ctx: RequestContext): string {
  const { subscriptionId, resourceGroupName, serviceName } = ctx.runtime;
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Communication/communicationServices/${serviceName}`;
}

export const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest("A path segment is not valid percent-encoding.", "InvalidPath");
  }
};

const notFound = (type: string, name: string, rg: string): EmulatorError =>
  new EmulatorError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.Communication/${type}/${name}' under resource group '${rg}' was not found.`,
  );

/** ARM paths are case-insensitive; another subscription is SubscriptionNotFound, another group ResourceNotFound. */
function requireOurScope(ctx: RequestContext, segments: string[], type: string, name: string): void {
  const sub = decode(segments[1] ?? "").toLowerCase();
  const rg = decode(segments[3] ?? "");
  if (sub !== ctx.runtime.subscriptionId.toLowerCase())
    throw new EmulatorError(404, "SubscriptionNotFound", `The subscription '${segments[1] ?? ""}' could not be found.`);
  if (rg.toLowerCase() !== ctx.runtime.resourceGroupName.toLowerCase()) throw notFound(type, name, rg);
}

export function guard(ctx: RequestContext, segments: string[], type: string, name: string): void {
  authenticate(ctx);
  requireApiVersion(ctx);
  requireOurScope(ctx, segments, type, name);
}

export function communicationServiceBody(ctx: RequestContext): Record<string, unknown> {
  const { email } = ctx.runtime.state;
  return {
    id: resourceId(ctx),
    name: ctx.runtime.serviceName,
    type: "Microsoft.Communication/CommunicationServices",
    location: "global",
    properties: {
      provisioningState: "Succeeded",
      hostName: new URL(ctx.runtime.origin).host,
      dataLocation: email.acsDataLocation,
      immutableResourceId: ctx.runtime.state.resourceId,
      linkedDomains: [...email.linkedDomains],
    },
  };
}

function matchCommunicationService(method: string, segments: string[]): RouteMatch | undefined {
  if (segments.length < 8 || segments.length > 9) return undefined;
  const action = segments[8]?.toLowerCase();
  const ours = (ctx: RequestContext): void => {
    guard(ctx, segments, "communicationServices", segments[7] ?? "");
    if (decode(segments[7] ?? "").toLowerCase() !== ctx.runtime.serviceName.toLowerCase()) {
      throw notFound("communicationServices", segments[7] ?? "", decode(segments[3] ?? ""));
    }
  };
  if (action === undefined && method === "GET") {
    return {
      operation: "getCommunicationService",
      aliases: ["get"],
      handle: (ctx) => {
        ours(ctx);
        return { status: 200, body: communicationServiceBody(ctx) };
      },
    };
  }
  if (action === undefined && method === "PATCH") {
    return {
      operation: "updateCommunicationService",
      aliases: ["update"],
      handle: (ctx) => {
        ours(ctx);
        const body = objectBody(ctx);
        const properties = body.properties;
        if (properties !== undefined && (typeof properties !== "object" || properties === null || Array.isArray(properties))) {
          throw badRequest("`properties` must be an object.", "InvalidRequestContent", "properties");
        }
        const linked = (properties as Record<string, unknown> | undefined)?.linkedDomains;
        if (linked !== undefined) {
          if (!Array.isArray(linked) || !linked.every((id) => typeof id === "string")) {
            throw badRequest(
              "`properties.linkedDomains` must be an array of domain resource ids.",
              "InvalidRequestContent",
              "properties.linkedDomains",
            );
          }
          ctx.runtime.state.email.linkedDomains = validateLinkedDomains(ctx, linked as string[]);
          ctx.runtime.changed();
        }
        return { status: 200, body: communicationServiceBody(ctx) };
      },
    };
  }
  if (action === "listkeys" && method === "POST") {
    return {
      operation: "listKeys",
      handle: (ctx) => {
        ours(ctx);
        return { status: 200, body: keysBody(ctx) };
      },
    };
  }
  if (action === "regeneratekey" && method === "POST") {
    return {
      operation: "regenerateKey",
      handle: (ctx) => {
        ours(ctx);
        const keyType = objectBody(ctx).keyType;
        const name = typeof keyType === "string" ? keyType.toLowerCase() : undefined;
        if (name !== "primary" && name !== "secondary")
          throw badRequest("`keyType` must be Primary or Secondary.", "InvalidRequestContent", "keyType");
        // The old key stops working at once: HMAC checks and user-token signatures both use the current key.
        ctx.runtime.state.keys[name] = newAccessKey();
        ctx.runtime.changed();
        return { status: 200, body: keysBody(ctx) };
      },
    };
  }
  return undefined;
}

/**
 * Learn, "Connect a verified email domain": the domain "must be fully verified before attempting to link it", only
 * domains in the same geography (data location) can be linked, at most 100 per resource. Azure's error codes for
 * these refusals are not documented; the emulator's (`DomainNotFound`, `DomainNotVerified`,
 * `DataLocationMismatch`, `TooManyLinkedDomains`) are its own.
 */
function validateLinkedDomains(ctx: RequestContext, ids: string[]): string[] {
  if (ids.length > 100)
    throw badRequest(`At most 100 domains can be linked; got ${ids.length}.`, "TooManyLinkedDomains", "properties.linkedDomains");
  const { subscriptionId, resourceGroupName } = ctx.runtime;
  const { email } = ctx.runtime.state;
  const result: string[] = [];
  for (const id of ids) {
    const found = Object.values(email.services)
      .flatMap((s) => Object.values(s.domains).map((d) => ({ s, d })))
      .find(({ s, d }) => domainResourceId(subscriptionId, resourceGroupName, s.name, d.name).toLowerCase() === id.toLowerCase());
    if (!found) throw badRequest(`Linked domain '${id}' does not exist.`, "DomainNotFound", "properties.linkedDomains");
    const unverified = REQUIRED_FOR_SENDING.filter((t) => found.d.verificationStates[t].status !== "Verified");
    if (unverified.length > 0) {
      throw badRequest(
        `Domain '${found.d.name}' is not fully verified (${unverified.join(", ")} not Verified); verify it before linking.`,
        "DomainNotVerified",
        "properties.linkedDomains",
      );
    }
    if (found.s.dataLocation !== email.acsDataLocation) {
      throw badRequest(
        `Domain '${found.d.name}' stores data in ${found.s.dataLocation}, the communication service in ${email.acsDataLocation}; only domains in the same geography can be linked.`,
        "DataLocationMismatch",
        "properties.linkedDomains",
      );
    }
    result.push(domainResourceId(subscriptionId, resourceGroupName, found.s.name, found.d.name));
  }
  return [...new Set(result)];
}

// ---- email services, domains, sender usernames -------------------------------------------------------------------

function serviceOf(ctx: RequestContext, segments: string[]): EmailServiceRecord {
  const name = decode(segments[7] ?? "");
  const service = ctx.runtime.state.email.services[name.toLowerCase()];
  if (!service) throw notFound("emailServices", name, decode(segments[3] ?? ""));
  return service;
}

function domainOf(ctx: RequestContext, segments: string[]): { service: EmailServiceRecord; domain: DomainRecord } {
  const service = serviceOf(ctx, segments);
  const name = decode(segments[9] ?? "");
  const domain = service.domains[name.toLowerCase()];
  // The Domains_Get example's default response: ResourceNotFound "The requested resource was not found".
  if (!domain) throw new EmulatorError(404, "ResourceNotFound", "The requested resource was not found");
  return { service, domain };
}

export function emailServiceBody(ctx: RequestContext, s: EmailServiceRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${ctx.runtime.subscriptionId}/resourceGroups/${ctx.runtime.resourceGroupName}/providers/Microsoft.Communication/emailServices/${s.name}`,
    name: s.name,
    type: "Microsoft.Communication/EmailServices",
    location: "global",
    ...(s.tags ? { tags: { ...s.tags } } : {}),
    properties: { provisioningState: "Succeeded", dataLocation: s.dataLocation },
  };
}

/**
 * Each read of a domain advances its requested verifications: VerificationRequested -> VerificationInProgress -> the
 * outcome after `verificationPolls` reads (Verified, or VerificationFailed when the fake DNS lacks the record).
 */
function advanceVerification(ctx: RequestContext, domain: DomainRecord): void {
  let changed = false;
  for (const type of VERIFICATION_TYPES) {
    const state = domain.verificationStates[type];
    if (state.pollsLeft === undefined) continue;
    state.pollsLeft -= 1;
    changed = true;
    if (state.pollsLeft > 0) {
      state.status = "VerificationInProgress";
      continue;
    }
    delete state.pollsLeft;
    if (domain.unpublished.includes(type)) {
      state.status = "VerificationFailed";
      state.errorCode = "DnsRecordNotFound";
    } else {
      state.status = "Verified";
      delete state.errorCode;
    }
  }
  if (changed) ctx.runtime.changed();
}

export function domainBody(ctx: RequestContext, service: EmailServiceRecord, domain: DomainRecord): Record<string, unknown> {
  const states = Object.fromEntries(
    VERIFICATION_TYPES.map((t) => {
      const s = domain.verificationStates[t];
      return [t, { status: s.status, ...(s.errorCode ? { errorCode: s.errorCode } : {}) }];
    }),
  );
  return {
    id: domainResourceId(ctx.runtime.subscriptionId, ctx.runtime.resourceGroupName, service.name, domain.name),
    name: domain.name,
    type: "Microsoft.Communication/EmailServices/Domains",
    location: "global",
    ...(domain.tags ? { tags: { ...domain.tags } } : {}),
    properties: {
      provisioningState: "Succeeded",
      dataLocation: service.dataLocation,
      fromSenderDomain: domain.fromSenderDomain,
      mailFromSenderDomain: domain.mailFromSenderDomain,
      domainManagement: domain.domainManagement,
      verificationStates: states,
      verificationRecords: domain.verificationRecords,
      userEngagementTracking: domain.userEngagementTracking,
    },
  };
}

export function senderBody(
  ctx: RequestContext,
  service: EmailServiceRecord,
  domain: DomainRecord,
  username: string,
  displayName: string,
): Record<string, unknown> {
  return {
    id: `${domainResourceId(ctx.runtime.subscriptionId, ctx.runtime.resourceGroupName, service.name, domain.name)}/senderUsernames/${username}`,
    name: username,
    type: "Microsoft.Communication/EmailServices/Domains/SenderUsernames",
    properties: { dataLocation: service.dataLocation, username, displayName, provisioningState: "Succeeded" },
  };
}

function verificationTypeOf(ctx: RequestContext): VerificationType {
  const value = objectBody(ctx).verificationType;
  const type = VERIFICATION_TYPES.find((t) => typeof value === "string" && t.toLowerCase() === value.toLowerCase());
  if (!type)
    throw badRequest(`\`verificationType\` must be one of ${VERIFICATION_TYPES.join(", ")}.`, "InvalidRequestContent", "verificationType");
  return type;
}

/** 202 with a Location to poll, as Domains_InitiateVerification / CancelVerification answer. */
function acceptedOperation(ctx: RequestContext): { status: number; headers: Record<string, string> } {
  const id = randomUUID();
  ctx.runtime.state.email.armOperations[id] = { pollsLeft: 0 };
  ctx.runtime.changed();
  const version = ctx.url.searchParams.get("api-version") ?? "";
  return {
    status: 202,
    headers: {
      location: `${ctx.runtime.origin}/providers/Microsoft.Communication/locations/global/operationStatuses/${id}?api-version=${encodeURIComponent(version)}`,
      "retry-after": String(ctx.runtime.email.retryAfterSeconds),
    },
  };
}

function matchEmailService(method: string, segments: string[]): RouteMatch | undefined {
  const lower = segments.map((s) => s.toLowerCase());
  const n = segments.length;
  const type = "emailServices";
  if (n === 7 && method === "GET") {
    return {
      operation: "listEmailServices",
      handle: (ctx) => {
        guard(ctx, segments, type, "");
        return { status: 200, body: { value: Object.values(ctx.runtime.state.email.services).map((s) => emailServiceBody(ctx, s)) } };
      },
    };
  }
  if (n === 8 && method === "GET") {
    return {
      operation: "getEmailService",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        return { status: 200, body: emailServiceBody(ctx, serviceOf(ctx, segments)) };
      },
    };
  }
  if (lower[8] !== "domains") return undefined;
  if (n === 9 && method === "GET") {
    return {
      operation: "listDomains",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        const service = serviceOf(ctx, segments);
        const value = Object.values(service.domains).map((d) => {
          advanceVerification(ctx, d);
          return domainBody(ctx, service, d);
        });
        return { status: 200, body: { value } };
      },
    };
  }
  if (n === 10 && method === "GET") {
    return {
      operation: "getDomain",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        const { service, domain } = domainOf(ctx, segments);
        advanceVerification(ctx, domain);
        return { status: 200, body: domainBody(ctx, service, domain) };
      },
    };
  }
  if (n === 11 && method === "POST" && (lower[10] === "initiateverification" || lower[10] === "cancelverification")) {
    const initiate = lower[10] === "initiateverification";
    return {
      operation: initiate ? "initiateVerification" : "cancelVerification",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        const { domain } = domainOf(ctx, segments);
        const verificationType = verificationTypeOf(ctx);
        const state = domain.verificationStates[verificationType];
        // Azure-managed domains come verified; there is nothing to (re)start or cancel.
        if (domain.domainManagement === "CustomerManaged") {
          if (initiate) {
            domain.verificationStates[verificationType] = {
              status: "VerificationRequested",
              pollsLeft: Math.max(1, ctx.runtime.email.verificationPolls),
            };
          } else if (state.pollsLeft !== undefined) {
            domain.verificationStates[verificationType] = { status: "NotStarted" };
          }
          ctx.runtime.changed();
        }
        return acceptedOperation(ctx);
      },
    };
  }
  if (lower[10] !== "senderusernames") return undefined;
  if (n === 11 && method === "GET") {
    return {
      operation: "listSenderUsernames",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        const { service, domain } = domainOf(ctx, segments);
        return {
          status: 200,
          body: { value: Object.values(domain.senders).map((s) => senderBody(ctx, service, domain, s.username, s.displayName)) },
        };
      },
    };
  }
  if (n === 12 && method === "GET") {
    return {
      operation: "getSenderUsername",
      handle: (ctx) => {
        guard(ctx, segments, type, segments[7] ?? "");
        const { service, domain } = domainOf(ctx, segments);
        const sender = domain.senders[decode(segments[11] ?? "").toLowerCase()];
        if (!sender) throw new EmulatorError(404, "ResourceNotFound", "The requested resource was not found");
        return { status: 200, body: senderBody(ctx, service, domain, sender.username, sender.displayName) };
      },
    };
  }
  return undefined;
}

/** `GET /providers/Microsoft.Communication/locations/{location}/operationStatuses/{id}`: the async operation's poll. */
function matchOperationStatus(method: string, segments: string[]): RouteMatch | undefined {
  const lower = segments.map((s) => s.toLowerCase());
  if (
    method !== "GET" ||
    segments.length !== 6 ||
    lower[0] !== "providers" ||
    lower[1] !== "microsoft.communication" ||
    lower[2] !== "locations" ||
    lower[4] !== "operationstatuses"
  )
    return undefined;
  return {
    operation: "getOperationStatus",
    handle: (ctx) => {
      authenticate(ctx);
      const id = decode(segments[5] ?? "");
      const op = ctx.runtime.state.email.armOperations[id];
      if (!op) throw new EmulatorError(404, "ResourceNotFound", "The requested resource was not found");
      if (op.pollsLeft > 0) {
        op.pollsLeft -= 1;
        return {
          status: 202,
          headers: {
            location: `${ctx.runtime.origin}${ctx.url.pathname}${ctx.url.search}`,
            "retry-after": String(ctx.runtime.email.retryAfterSeconds),
          },
        };
      }
      delete ctx.runtime.state.email.armOperations[id];
      ctx.runtime.changed();
      return { status: 200, body: { id, status: "Succeeded" } };
    },
  };
}

export function matchArm(method: string, segments: string[]): RouteMatch | undefined {
  const operationStatus = matchOperationStatus(method, segments);
  if (operationStatus) return operationStatus;
  const lower = segments.map((s) => s.toLowerCase());
  if (lower[0] !== "subscriptions" || lower[2] !== "resourcegroups" || lower[4] !== "providers" || lower[5] !== "microsoft.communication")
    return undefined;
  if (lower[6] === "communicationservices") return matchCommunicationService(method, segments);
  if (lower[6] === "emailservices") return matchEmailService(method, segments);
  return undefined;
}
