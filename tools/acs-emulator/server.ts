// The HTTPS request pipeline: read body, route to a surface, inject faults, run, map errors, record a log row.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorRuntime, RequestContext, RouteMatch } from "./context";
import { headerValue } from "./context";
import { EmulatorError, errorBody, sendJson } from "./errors";
import { errorCodeForStatus } from "./faults";
import { matchIdentity } from "./handlers/identity";
import { matchChat } from "./handlers/chat";
import { matchArm } from "./handlers/arm";
import { matchArmEstate } from "./handlers/arm-estate";
import { matchEmail } from "./handlers/email";
import { matchKeyVault } from "./handlers/keyVault";
import { matchLogAnalytics } from "./handlers/logAnalytics";
import { matchPhoneNumbers } from "./handlers/phoneNumbers";
import { MAX_LOG_ROWS } from "./state";

export const MAX_BODY_BYTES = 1024 * 1024;

type Matcher = (method: string, segments: string[], url: URL) => RouteMatch | undefined;
const MATCHERS: Matcher[] = [
  matchIdentity,
  matchChat,
  matchEmail,
  matchArmEstate,
  matchArm,
  matchKeyVault,
  matchLogAnalytics,
  matchPhoneNumbers,
];

/**
 * The surfaces a browser may call across origins, as in Azure: the ACS data plane (identity, chat, email), whose
 * JavaScript SDKs document browser support (https://learn.microsoft.com/javascript/api/overview/azure/communication-chat-readme#browser-support),
 * so a web app on another origin (the dev stack's http://localhost:5173) calls chat with the token the token API
 * gave it. Key Vault answers no CORS at all ("due to service limitations we're unable to provide browser support",
 * https://github.com/Azure/azure-sdk-for-js/pull/9716; https://github.com/Azure/azure-sdk-for-js/issues/5790), and ARM
 * and Log Analytics are not called from the platform's browser apps: their preflights get no CORS headers, so a
 * browser refuses them here as it would there rather than working locally only.
 */
const CORS_MATCHERS: ReadonlySet<Matcher> = new Set([matchIdentity, matchChat, matchEmail]);

/** How long a browser may cache a preflight answer (seconds). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The matching route and whether its surface answers CORS. */
function findRoute(method: string, segments: string[], url: URL): { route: RouteMatch; cors: boolean } | undefined {
  for (const matcher of MATCHERS) {
    const route = matcher(method, segments, url);
    if (route) return { route, cors: CORS_MATCHERS.has(matcher) };
  }
  return undefined;
}

/**
 * A CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) for an operation of a browser surface:
 * allowed for any origin, as the ACS data plane is called with bearer tokens and no cookies; the method and headers
 * asked for are granted when the operation exists. Undefined when it is not such a preflight.
 */
function preflightHeaders(
  method: string,
  headers: IncomingMessage["headers"],
  segments: string[],
  url: URL,
): Record<string, string> | undefined {
  const origin = headerValue(headers, "origin");
  const requested = headerValue(headers, "access-control-request-method");
  if (method !== "OPTIONS" || !origin || !requested) return undefined;
  const found = findRoute(requested.toUpperCase(), segments, url);
  if (!found?.cors) return undefined;
  const requestedHeaders = headerValue(headers, "access-control-request-headers");
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": requested.toUpperCase(),
    ...(requestedHeaders ? { "access-control-allow-headers": requestedHeaders } : {}),
    "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECONDS),
    vary: "Origin",
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Handles one request; never throws (every failure becomes an Azure-shaped error body). */
export async function handleRequest(runtime: EmulatorRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = runtime.now();
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const correlationId = headerValue(req.headers, "x-ms-client-request-id") ?? randomUUID();
  const baseHeaders = { "x-ms-client-request-id": correlationId, "ms-cv": correlationId };
  let route: RouteMatch | undefined;
  const ctx: RequestContext = {
    runtime,
    events: runtime.events,
    method,
    url: new URL("https://placeholder.invalid/"),
    rawUrl,
    headers: req.headers,
    body: Buffer.alloc(0),
    log: {},
  };
  let status = 500;
  try {
    let url: URL;
    try {
      url = new URL(rawUrl, runtime.origin);
    } catch {
      throw new EmulatorError(400, "InvalidPath", "The request URL cannot be parsed.");
    }
    ctx.url = url;
    const segments = url.pathname.split("/").filter(Boolean);
    const preflight = preflightHeaders(method, req.headers, segments, url);
    if (preflight) {
      status = 200;
      req.resume();
      sendJson(res, 200, undefined, { ...baseHeaders, ...preflight });
      return;
    }
    const found = findRoute(method, segments, url);
    route = found?.route;
    // The actual request of a browser surface carries the origin back too, or the browser hides the answer.
    const origin = headerValue(req.headers, "origin");
    if (found?.cors && origin) Object.assign(baseHeaders, { "access-control-allow-origin": origin, vary: "Origin" });
    const limit = route?.maxBodyBytes ?? MAX_BODY_BYTES;
    const body = await readBody(req, limit);
    if (body === undefined) throw new EmulatorError(413, "RequestEntityTooLarge", `The request body exceeds ${limit} bytes.`);
    ctx.body = body;
    if (!route) throw new EmulatorError(404, "NotFound", `No emulated operation for ${method} ${url.pathname}.`);
    const fault = runtime.faults.take([route.operation, ...(route.aliases ?? [])]);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.drop) {
      status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 || fault.status === 503 ? 1 : undefined);
      throw new EmulatorError(
        fault.status,
        errorCodeForStatus(fault.status),
        `Injected fault for operation '${route.operation}'.`,
        retryAfter === undefined ? {} : { "retry-after": String(retryAfter) },
      );
    }
    runtime.limits?.enforce(route.operation, ctx);
    const result = await route.handle(ctx);
    status = result.status;
    sendJson(res, result.status, result.body, { ...baseHeaders, ...result.headers });
  } catch (error) {
    const known =
      error instanceof EmulatorError ? error : new EmulatorError(500, "InternalServerError", "The emulator failed to process the request.");
    if (!(error instanceof EmulatorError))
      process.stderr.write(`acs-emulator: unexpected error on ${method} ${ctx.url.pathname}: ${(error as Error).stack ?? String(error)}\n`);
    status = known.status;
    sendJson(res, known.status, errorBody(known), { ...baseHeaders, ...known.headers });
  } finally {
    if (route?.log) recordLogRow(runtime, ctx, route, status, correlationId, started);
  }
}

function recordLogRow(
  runtime: EmulatorRuntime,
  ctx: RequestContext,
  route: RouteMatch,
  status: number,
  correlationId: string,
  started: number,
): void {
  const log = route.log;
  if (!log) return;
  const { state } = runtime;
  state.logs.push({
    table: log.table,
    TimeGenerated: new Date(started).toISOString(),
    OperationName: log.operationName,
    OperationVersion: ctx.url.searchParams.get("api-version") ?? "",
    Category: log.category,
    CorrelationId: correlationId,
    ResultType: status >= 200 && status < 400 ? "Succeeded" : status === 0 ? "Dropped" : status < 500 ? "ClientError" : "ServerError",
    ResultSignature: String(status),
    ResultDescription: "",
    DurationMs: Math.max(0, runtime.now() - started),
    CallerIpAddress: "127.0.0.1",
    Level: "Informational",
    URI: `${runtime.origin}${ctx.url.pathname}`,
    SdkType: (headerValue(ctx.headers, "user-agent") ?? "").split(" ")[0] ?? "",
    PlatformType: "Node",
    Identity: ctx.log.identity ?? "",
    Scopes: ctx.log.scopes ?? "",
  });
  if (state.logs.length > MAX_LOG_ROWS) state.logs.splice(0, state.logs.length - MAX_LOG_ROWS);
  runtime.changed();
}
