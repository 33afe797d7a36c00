// The HTTP layer in process (app.inject, fake dependencies): security headers byte-identical to @fastify/helmet's,
// one request log line that says what happened, the token body, and the scopes messages.
import { Writable } from "node:stream";
import fastifyHelmet from "@fastify/helmet";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../services/token-api/src/app";
import type { Authenticator } from "../../../services/token-api/src/auth";
import { loadConfig } from "../../../services/token-api/src/config";
import { createLogger } from "../../../services/token-api/src/logger";
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
  remembers: () => true,
  authenticate: async (header) => caller(header),
  verify: async (header) => ({ caller: caller(header), roles: [], endUser: true }),
};

const lines: Array<Record<string, unknown>> = [];
let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  const { service, store, acs } = fakeService(2000);
  const logger = createLogger(
    "info",
    new Writable({
      write(chunk, _encoding, callback) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    }),
  );
  app = await buildApp(config, { authenticator, tokenService: service, store, acs, metrics: noMetrics, logger });
});
afterAll(async () => app?.close());

describe("security headers", () => {
  it("are byte-identical to what @fastify/helmet sets with the same options, in the same order, on every response", async () => {
    const reference = Fastify();
    await reference.register(fastifyHelmet, SECURITY_HEADER_OPTIONS);
    reference.get("/healthz", async () => ({ status: "ok" }));
    const names = computeSecurityHeaders().map(([name]) => name.toLowerCase());
    expect(names).toHaveLength(12);
    const helmetPart = (headers: Record<string, unknown>) => Object.entries(headers).filter(([name]) => names.includes(name));
    const expected = helmetPart((await reference.inject({ method: "GET", url: "/healthz" })).headers);
    expect(expected.map(([name]) => name)).toEqual(names);
    for (const url of ["/healthz", "/no-such-route"]) {
      expect(helmetPart((await app.inject({ method: "GET", url })).headers), url).toEqual(expected);
    }
    const token = await app.inject({ method: "POST", url: "/api/token", headers: { authorization: "Bearer user-headers" } });
    expect(helmetPart(token.headers)).toEqual(expected);
    // helmet's defaults with the API's two directives (useDefaults), as @fastify/helmet has always sent them.
    expect(token.headers["content-security-policy"]).toBe(
      "default-src 'none';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;" +
        "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
    );
    expect(token.headers["cross-origin-resource-policy"]).toBe("same-origin");
    await reference.close();
  });
});

describe("requests", () => {
  it("answers a token as JSON and logs one line naming the request, its status and time", async () => {
    lines.length = 0;
    const response = await app.inject({ method: "POST", url: "/api/token?x=secret", headers: { authorization: "Bearer user-logged" } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-store");
    const body = response.json() as { token: string; expiresOn: string; acsUserId: string };
    expect(Object.keys(body)).toEqual(["token", "expiresOn", "acsUserId"]);
    expect(body.acsUserId).toMatch(/^8:acs:user-\d+$/);
    expect(body.token).toMatch(new RegExp(`^token-${body.acsUserId}-\\d+$`));
    expect(new Date(body.expiresOn).toISOString()).toBe(body.expiresOn);
    const logged = lines.filter((line) => line.msg === "request completed");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 30, service: "acs-token-api", method: "POST", path: "/api/token", statusCode: 200 });
    expect(typeof logged[0]!.reqId).toBe("string");
    expect(typeof logged[0]!.ms).toBe("number");
    expect(JSON.stringify(lines)).not.toContain("secret");
    expect(JSON.stringify(lines)).not.toContain(body.token);
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
