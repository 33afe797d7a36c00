// The ACS Email API (api-version 2025-09-01, what @azure/communication-email 1.1.0 sends): `POST /emails:send`
// answering 202 with `Operation-Location`, then `GET /emails/operations/{id}` until a terminal status; delivery
// reports (Microsoft.Communication.EmailDeliveryReportReceived) go to the event sink.
//
// Sources: azure-rest-api-specs specification/communication/data-plane/Email/stable/2025-09-01
// (CommunicationServicesEmail.json and examples: 202 body `{id, status: "Running"}` with `Operation-Location` and
// `retry-after`; Failed terminal status `{code: "EmailDropped", message: "Email was dropped after several attempts to
// deliver."}`); the SDK's recording sdk/communication/communication-email/recordings/browsers/emailclient_playbacklive/
// recording_successfully_sends_an_email_to_a_single_recipient.json (Running polls carry Retry-After, the terminal one
// not); Learn "Service limits for Azure Communication Services", Email size limits (50 recipients, 10 MB request).
import { createHash, randomUUID } from "node:crypto";
import { decodeSegment, jsonBody, requireApiVersion } from "../body";
import type { RequestContext, RouteMatch } from "../context";
import { headerValue } from "../context";
import type { DeliveryStatus, EmailOperationRecord } from "../email-state";
import { domainResourceId, MAX_EMAIL_OPERATIONS } from "../email-state";
import { EmulatorError } from "../errors";
import { isRecord } from "../jwt";
import { authenticate } from "./identity";

/** Learn, "Service limits", Email size limits: recipients per email (to + cc + bcc). */
export const EMAIL_MAX_RECIPIENTS = 50;
/** Learn, "Service limits": total email request size including attachments, 10 MB (read as MiB; Learn does not say). */
export const EMAIL_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * Sender checks. `DomainNotLinked` "The specified sender domain has not been linked." is the error ACS gives for a
 * sender whose domain is not linked to the resource (message: https://github.com/MicrosoftDocs/azure-docs/issues/123379
 * and https://community.auth0.com/t/error-the-specified-sender-domain-has-not-been-linked-on-sending-email/114685;
 * code and status 404 as users report them). `InvalidSenderUserName` with
 * "Invalid email sender username: '<name>'. Please use a username from the list of valid usernames configured by your
 * admin." is what ACS answers for a username the domain lacks (reported by users; the HTTP status, 400 here, is
 * unverified).
 */
export const SENDER_ERRORS = {
  domainNotLinked: { status: 404, code: "DomainNotLinked", message: "The specified sender domain has not been linked." },
  invalidSenderUserName: {
    status: 400,
    code: "InvalidSenderUserName",
    message: (username: string) =>
      `Invalid email sender username: '${username}'. Please use a username from the list of valid usernames configured by your admin.`,
  },
} as const;

/**
 * Deterministic outcomes by recipient local part (`bounce@…`, or `bounce+anything@…`): what the delivery report says.
 * Statuses are the documented EmailDeliveryReportReceived values (Learn, @azure/eventgrid-systemevents
 * KnownAcsEmailDeliveryReportStatus); `dropped` fails the send operation itself with the spec example's EmailDropped.
 */
export const RECIPIENT_OUTCOMES: Record<string, { status: DeliveryStatus; statusMessage: string }> = {
  bounce: { status: "Bounced", statusMessage: "Hard bounce: the recipient's mail server rejected the address (emulated)." },
  suppressed: { status: "Suppressed", statusMessage: "The recipient is on a suppression list (emulated)." },
  quarantined: { status: "Quarantined", statusMessage: "The message was quarantined by the recipient's server (emulated)." },
  spam: { status: "FilteredSpam", statusMessage: "The message was identified as spam and rejected (emulated)." },
  failed: { status: "Failed", statusMessage: "The message could not be delivered (emulated)." },
  dropped: { status: "Failed", statusMessage: "Email was dropped after several attempts to deliver." },
};
const DELIVERED = { status: "Delivered" as const, statusMessage: "" };

export function outcomeFor(address: string): { status: DeliveryStatus; statusMessage: string; keyword?: string } {
  const local = (address.split("@")[0] ?? "").toLowerCase();
  const keyword = local.split("+")[0] ?? "";
  const outcome = RECIPIENT_OUTCOMES[keyword];
  return outcome ? { ...outcome, keyword } : DELIVERED;
}

/** The earliest an unpolled send finishes by itself. */
const UNPOLLED_FINISH_MIN_MS = 250;

const ADDRESS = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>".]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An Email API error: the spec's error responses repeat the code in the `x-ms-error-code` header. */
const emailError = (status: number, code: string, message: string, target?: string): EmulatorError =>
  new EmulatorError(status, code, message, { "x-ms-error-code": code }, target);

/**
 * The shape of the real service's validation errors ("Request body validation error. See property 'senderAddress'",
 * https://github.com/Azure/azure-sdk-for-java/issues/39910).
 */
const invalid = (property: string, why?: string): EmulatorError =>
  emailError(400, "BadRequest", `Request body validation error. See property '${property}'${why ? `: ${why}` : ""}.`, property);

interface ParsedMessage {
  sender: string;
  recipients: string[];
}

function parseAddresses(value: unknown, path: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw invalid(path, "is required");
    return [];
  }
  if (!Array.isArray(value)) throw invalid(path, "must be an array of {address, displayName?}");
  return value.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.address !== "string" || !ADDRESS.test(entry.address))
      throw invalid(`${path}[${i}].address`, "must be an e-mail address");
    if (entry.displayName !== undefined && typeof entry.displayName !== "string")
      throw invalid(`${path}[${i}].displayName`, "must be a string");
    return entry.address;
  });
}

/** Validates the EmailMessage body (spec 2025-09-01 definitions EmailMessage, EmailContent, EmailRecipients, EmailAttachment). */
function parseMessage(ctx: RequestContext): ParsedMessage {
  const body = jsonBody(ctx);
  if (!isRecord(body)) throw invalid("emailMessage", "the body must be a JSON object");
  if (typeof body.senderAddress !== "string" || !ADDRESS.test(body.senderAddress)) throw invalid("senderAddress");
  const content = body.content;
  if (!isRecord(content)) throw invalid("content", "is required");
  if (typeof content.subject !== "string") throw invalid("content.subject", "is required");
  for (const key of ["plainText", "html"] as const) {
    if (content[key] !== undefined && typeof content[key] !== "string") throw invalid(`content.${key}`, "must be a string");
  }
  // The SDK's EmailContent is PlainTextEmailContent | HtmlEmailContent: a body of one kind is required.
  if (content.plainText === undefined && content.html === undefined) throw invalid("content", "plainText or html is required");
  if (!isRecord(body.recipients)) throw invalid("recipients", "is required");
  const recipients = [
    ...parseAddresses(body.recipients.to, "recipients.to", true),
    ...parseAddresses(body.recipients.cc, "recipients.cc", false),
    ...parseAddresses(body.recipients.bcc, "recipients.bcc", false),
  ];
  if (recipients.length === 0) throw invalid("recipients", "at least one recipient is required");
  if (recipients.length > EMAIL_MAX_RECIPIENTS) {
    throw invalid("recipients", `${recipients.length} recipients (to, cc and bcc together); the limit is ${EMAIL_MAX_RECIPIENTS}`);
  }
  parseAddresses(body.replyTo, "replyTo", false);
  if (body.headers !== undefined && (!isRecord(body.headers) || !Object.values(body.headers).every((v) => typeof v === "string"))) {
    throw invalid("headers", "must be an object of string values");
  }
  if (body.userEngagementTrackingDisabled !== undefined && typeof body.userEngagementTrackingDisabled !== "boolean") {
    throw invalid("userEngagementTrackingDisabled", "must be a boolean");
  }
  if (body.attachments !== undefined) {
    if (!Array.isArray(body.attachments)) throw invalid("attachments", "must be an array");
    body.attachments.forEach((a, i) => {
      if (!isRecord(a)) throw invalid(`attachments[${i}]`, "must be an object");
      for (const key of ["name", "contentType", "contentInBase64"] as const) {
        if (typeof a[key] !== "string" || a[key] === "") throw invalid(`attachments[${i}].${key}`, "is required");
      }
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.contentInBase64 as string) || (a.contentInBase64 as string).length % 4 !== 0) {
        throw invalid(`attachments[${i}].contentInBase64`, "must be base64");
      }
      if (a.contentId !== undefined && typeof a.contentId !== "string") throw invalid(`attachments[${i}].contentId`, "must be a string");
    });
  }
  return { sender: body.senderAddress, recipients };
}

/** The sender must be `username@domain` of a sender username of a domain linked to this resource. */
function checkSender(ctx: RequestContext, sender: string): void {
  const at = sender.lastIndexOf("@");
  const username = sender.slice(0, at);
  const domainPart = sender.slice(at + 1).toLowerCase();
  const { email } = ctx.runtime.state;
  const linked = new Set(email.linkedDomains.map((id) => id.toLowerCase()));
  const match = Object.values(email.services)
    .flatMap((s) => Object.values(s.domains).map((d) => ({ s, d })))
    .find(
      ({ s, d }) =>
        d.fromSenderDomain.toLowerCase() === domainPart &&
        linked.has(domainResourceId(ctx.runtime.subscriptionId, ctx.runtime.resourceGroupName, s.name, d.name).toLowerCase()),
    );
  const { domainNotLinked, invalidSenderUserName } = SENDER_ERRORS;
  if (!match) throw emailError(domainNotLinked.status, domainNotLinked.code, domainNotLinked.message);
  if (!match.d.senders[username.toLowerCase()]) {
    throw emailError(invalidSenderUserName.status, invalidSenderUserName.code, invalidSenderUserName.message(username));
  }
}

function operationLocation(ctx: RequestContext, id: string): string {
  return `${ctx.runtime.origin}/emails/operations/${id}?api-version=${encodeURIComponent(ctx.url.searchParams.get("api-version") ?? "")}`;
}

function resultBody(op: EmailOperationRecord): Record<string, unknown> {
  return { id: op.id, status: op.status, error: op.error ?? null };
}

/** Moves an operation to its terminal state (once) and publishes one delivery report per recipient. */
export function finishOperation(ctx: Pick<RequestContext, "runtime">, op: EmailOperationRecord): void {
  if (op.reported) return;
  op.reported = true;
  op.pollsLeft = 0;
  const dropped = op.recipients.length > 0 && op.recipients.every((r) => outcomeFor(r.address).keyword === "dropped");
  op.status = dropped ? "Failed" : "Succeeded";
  if (dropped) op.error = { code: "EmailDropped", message: RECIPIENT_OUTCOMES.dropped?.statusMessage ?? "" };
  const at = new Date(ctx.runtime.now()).toISOString();
  for (const r of op.recipients) {
    const outcome = outcomeFor(r.address);
    // Data fields of EmailDeliveryReportReceived: azure-rest-api-specs specification/eventgrid/data-plane/
    // Microsoft.Communication/stable/2018-01-01 (AcsEmailDeliveryReportReceivedEventData, example
    // email_delivery_report_received.json: wire name `deliveryAttemptTimeStamp`; subject sender/<s>/message/<id>).
    ctx.runtime.events.publish({
      eventType: "Microsoft.Communication.EmailDeliveryReportReceived",
      subject: `sender/${op.sender}/message/${op.id}`,
      data: {
        sender: op.sender,
        recipient: r.address,
        internetMessageId: `<${op.id}@${op.sender.slice(op.sender.lastIndexOf("@") + 1)}>`,
        messageId: op.id,
        status: outcome.status,
        deliveryStatusDetails: { statusMessage: outcome.statusMessage },
        deliveryAttemptTimeStamp: at,
      },
    });
  }
  ctx.runtime.changed();
}

export function matchEmail(method: string, segments: string[]): RouteMatch | undefined {
  if (segments.length === 1 && segments[0] === "emails:send" && method === "POST") {
    return {
      operation: "send",
      aliases: ["beginSend", "sendEmail"],
      maxBodyBytes: EMAIL_MAX_REQUEST_BYTES,
      handle: (ctx) => {
        authenticate(ctx);
        requireApiVersion(ctx);
        const requested = headerValue(ctx.headers, "operation-id");
        if (requested !== undefined && !UUID.test(requested))
          throw emailError(400, "BadRequest", "The Operation-Id header must be a UUID.", "Operation-Id");
        const message = parseMessage(ctx);
        checkSender(ctx, message.sender);
        const { email } = ctx.runtime.state;
        const id = requested?.toLowerCase() ?? randomUUID();
        const hash = createHash("sha256").update(ctx.body).digest("base64");
        const existing = email.operations[id];
        const headers = { "operation-location": operationLocation(ctx, id), "retry-after": String(ctx.runtime.email.retryAfterSeconds) };
        if (existing) {
          // The same Operation-Id with the same message replays the accepted operation; another message under it is a conflict.
          if (existing.bodyHash !== hash)
            throw emailError(409, "Conflict", `An operation with id '${id}' already exists for another message.`);
          return { status: 202, body: resultBody(existing), headers };
        }
        const op: EmailOperationRecord = {
          id,
          status: "Running",
          pollsLeft: ctx.runtime.email.runningPolls,
          sender: message.sender,
          bodyHash: hash,
          recipients: message.recipients.map((address) => ({ address, outcome: outcomeFor(address).status })),
          createdOn: new Date(ctx.runtime.now()).toISOString(),
          reported: false,
        };
        email.operations[id] = op;
        const ids = Object.keys(email.operations);
        for (const old of ids.slice(0, Math.max(0, ids.length - MAX_EMAIL_OPERATIONS))) delete email.operations[old];
        ctx.runtime.changed();
        // Delivery happens whether or not anyone polls: at the latest when the polls would have finished it (and
        // never before a prompt poller could see Running).
        const finishAfterMs = Math.max(
          UNPOLLED_FINISH_MIN_MS,
          ctx.runtime.email.retryAfterSeconds * 1000 * (ctx.runtime.email.runningPolls + 1),
        );
        ctx.runtime.defer(() => finishOperation(ctx, op), finishAfterMs);
        return { status: 202, body: resultBody(op), headers };
      },
    };
  }
  if (segments.length === 3 && segments[0] === "emails" && segments[1] === "operations" && method === "GET") {
    return {
      operation: "getSendResult",
      aliases: ["getEmailSendResult"],
      handle: (ctx) => {
        authenticate(ctx);
        requireApiVersion(ctx);
        const id = decodeSegment(segments[2] ?? "").toLowerCase();
        const op = ctx.runtime.state.email.operations[id];
        if (!op) throw emailError(404, "NotFound", `No email send operation with id '${id}'.`);
        if (!op.reported && op.pollsLeft > 0) {
          op.pollsLeft -= 1;
          ctx.runtime.changed();
          return { status: 200, body: resultBody(op), headers: { "retry-after": String(ctx.runtime.email.retryAfterSeconds) } };
        }
        finishOperation(ctx, op);
        return { status: 200, body: resultBody(op) };
      },
    };
  }
  return undefined;
}
