// The admin API (plain HTTP, loopback only, no auth): fault injection, read-only views of identities, threads and
// email, and the email test controls (mark domain records verified, unpublish DNS records).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorRuntime } from "./context";
import { EmulatorError, errorBody, sendJson } from "./errors";
import { VERIFICATION_STATUSES, VERIFICATION_TYPES, type DomainRecord, type VerificationType } from "./email-state";
import { parseFaultSpec } from "./faults";
import { emulatedSubscriptionsSchema } from "./eventgrid";
import { isRecord } from "./jwt";

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > 64 * 1024) return reject(new EmulatorError(413, "RequestEntityTooLarge", "The admin body is too large."));
      const text = Buffer.concat(chunks).toString("utf8").trim();
      if (!text) return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new EmulatorError(400, "InvalidRequestBody", "The request body is not valid JSON."));
      }
    });
    req.on("error", reject);
  });
}

/** Handles one admin request; every failure becomes an error body (malformed input a 4xx). */
export async function handleAdminRequest(runtime: EmulatorRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "");
    } catch {
      throw new EmulatorError(400, "InvalidPath", "The request URL cannot be parsed.");
    }
    const route = `${req.method ?? "GET"} ${path}`;
    const { state } = runtime;
    const domainRoute = /^(POST|PUT) \/email\/domains\/([^/]+)\/(verification|dns)$/.exec(route);
    if (domainRoute) {
      let name: string;
      try {
        name = decodeURIComponent(domainRoute[2] ?? "");
      } catch {
        throw new EmulatorError(400, "InvalidPath", "The domain name is not valid percent-encoding.");
      }
      const domain = findDomain(runtime, name);
      const body = await readJson(req);
      if (domainRoute[1] === "POST" && domainRoute[3] === "verification")
        return sendJson(res, 200, markVerification(runtime, domain, body));
      if (domainRoute[1] === "PUT" && domainRoute[3] === "dns") return sendJson(res, 200, setUnpublished(runtime, domain, body));
    }
    switch (route) {
      case "POST /faults": {
        const rule = runtime.faults.add(parseFaultSpec(await readJson(req)));
        return sendJson(res, 201, { fault: rule });
      }
      case "GET /faults":
        return sendJson(res, 200, { faults: runtime.faults.list() });
      case "DELETE /faults":
        runtime.faults.clear();
        return sendJson(res, 204, undefined);
      case "GET /clock":
        return sendJson(res, 200, clockView(runtime));
      case "POST /clock":
        return sendJson(res, 200, advanceClock(runtime, await readJson(req)));
      case "GET /identities":
        return sendJson(res, 200, { identities: Object.values(state.identities).map(({ id, deleted }) => ({ id, deleted })) });
      case "GET /threads":
        return sendJson(res, 200, {
          threads: Object.values(state.threads).map(({ id, deletedOn }) => ({ id, deleted: deletedOn !== undefined })),
        });
      case "GET /event-subscriptions":
        return sendJson(res, 200, { subscriptions: runtime.eventGrid?.subscriptions ?? [] });
      case "PUT /event-subscriptions": {
        if (!runtime.eventGrid)
          throw new EmulatorError(
            409,
            "EventGridNotConfigured",
            "Event Grid delivery is off: start the emulator with the eventGrid option (npm run dev does).",
          );
        const body = await readJson(req);
        const parsed = emulatedSubscriptionsSchema.safeParse(isRecord(body) ? body.subscriptions : undefined);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new EmulatorError(
            400,
            "InvalidSubscriptions",
            `subscriptions${issue?.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("") ?? ""}: ${issue?.message ?? "invalid"}`,
          );
        }
        runtime.eventGrid.replaceSubscriptions(parsed.data);
        return sendJson(res, 200, { subscriptions: parsed.data });
      }
      case "GET /event-deliveries":
        return sendJson(res, 200, { subscriptions: runtime.eventGrid?.subscriptions ?? [], deliveries: runtime.eventGrid?.records ?? [] });
      case "GET /logs":
        return sendJson(res, 200, { rows: state.logs });
      case "GET /email":
        return sendJson(res, 200, {
          acsDataLocation: state.email.acsDataLocation,
          linkedDomains: state.email.linkedDomains,
          services: Object.values(state.email.services).map((s) => ({
            name: s.name,
            dataLocation: s.dataLocation,
            domains: Object.values(s.domains).map((d) => ({
              name: d.name,
              domainManagement: d.domainManagement,
              fromSenderDomain: d.fromSenderDomain,
              senders: Object.values(d.senders).map((u) => u.username),
              verificationStates: d.verificationStates,
              unpublished: d.unpublished,
            })),
          })),
        });
      case "GET /email/operations":
        return sendJson(res, 200, { operations: Object.values(state.email.operations).map(({ bodyHash: _hash, ...op }) => op) });
      default:
        throw new EmulatorError(404, "NotFound", `No admin operation ${route}.`);
    }
  } catch (error) {
    const known = error instanceof EmulatorError ? error : new EmulatorError(500, "InternalServerError", "The admin request failed.");
    sendJson(res, known.status, errorBody(known));
  }
}

/** Longest single clock move: ten years, far beyond the 90-day retention maximum it exists for. */
const MAX_CLOCK_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

const clockView = (runtime: EmulatorRuntime): { now: string; offsetSeconds: number } => ({
  now: new Date(runtime.now()).toISOString(),
  offsetSeconds: Math.round((runtime.state.clockOffsetMs ?? 0) / 1000),
});

/**
 * `POST /clock {"advanceSeconds": N}`: moves the emulator's clock forward (never back, so ids and versions stay
 * increasing). Retention deadlines and token expiry follow it; tokens issued before the move may then be expired.
 */
function advanceClock(runtime: EmulatorRuntime, body: unknown): { now: string; offsetSeconds: number } {
  const seconds = isRecord(body) ? body.advanceSeconds : undefined;
  if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_CLOCK_ADVANCE_SECONDS) {
    throw new EmulatorError(
      400,
      "InvalidClock",
      `\`advanceSeconds\` must be an integer from 0 to ${MAX_CLOCK_ADVANCE_SECONDS}.`,
      {},
      "advanceSeconds",
    );
  }
  runtime.state.clockOffsetMs = (runtime.state.clockOffsetMs ?? 0) + seconds * 1000;
  runtime.changed();
  return clockView(runtime);
}

function findDomain(runtime: EmulatorRuntime, name: string): DomainRecord {
  for (const service of Object.values(runtime.state.email.services)) {
    const domain = service.domains[name.toLowerCase()];
    if (domain) return domain;
  }
  throw new EmulatorError(404, "NotFound", `No email domain '${name}'.`);
}

function verificationTypes(value: unknown, field: string): VerificationType[] {
  if (value === undefined) return [...VERIFICATION_TYPES];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    const type = VERIFICATION_TYPES.find((t) => typeof v === "string" && t.toLowerCase() === v.toLowerCase());
    if (!type)
      throw new EmulatorError(
        400,
        "InvalidEmailControl",
        `\`${field}\` must be one or a list of ${VERIFICATION_TYPES.join(", ")}.`,
        {},
        field,
      );
    return type;
  });
}

/** `POST /email/domains/{name}/verification {verificationType?, status?, errorCode?}`: sets records' states now (default: all Verified). */
function markVerification(runtime: EmulatorRuntime, domain: DomainRecord, body: unknown): unknown {
  const input = body === undefined ? {} : body;
  if (!isRecord(input)) throw new EmulatorError(400, "InvalidEmailControl", "The body must be a JSON object.");
  const status = input.status ?? "Verified";
  if (typeof status !== "string" || !(VERIFICATION_STATUSES as readonly string[]).includes(status)) {
    throw new EmulatorError(400, "InvalidEmailControl", `\`status\` must be one of ${VERIFICATION_STATUSES.join(", ")}.`, {}, "status");
  }
  if (input.errorCode !== undefined && typeof input.errorCode !== "string")
    throw new EmulatorError(400, "InvalidEmailControl", "`errorCode` must be a string.", {}, "errorCode");
  for (const type of verificationTypes(input.verificationType, "verificationType")) {
    domain.verificationStates[type] = {
      status: status as DomainRecord["verificationStates"][VerificationType]["status"],
      ...(input.errorCode ? { errorCode: input.errorCode as string } : {}),
    };
  }
  runtime.changed();
  return { domain: domain.name, verificationStates: domain.verificationStates };
}

/** `PUT /email/domains/{name}/dns {unpublished: [...]}`: records the fake DNS lacks; their verification then fails. */
function setUnpublished(runtime: EmulatorRuntime, domain: DomainRecord, body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.unpublished))
    throw new EmulatorError(400, "InvalidEmailControl", 'The body must be {"unpublished": [record types]}.', {}, "unpublished");
  domain.unpublished = body.unpublished.length === 0 ? [] : verificationTypes(body.unpublished, "unpublished");
  runtime.changed();
  return { domain: domain.name, unpublished: domain.unpublished };
}
