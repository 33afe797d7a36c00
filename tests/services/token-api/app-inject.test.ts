// The HTTP layer in process (app.inject, fake dependencies): the security headers a JSON API needs (as @fastify/helmet
// sets them), CORS with and without origins, the request log at each level, the token body, and the scopes messages.
import { Writable } from "node:stream";
import fastifyHelmet from "@fastify/helmet";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../services/token-api/src/app";
import type { Authenticator } from "../../../services/token-api/src/auth";
import { loadConfig } from "../../../services/token-api/src/config";
import { createLogger, createRequestLog } from "../../../services/token-api/src/logger";
import { sanitizedError } from "../../../services/token-api/src/telemetry";
import { computeSecurityHeaders, SECURITY_HEADER_OPTIONS } from "../../../services/token-api/src/securityHeaders";
import { fakeService, noMetrics } from "./fakes";

const config = loadConfig({
  ACS_AUTH_MODE: "managed-identity",
  ACS_ENDPOINT: "https://acs.example.communication.azure.com",
  OIDC_ISSUER: "https://issuer.example",
  OIDC_AUDIENCE: "api://acs-token-api",
  MAPPING_TABLE_ENDPOINT: "https://stacs.table.core.windows.net",
});

/** Accepts `Bearer user-<name>` as the caller <name>. */
const caller = (header: string | undefined) => ({ issuer: "https://issuer.example", subject: header!.slice("Bearer user-".length) });
const authenticator: Authenticator = {
  recall: (header) => ({ caller: caller(header), roles: [], endUser: true }),
  authenticate: async (header) => caller(header),
  verify: async (header) => ({ caller: caller(header), roles: [], endUser: true }),
};

/** A pino destination that parses every line into `into`. */
const lineSink = (into: Array<Record<string, unknown>>) =>
  new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) into.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });

let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  const { service, store, acs } = fakeService(2000);
  const logger = createLogger("silent");
  app = await buildApp(config, { authenticator, tokenService: service, store, acs, metrics: noMetrics, logger });
});
afterAll(async () => app?.close());

describe("security headers", () => {
  it("are byte-identical to what @fastify/helmet sets with the same options, in the same order, on every response", async () => {
    const reference = Fastify();
    await reference.register(fastifyHelmet, SECURITY_HEADER_OPTIONS);
    reference.get("/healthz", async () => ({ status: "ok" }));
    const names = computeSecurityHeaders().map(([name]) => name.toLowerCase());
    const helmetPart = (headers: Record<string, unknown>) => Object.entries(headers).filter(([name]) => names.includes(name));
    const expected = helmetPart((await reference.inject({ method: "GET", url: "/healthz" })).headers);
    expect(expected.map(([name]) => name)).toEqual(names);
    for (const url of ["/healthz", "/no-such-route"]) {
      expect(helmetPart((await app.inject({ method: "GET", url })).headers), url).toEqual(expected);
    }
    const token = await app.inject({ method: "POST", url: "/api/token", headers: { authorization: "Bearer user-headers" } });
    expect(helmetPart(token.headers)).toEqual(expected);
    await reference.close();
  });
});

describe('the headers of a JSON API (OWASP REST Security Cheat Sheet, "Security Headers")', () => {
  it("a token response carries exactly these headers, none of helmet's HTML-only ones", async () => {
    const token = await app.inject({ method: "POST", url: "/api/token", headers: { authorization: "Bearer user-only" } });
    expect(token.statusCode).toBe(200);
    const { date, "content-length": length, ...rest } = token.headers;
    expect(typeof date).toBe("string");
    expect(Number(length)).toBe(token.body.length);
    expect(rest).toEqual({
      "content-security-policy": "default-src 'none';frame-ancestors 'none'",
      "cross-origin-resource-policy": "same-origin",
      "strict-transport-security": "max-age=31536000; includeSubDomains",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "cache-control": "no-store",
      "content-type": "application/json; charset=utf-8",
      connection: "keep-alive",
    });
  });

  it("errors carry the same security headers as successes", async () => {
    const missing = await app.inject({
      method: "POST",
      url: "/api/token",
      headers: { authorization: "Bearer user-errors" },
      payload: { nope: 1 },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    expect(missing.headers["x-frame-options"]).toBe("DENY");
    expect(missing.headers["cache-control"]).toBe("no-store");
  });
});

describe("CORS", () => {
  const preflight = { origin: "http://localhost:5173", "access-control-request-method": "POST" };
  const withOrigins = async (origins: string | undefined) => {
    const { service, store, acs } = fakeService(2000);
    const cfg = loadConfig({
      ACS_AUTH_MODE: "managed-identity",
      ACS_ENDPOINT: "https://acs.example.communication.azure.com",
      OIDC_ISSUER: "https://issuer.example",
      OIDC_AUDIENCE: "api://acs-token-api",
      MAPPING_TABLE_ENDPOINT: "https://stacs.table.core.windows.net",
      ...(origins ? { CORS_ALLOWED_ORIGINS: origins } : {}),
    });
    return buildApp(cfg, { authenticator, tokenService: service, store, acs, metrics: noMetrics, logger: createLogger("silent") });
  };

  it("with no origins configured: a preflight is an unknown route (404 in the error shape) and no response allows an origin", async () => {
    const none = await withOrigins(undefined);
    const options = await none.inject({ method: "OPTIONS", url: "/api/token", headers: preflight });
    expect([options.statusCode, options.json()]).toEqual([404, { error: { code: "not_found", message: "No such route." } }]);
    expect(options.headers["access-control-allow-origin"]).toBeUndefined();
    const token = await none.inject({
      method: "POST",
      url: "/api/token",
      headers: { authorization: "Bearer user-cors", origin: "http://localhost:5173" },
    });
    expect(token.statusCode).toBe(200);
    expect(Object.keys(token.headers).filter((name) => name.startsWith("access-control-") || name === "vary")).toEqual([]);
    await none.close();
  });

  it("with origins configured: a listed origin's preflight is answered and its requests allowed; another origin is not", async () => {
    const some = await withOrigins("http://localhost:5173");
    const allowed = await some.inject({ method: "OPTIONS", url: "/api/token", headers: preflight });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
    expect(allowed.headers["access-control-allow-methods"]).toBe("GET, POST, DELETE");
    expect(allowed.headers["access-control-allow-headers"]).toBe("authorization, content-type");
    expect(allowed.headers["access-control-max-age"]).toBe("600");
    const other = await some.inject({ method: "OPTIONS", url: "/api/token", headers: { ...preflight, origin: "https://evil.example" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const token = await some.inject({
      method: "POST",
      url: "/api/token",
      headers: { authorization: "Bearer user-cors", origin: "http://localhost:5173" },
    });
    expect([token.statusCode, token.headers["access-control-allow-origin"], token.headers.vary]).toEqual([
      200,
      "http://localhost:5173",
      "Origin",
    ]);
    await some.close();
  });
});

describe("requests", () => {
  it("answers a token as JSON", async () => {
    const response = await app.inject({ method: "POST", url: "/api/token", headers: { authorization: "Bearer user-json" } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-store");
    const body = response.json() as { token: string; expiresOn: string; acsUserId: string };
    expect(Object.keys(body)).toEqual(["token", "expiresOn", "acsUserId"]);
    expect(body.acsUserId).toMatch(/^8:acs:user-\d+$/);
    expect(body.token).toMatch(new RegExp(`^token-${body.acsUserId}-\\d+$`));
    expect(new Date(body.expiresOn).toISOString()).toBe(body.expiresOn);
    // The body is exactly what JSON.stringify would write (the 200 goes through fast-json-stringify).
    expect(response.body).toBe(JSON.stringify(body));
  });

  it("a nested scopes array: 400 naming the field and the shape", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/token",
      headers: { authorization: "Bearer user-nested" },
      payload: { scopes: [["chat"]] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: "invalid_request",
        message: "scopes: item 0 is an array; expected an array of scope names (allowed: chat.join.limited, voip.join)",
        details: [
          { field: "scopes", message: "item 0 is an array; expected an array of scope names (allowed: chat.join.limited, voip.join)" },
        ],
      },
    });
  });
});

describe("browser callers", () => {
  it("a browser on an allowed origin can read Retry-After of a 429 (exposed), and the answer names the origin", async () => {
    const origin = "http://localhost:5173";
    const limited = await buildApp(
      loadConfig({
        ACS_AUTH_MODE: "managed-identity",
        ACS_ENDPOINT: "https://acs.example.communication.azure.com",
        OIDC_ISSUER: "https://issuer.example",
        OIDC_AUDIENCE: "api://acs-token-api",
        MAPPING_TABLE_ENDPOINT: "https://stacs.table.core.windows.net",
        CORS_ALLOWED_ORIGINS: origin,
        RATE_LIMIT_PER_USER_PER_MINUTE: "1",
      }),
      (({ service, store, acs }) => ({
        authenticator,
        tokenService: service,
        store,
        acs,
        metrics: noMetrics,
        logger: createLogger("silent"),
      }))(fakeService(2000)),
    );
    try {
      const request = { method: "POST", url: "/api/token", headers: { authorization: "Bearer user-throttled", origin } } as const;
      const first = await limited.inject(request);
      expect(first.statusCode).toBe(200);
      expect(first.headers["access-control-expose-headers"]).toBe("retry-after");
      const second = await limited.inject(request);
      expect(second.statusCode).toBe(429);
      expect(second.headers["access-control-allow-origin"]).toBe(origin);
      expect(second.headers["access-control-expose-headers"]).toBe("retry-after");
      expect(Number(second.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });
});

describe("the request log (logger.ts, createRequestLog)", () => {
  // No summary timer fires and no request counts as slow during a test: only a flush writes counts, only a failure
  // gets its own line (REQUEST_LOG's 10 s and 1 s would make the assertions depend on how loaded the machine is).
  const NEVER_MS = 2 ** 31 - 1;
  const logApp = async (level: string) => {
    const logged: Array<Record<string, unknown>> = [];
    const { service, store, acs } = fakeService(2000);
    const logger = createLogger(level, lineSink(logged));
    const built = await buildApp(config, {
      authenticator,
      tokenService: service,
      store,
      acs,
      metrics: noMetrics,
      logger,
      requestLog: { summaryMs: NEVER_MS, slowMs: Number.POSITIVE_INFINITY },
    });
    return { app: built, logged };
  };
  const named = (logged: Array<Record<string, unknown>>, msg: string) => logged.filter((line) => line.msg === msg);

  it("at info: a failure gets its own line at once; successes are counted per route and status, written on flush", async () => {
    const { app: logging, logged } = await logApp("info");
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await logging.inject({ method: "POST", url: "/api/token?x=secret", headers: { authorization: "Bearer user-counted" } });
      expect(ok.statusCode).toBe(200);
      tokens.push((ok.json() as { token: string }).token);
    }
    expect((await logging.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    const bad = await logging.inject({
      method: "POST",
      url: "/api/token?x=secret",
      headers: { authorization: "Bearer user-counted" },
      payload: { nope: 1 },
    });
    expect(bad.statusCode).toBe(400);
    const failures = named(logged, "request completed");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 30, service: "acs-token-api", method: "POST", path: "/api/token", statusCode: 400 });
    expect(typeof failures[0]!.reqId).toBe("string");
    expect(typeof failures[0]!.ms).toBe("number");
    expect(named(logged, "requests summarized")).toEqual([]);
    await logging.close(); // flushes the counts
    const summaries = named(logged, "requests summarized").map(({ method, route, statusCode, count }) => ({
      method,
      route,
      statusCode,
      count,
    }));
    expect(summaries).toEqual([
      { method: "POST", route: "/api/token", statusCode: 200, count: 3 },
      { method: "GET", route: "/healthz", statusCode: 200, count: 1 },
    ]);
    for (const line of named(logged, "requests summarized")) {
      expect(line.msMax).toBeGreaterThanOrEqual(line.msMean as number);
      expect(typeof line.windowMs).toBe("number");
    }
    const all = JSON.stringify(logged);
    expect(all).not.toContain("secret");
    for (const token of tokens) expect(all).not.toContain(token);
  });

  it("at debug every request gets its own line; at warn none does", async () => {
    const debug = await logApp("debug");
    expect((await debug.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect(named(debug.logged, "request completed").map(({ path, statusCode }) => ({ path, statusCode }))).toEqual([
      { path: "/healthz", statusCode: 200 },
    ]);
    await debug.app.close();
    expect(named(debug.logged, "requests summarized")).toEqual([]);
    const warn = await logApp("warn");
    await warn.app.inject({ method: "GET", url: "/healthz" });
    await warn.app.inject({ method: "GET", url: "/no-such-route" });
    await warn.app.close();
    expect(warn.logged.filter((line) => line.msg === "request completed" || line.msg === "requests summarized")).toEqual([]);
  });

  it("a success slower than slowMs gets its own line; each flush writes the counts since the last one", () => {
    const logged: Array<Record<string, unknown>> = [];
    const log = createRequestLog(createLogger("info", lineSink(logged)), { slowMs: 500, summaryMs: 60_000 });
    const request = (url: string, route: string) => ({ id: "req-1", method: "GET", url, route });
    log.record(request("/api/conversations/order/7", "/api/conversations/:type/:id"), 200, 499);
    log.record(request("/api/conversations/order/8", "/api/conversations/:type/:id"), 200, 12);
    log.record(request("/api/conversations/order/9?next=x", "/api/conversations/:type/:id"), 200, 500);
    expect(named(logged, "request completed").map(({ path, ms }) => ({ path, ms }))).toEqual([
      { path: "/api/conversations/order/9", ms: 500 },
    ]);
    log.flush();
    expect(named(logged, "requests summarized").map(({ route, count, msMax, msMean }) => ({ route, count, msMax, msMean }))).toEqual([
      { route: "/api/conversations/:type/:id", count: 2, msMax: 499, msMean: 256 },
    ]);
    log.flush();
    expect(named(logged, "requests summarized")).toHaveLength(1);
    log.close();
  });
});

describe("unexpected errors sent to telemetry (telemetry.ts, sanitizedError)", () => {
  it("keeps the name, code and status the log line keeps; never the message or a stack frame", () => {
    const upstream = Object.assign(new Error("connect failed: endpoint=https://x;accesskey=SECRET"), {
      name: "RestError",
      code: "ECONNRESET",
      statusCode: 502,
    });
    const sent = sanitizedError(upstream);
    expect([sent.name, sent.message, sent.stack]).toEqual([
      "RestError",
      "code ECONNRESET, status 502",
      "RestError: code ECONNRESET, status 502",
    ]);
    expect([sanitizedError(new RangeError("Invalid time value")).stack, sanitizedError("a string").stack]).toEqual([
      "RangeError: no code",
      "Error: no code",
    ]);
  });
});
