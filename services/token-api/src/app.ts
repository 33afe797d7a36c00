// The Fastify app factory: routes with zod schemas (which also generate /openapi.json), authentication, limits and error mapping.
import type { Socket } from "node:net";
import fastJson from "fast-json-stringify";
import Fastify, { LogController, type FastifyRequest, type FastifyServerOptions } from "fastify";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Logger as PinoLogger } from "pino";
import { z } from "zod";
import { UpstreamRejectedError, describe, type AcsIdentityGateway } from "./acs";
import type { Authenticator, CallerIdentity } from "./auth";
import { monotonicNow } from "./clock";
import type { TokenApiConfig } from "./config";
import { Deadline } from "./deadline";
import { ApiError, HeadersTooLargeError, ServiceUnavailableError, ValidationError } from "./errors";
import { createGate } from "./gate";
import { createRequestLog, type RequestLogSettings } from "./logger";
import type { MappingStore } from "./mappingStore";
import { computeSecurityHeaders } from "./securityHeaders";
import { TOKEN_LIFETIME_MINUTES } from "./settings";
import { DuplicateMemberError, parseStrictJson } from "./strictJson";
import { recordUnexpectedError, type Metrics } from "./telemetry";
import { conversationRoutes } from "./conversations/routes";
import type { ConversationService } from "./conversations/service";
import type { TokenService } from "./tokenService";

export interface AppDeps {
  authenticator: Authenticator;
  tokenService: TokenService;
  store: MappingStore;
  acs: AcsIdentityGateway;
  metrics: Metrics;
  logger: PinoLogger;
  /** Proxy hops to trust for the client IP (App Service fronts the app with one). */
  trustProxyHops?: number;
  /** This instance's name in /readyz (App Service: WEBSITE_INSTANCE_ID). */
  instanceId?: string;
  /** The conversations API (docs/conversations.md); its routes are registered when present. */
  conversations?: ConversationService;
  /** The request log's summary interval and slow threshold (default REQUEST_LOG, logger.ts). */
  requestLog?: RequestLogSettings;
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: CallerIdentity;
    deadline: Deadline;
  }
}

const READINESS_CACHE_MS = 2000;

/** The one error body (docs/token-api.md "Errors"). */
const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: "Error" });

/** The request body of POST /api/token for the configured scopes and lifetimes. */
function tokenRequestSchema(tokens: TokenApiConfig["tokens"]) {
  return z.strictObject({
    scopes: z
      .array(z.enum(tokens.allowedScopes as [string, ...string[]]))
      .min(1)
      .max(8)
      .optional()
      .describe(`ACS scopes; default: all allowed (${tokens.allowedScopes.join(", ")})`),
    lifetimeMinutes: z
      .number()
      .int()
      .min(TOKEN_LIFETIME_MINUTES.min)
      .max(tokens.maxLifetimeMinutes)
      .optional()
      .describe(`Token lifetime; default ${tokens.defaultLifetimeMinutes}`),
  });
}

const tokenResponseSchema = z.object({ token: z.string(), expiresOn: z.iso.datetime(), acsUserId: z.string() });
const readinessSchema = z.object({
  status: z.enum(["ready", "not-ready"]),
  instance: z.string(),
  checks: z.object({
    mappingStore: z.enum(["ok", "unavailable"]),
    acs: z.enum(["ok", "unavailable"]),
    secret: z.enum(["ok", "unavailable"]),
  }),
  acsAuth: z.object({
    mode: z.enum(["key-vault", "managed-identity"]),
    secretVersion: z.string().nullable().optional(),
    activeKey: z.string().nullable().optional(),
  }),
});

const errors = (...statuses: Array<400 | 401 | 413 | 415 | 429 | 431 | 503>) =>
  Object.fromEntries(statuses.map((status) => [status, errorBodySchema]));

/** One JSON answer for connection-level errors Node raises before Fastify sees a request (431, malformed HTTP). */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const body = JSON.stringify(
    tooLarge ? new HeadersTooLargeError().body() : { error: { code: "invalid_request", message: "The request is not valid HTTP." } },
  );
  socket.end(
    `HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Fastify's compiler factories returning zod's compilers (its typings name ajv's; the call shape is the same). */
const zodCompilersFactory = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;

export async function buildApp(config: TokenApiConfig, deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // One line per request from our onResponse hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (1.9 % of a cache hit's CPU in a profile): request.log is the root logger, and the
    // lines that concern a request carry its reqId themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: 4096,
    // Headers are capped by Node's default maxHeaderSize (16 KiB): room for an 8 KiB JWT, nothing more.
    // 800: a conversation route's `subject` segment is an OIDC sub of up to 255 characters, percent-encoded up to 3x.
    routerOptions: { maxParamLength: 800 },
    // Trusting only the nearest hops keeps a client-written X-Forwarded-For from choosing its rate-limit bucket.
    trustProxy: (_address: string, hop: number) => hop < (deps.trustProxyHops ?? 0),
    requestTimeout: config.upstream.requestDeadlineMs + 5000,
    return503OnClosing: true,
    clientErrorHandler,
    // Every schema is zod's: without these factories Fastify loads and sets up ajv and fast-json-stringify as its
    // defaults, unused, at start (a third of building the app in a --cpu-prof of the bundle).
    // https://fastify.dev/docs/latest/Reference/Server/#schemacontroller
    schemaController: { compilersFactory: zodCompilersFactory },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "ACS token API",
        version: "1.0.0",
        description: "Short-lived Azure Communication Services tokens for authenticated app users.",
      },
      components: { securitySchemes: { oidc: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      security: [{ oidc: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The security headers (securityHeaders.ts), computed once; set on the raw response as @fastify/helmet did.
  const securityHeaders = computeSecurityHeaders();
  // CORS only where origins are configured: with none, @fastify/cors (origin: false) added a hook to every request
  // that did nothing, and its OPTIONS route answered 404 like any unknown route (tests/services/token-api/app-inject.test.ts).
  if (config.corsAllowedOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsAllowedOrigins,
      methods: ["GET", "POST", "DELETE"],
      allowedHeaders: ["authorization", "content-type"],
      // Retry-After is not a CORS-safelisted response header (https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name):
      // unless exposed, a browser app sees a 429 or 503 but not when to retry, and retries blind.
      exposedHeaders: ["retry-after"],
      maxAge: 600,
    });
  }
  // Limits are called from our hooks (not as route hooks) so they run in a fixed order and fail in our error shape.
  await app.register(rateLimit, { global: false });
  const gate = createGate(app, config, deps.authenticator);

  // JSON only: a text/plain body gets 415 rather than a confusing type error.
  app.removeContentTypeParser("text/plain");
  // An empty body with a JSON content type means "no options", as many HTTP clients send it that way.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, parseStrictJson(text));
    } catch (error) {
      done(new ValidationError("body", error instanceof DuplicateMemberError ? error.message : "is not valid JSON"), undefined);
    }
  });

  app.decorateRequest("deadline", undefined as unknown as Deadline);
  // No body at all means "no options", like an empty JSON body. (A callback hook: no promise per request.)
  app.addHook("preValidation", (request, _reply, done) => {
    if (request.body === null || request.body === undefined) request.body = {};
    done();
  });
  app.addHook("onRequest", (request, reply, done) => {
    for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
    request.deadline = Deadline.after(config.upstream.requestDeadlineMs);
    reply.header("cache-control", "no-store");
    done();
  });

  // Failures and slow requests one line each, successes counted (logger.ts, createRequestLog).
  const requestLog = createRequestLog(deps.logger, deps.requestLog);
  app.addHook("onResponse", (request, reply, done) => {
    requestLog.record(
      { id: request.id, method: request.method, url: request.url, route: request.routeOptions.url },
      reply.statusCode,
      reply.elapsedTime,
    );
    done();
  });
  app.addHook("onClose", (_instance, done) => {
    requestLog.close();
    done();
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: { code: "not_found", message: "No such route." } }));

  app.setErrorHandler(async (error, request, reply) => {
    let mapped: ApiError | undefined;
    if (error instanceof ApiError) mapped = error;
    else if (error instanceof UpstreamRejectedError) {
      request.log.warn({ upstreamStatus: error.statusCode, upstreamCode: error.upstreamCode }, "ACS rejected a request");
      mapped = new ServiceUnavailableError("acs_unavailable", "Azure Communication Services rejected the request; retry later.");
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0]!;
      const keys = (issue.params as { keys?: string[] }).keys;
      const path = issue.instancePath.split("/").filter(Boolean).join(".");
      if (issue.keyword === "unrecognized_keys") mapped = new ValidationError(keys?.[0] ?? "body", "is not a known field");
      else if (issue.keyword === "invalid_value" && path.startsWith("scopes.")) {
        const index = Number(path.split(".")[1]);
        const given = (request.body as { scopes?: unknown[] } | undefined)?.scopes?.[index];
        const allowed = config.tokens.allowedScopes.join(", ");
        mapped =
          typeof given === "string"
            ? new ValidationError("scopes", `${JSON.stringify(given.slice(0, 64))} is not allowed (allowed: ${allowed})`)
            : new ValidationError(
                "scopes",
                `item ${index} is ${given === null ? "null" : Array.isArray(given) ? "an array" : `a ${typeof given}`}; expected an array of scope names (allowed: ${allowed})`,
              );
      } else mapped = new ValidationError(path || "body", issue.message ?? "is invalid");
    }
    if (mapped) {
      if (mapped.status >= 500) request.log.warn({ code: mapped.code }, "dependency unavailable");
      return reply.code(mapped.status).headers(mapped.headers()).send(mapped.body());
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, body too large, wrong media type): safe, fixed messages.
      const code = status === 413 ? "payload_too_large" : status === 415 ? "unsupported_media_type" : "invalid_request";
      const message =
        status === 413
          ? "The request body is too large."
          : status === 415
            ? "Send application/json."
            : "body: the request body is not valid JSON.";
      return reply.code(status).send({ error: { code, message } });
    }
    request.log.error({ err: describe(error) }, "unexpected error");
    recordUnexpectedError(error);
    return reply.code(500).send({ error: { code: "internal_error", message: "Unexpected error." } });
  });

  /** End-user routes: a verified token with the required scope (gate.ts), counted against the caller's own budget. */
  const authenticate = async (request: FastifyRequest) => {
    await gate.verify(request, { endUser: true });
    await gate.countUser(request);
  };

  app.get(
    "/healthz",
    { schema: { security: [], summary: "Liveness", response: { 200: z.object({ status: z.literal("ok") }) } } },
    async () => ({ status: "ok" as const }),
  );

  const instance = deps.instanceId ?? "local";
  // Dependency probes are cached briefly (a probe storm must not hit ACS); the secret version is always live,
  // because the rotation runbook waits on it.
  let probes: { at: number; result: Promise<z.infer<typeof readinessSchema>["checks"]> } | undefined;
  const probe = async () => {
    const [store, acs] = await Promise.allSettled([deps.store.ping(Deadline.after(2000)), deps.acs.probe()]);
    return {
      mappingStore: store.status === "fulfilled" ? "ok" : "unavailable",
      acs: acs.status === "fulfilled" ? "ok" : "unavailable",
      secret: "ok",
    } as const;
  };
  app.get(
    "/readyz",
    {
      schema: {
        security: [],
        summary: "Readiness of the mapping store, ACS and the secret; the secret version this instance uses",
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      if (!probes || monotonicNow() - probes.at > READINESS_CACHE_MS) probes = { at: monotonicNow(), result: probe() };
      const checks = { ...(await probes.result), secret: deps.acs.ready() ? ("ok" as const) : ("unavailable" as const) };
      const ok = Object.values(checks).every((value) => value === "ok");
      const status = deps.acs.status();
      const acsAuth =
        status.mode === "key-vault"
          ? { mode: status.mode, secretVersion: status.secretVersion ?? null, activeKey: status.activeKey ?? null }
          : { mode: status.mode };
      return reply.code(ok ? 200 : 503).send({ status: ok ? "ready" : "not-ready", instance, checks, acsAuth });
    },
  );

  const defaultScopes = [...new Set(config.tokens.allowedScopes)].sort();
  const tokenBody = fastJson(z.toJSONSchema(tokenResponseSchema) as Parameters<typeof fastJson>[0]);
  app.post(
    "/api/token",
    {
      onRequest: authenticate,
      // Bodies this handler and the error handler build from our own strings, so no zod serializer (it validates every
      // response against its schema first): the 200 through fast-json-stringify compiled once from the same schema
      // (fastify's own serializer for JSON schemas), the rarer error bodies through JSON.stringify.
      serializerCompiler: ({ httpStatus }) => (httpStatus === "200" ? tokenBody : (data) => JSON.stringify(data)),
      schema: {
        summary: "Issue an ACS token for the caller's ACS identity (created on first use)",
        body: tokenRequestSchema(config.tokens),
        response: { 200: tokenResponseSchema, ...errors(400, 401, 413, 415, 429, 431, 503) },
      },
    },
    async (request) => {
      const scopes = request.body.scopes ? [...new Set(request.body.scopes)].sort() : defaultScopes;
      const lifetime = request.body.lifetimeMinutes ?? config.tokens.defaultLifetimeMinutes;
      const issued = await deps.tokenService.issue(request.caller!, scopes, lifetime, request.deadline);
      return { token: issued.token, expiresOn: issued.expiresOn.toISOString(), acsUserId: issued.acsUserId };
    },
  );

  app.post(
    "/api/token/revoke",
    {
      onRequest: authenticate,
      schema: {
        summary: "Revoke every ACS token of the caller (every instance stops serving them)",
        response: { 204: z.null(), ...errors(401, 429, 431, 503) },
      },
    },
    async (request, reply) => {
      await deps.tokenService.revoke(request.caller!, request.deadline);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/api/me",
    {
      onRequest: authenticate,
      schema: {
        summary: "Erase the caller: leave every conversation, then delete the ACS identity and its mapping (idempotent)",
        response: { 204: z.null(), ...errors(401, 429, 431, 503) },
      },
    },
    async (request, reply) => {
      await deps.conversations?.leaveAll(request.caller!, request.deadline);
      await deps.tokenService.erase(request.caller!, request.deadline);
      return reply.code(204).send(null);
    },
  );

  if (deps.conversations) {
    await app.register(conversationRoutes, { config, gate, conversations: deps.conversations });
  }

  let document: ReturnType<typeof app.swagger> | undefined;
  app.get("/openapi.json", { schema: { security: [], summary: "This document (generated from the route schemas)" } }, async () => {
    if (!document) {
      document = structuredClone(app.swagger());
      // The body is optional (a missing one is read as {}); the generator marks every body schema required.
      const body = (document as { paths?: Record<string, { post?: { requestBody?: { required?: boolean } } }> }).paths?.["/api/token"]?.post
        ?.requestBody;
      if (body) body.required = false;
    }
    return document;
  });

  return app;
}
