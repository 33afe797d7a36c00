// Abuse controls: per-user limits and per-address failed-authentication limits (per instance) answer 429 with Retry-After,
// one user's flood never starves others behind the same address, and oversized headers get 431 in the error shape.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({
    acsAuthMode: "managed-identity",
    tokenApiEnv: { RATE_LIMIT_PER_USER_PER_MINUTE: "3", RATE_LIMIT_PER_IP_PER_MINUTE: "5" },
  });
});
afterAll(async () => env?.stop());

const post = async (jwt: string) => (await env.call("POST", "/api/token", { jwt })).status;

describe("rate limits", () => {
  it("limits each user; a flooding user behind the shared address does not starve the others", async () => {
    const alice = await env.oidc.mintToken("rate-alice");
    expect([await post(alice), await post(alice), await post(alice)]).toEqual([200, 200, 200]);
    const limited = await env.call("POST", "/api/token", { jwt: alice });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.body).toEqual({ error: { code: "rate_limited", message: "Too many requests; retry later." } });
    // Alice floods: 50 more requests, all refused, none counted against the address.
    const flood = await Promise.all(Array.from({ length: 50 }, () => post(alice)));
    expect(new Set(flood)).toEqual(new Set([429]));
    // Everyone else on 127.0.0.1 (the same "carrier NAT") still gets tokens: 8 users, well above the address limit of 5.
    const others: number[] = [];
    for (let i = 0; i < 8; i++) others.push(await post(await env.oidc.mintToken(`rate-user-${i}`)));
    expect(others).toEqual(Array(8).fill(200));
    expect((await env.call("GET", "/healthz")).status).toBe(200);
  });

  it("counts failed authentications per address: past the limit, unverified tokens wait; verified callers do not", async () => {
    const known = await env.oidc.mintToken("rate-known");
    expect(await post(known)).toBe(200);
    const forged = `${await env.oidc.mintToken("rate-forger")}x`;
    const failures: number[] = [];
    for (let i = 0; i < 5; i++) failures.push(await post(forged));
    expect(failures).toEqual(Array(5).fill(401));
    // The address has spent its 5 failures: a token this instance has not verified yet is refused before any check ...
    const refused = await env.call("POST", "/api/token", { jwt: await env.oidc.mintToken("rate-newcomer") });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    // The wait is bounded by the one-minute window (docs/decisions/0015-token-api-trade-offs.md).
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait >= 1 && wait <= 60).toBe(true);
    // ... while a caller whose token was verified before is served.
    expect(await post(known)).toBe(200);
  });

  it("refuses headers beyond 16 KiB with 431 in the one error shape", async () => {
    const { status, body, type } = await new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
      const url = new URL(env.instances[0]!.url);
      const req = request({ host: url.hostname, port: url.port, path: "/healthz", headers: { "x-padding": "a".repeat(20_000) } }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, type: String(res.headers["content-type"]) }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(431);
    expect(type).toBe("application/json; charset=utf-8");
    expect(JSON.parse(body)).toEqual({ error: { code: "headers_too_large", message: "The request headers are too large." } });
  });
});
