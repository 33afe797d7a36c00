// The Fastify app factory: routes, authentication, abuse controls and error mapping, with every dependency passed in.
import Fastify, { LogController, type FastifyRequest } from "fastify";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import type { Logger as PinoLogger } from "pino";
import { z } from "zod";
import { UpstreamRejectedError, describe, type AcsIdentityGateway } from "./acs";
import type { Authenticator, CallerIdentity } from "./auth";
import type { TokenApiConfig } from "./config";
import { ApiError, RateLimitedError, ServiceUnavailableError, ValidationError } from "./errors";
import type { MappingStore } from "./mappingStore";
import { openApiDocument } from "./openapi";
import { FixedWindowLimiter } from "./rateLimit";
import type { Metrics } from "./telemetry";
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
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: CallerIdentity;
  }
}

const tokenRequestSchema = z.strictObject({
  scopes: z.array(z.string().max(64)).min(1).max(8).optional(),
  lifetimeMinutes: z.number().int().min(60).max(1440).optional(),
});

const READINESS_CACHE_MS = 2000;

export async function buildApp(config: TokenApiConfig, deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // One line per request from our onResponse hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4096,
    // Headers are capped by Node's default maxHeaderSize (16 KiB): room for an 8 KiB JWT, nothing more.
    routerOptions: { maxParamLength: 200 },
    // Trusting only the nearest hops keeps a client-written X-Forwarded-For from choosing its rate-limit bucket.
    trustProxy: (_address: string, hop: number) => hop < (deps.trustProxyHops ?? 0),
    requestTimeout: config.upstream.requestDeadlineMs + 5000,
    return503OnClosing: true,
  });

  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: "same-origin" },
  });
  await app.register(cors, {
    origin: config.corsAllowedOrigins.length > 0 ? config.corsAllowedOrigins : false,
    methods: ["GET", "POST", "DELETE"],
    allowedHeaders: ["authorization", "content-type"],
    maxAge: 600,
  });

  // JSON only: a text/plain body gets 415 rather than a confusing type error.
  app.removeContentTypeParser("text/plain");
  // An empty body with a JSON content type means "no options", as many HTTP clients send it that way.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ValidationError("body", "is not valid JSON"), undefined);
    }
  });

  const perIp = new FixedWindowLimiter(config.rateLimits.perIpPerMinute);
  const perUser = new FixedWindowLimiter(config.rateLimits.perUserPerMinute);

  app.addHook("onRequest", async (request, reply) => {
    reply.header("cache-control", "no-store");
    if (request.url === "/healthz" || request.url === "/readyz") return;
    const wait = perIp.hit(request.ip);
    if (wait !== undefined) throw new RateLimitedError(wait);
  });

  app.addHook("onResponse", async (request, reply) => {
    // The path without its query string: a query might carry a credential.
    request.log.info(
      { method: request.method, path: request.url.split("?")[0]!.slice(0, 200), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request completed",
    );
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: { code: "not_found", message: "No such route." } }));

  app.setErrorHandler(async (error, request, reply) => {
    let mapped: ApiError | undefined;
    if (error instanceof ApiError) mapped = error;
    else if (error instanceof UpstreamRejectedError) {
      request.log.warn({ upstreamStatus: error.statusCode, upstreamCode: error.upstreamCode }, "ACS rejected a request");
      mapped = new ServiceUnavailableError("acs_unavailable", "Azure Communication Services rejected the request; retry later.");
    }
    if (mapped) {
      if (mapped.status >= 500) request.log.warn({ code: mapped.code }, "dependency unavailable");
      return reply.code(mapped.status).headers(mapped.headers()).send(mapped.body());
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, body too large, wrong media type): safe, fixed messages.
      const code = status === 413 ? "payload_too_large" : status === 415 ? "unsupported_media_type" : "invalid_request";
      const message = status === 413 ? "The request body is too large." : status === 415 ? "Send application/json." : "body: the request body is not valid JSON.";
      return reply.code(status).send({ error: { code, message } });
    }
    request.log.error({ err: describe(error) }, "unexpected error");
    return reply.code(500).send({ error: { code: "internal_error", message: "Unexpected error." } });
  });

  const authenticate = async (request: FastifyRequest) => {
    request.caller = await deps.authenticator.authenticate(request.headers.authorization);
    const wait = perUser.hit(`${request.caller.issuer}\n${request.caller.subject}`);
    if (wait !== undefined) throw new RateLimitedError(wait);
  };

  app.get("/healthz", async () => ({ status: "ok" }));

  let readiness: { at: number; result: Promise<{ ok: boolean; body: object }> } | undefined;
  const checkReadiness = async () => {
    const [store, acs] = await Promise.allSettled([deps.store.ping(), deps.acs.probe()]);
    const secretLoaded = deps.acs.ready();
    const checks = {
      mappingStore: store.status === "fulfilled" ? "ok" : "unavailable",
      acs: acs.status === "fulfilled" ? "ok" : "unavailable",
      secret: secretLoaded ? "ok" : "unavailable",
    };
    const ok = Object.values(checks).every((value) => value === "ok");
    const status = deps.acs.status();
    const acsAuth = status.mode === "key-vault" ? { mode: status.mode, secretVersion: status.secretVersion ?? null, activeKey: status.activeKey ?? null } : { mode: status.mode };
    return { ok, body: { status: ok ? "ready" : "not-ready", checks, acsAuth } };
  };
  app.get("/readyz", async (_request, reply) => {
    if (!readiness || Date.now() - readiness.at > READINESS_CACHE_MS) readiness = { at: Date.now(), result: checkReadiness() };
    const { ok, body } = await readiness.result;
    return reply.code(ok ? 200 : 503).send(body);
  });

  const document = openApiDocument(config.tokens.allowedScopes, config.tokens.maxLifetimeMinutes);
  app.get("/openapi.json", async () => document);

  app.post("/api/token", { preHandler: authenticate }, async (request) => {
    const parsed = tokenRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length > 0 ? issue.path.map(String).join(".") : issue.code === "unrecognized_keys" ? String(issue.keys?.[0] ?? "body") : "body";
      throw new ValidationError(field, issue.code === "unrecognized_keys" ? "is not a known field" : issue.message);
    }
    const scopes = [...new Set(parsed.data.scopes ?? config.tokens.allowedScopes)].sort();
    for (const scope of scopes) {
      if (!(config.tokens.allowedScopes as string[]).includes(scope)) {
        throw new ValidationError("scopes", `"${scope.slice(0, 64)}" is not allowed (allowed: ${config.tokens.allowedScopes.join(", ")})`);
      }
    }
    const lifetime = parsed.data.lifetimeMinutes ?? config.tokens.defaultLifetimeMinutes;
    if (lifetime > config.tokens.maxLifetimeMinutes) {
      throw new ValidationError("lifetimeMinutes", `must be at most ${config.tokens.maxLifetimeMinutes}`);
    }
    const issued = await deps.tokenService.issue(request.caller!, scopes, lifetime);
    return { token: issued.token, expiresOn: issued.expiresOn.toISOString(), acsUserId: issued.acsUserId };
  });

  app.post("/api/token/revoke", { preHandler: authenticate }, async (request, reply) => {
    await deps.tokenService.revoke(request.caller!);
    return reply.code(204).send();
  });

  app.delete("/api/me", { preHandler: authenticate }, async (request, reply) => {
    await deps.tokenService.erase(request.caller!);
    return reply.code(204).send();
  });

  return app;
}
export type TokenApiApp = Awaited<ReturnType<typeof buildApp>>;
