// Abuse controls: per-user and per-IP rate limits (per instance) answer 429 with Retry-After; oversized headers are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalEnvironment, type LocalEnvironment } from "../../../tools/local-dev/index";

let env: LocalEnvironment;
beforeAll(async () => {
  env = await startLocalEnvironment({ acsAuthMode: "managed-identity", tokenApiEnv: { RATE_LIMIT_PER_USER_PER_MINUTE: "3", RATE_LIMIT_PER_IP_PER_MINUTE: "12" } });
});
afterAll(async () => env?.stop());

/**
 * The limiter's fixed windows start on the wall-clock minute (services/token-api/src/rateLimit.ts), so a test that
 * straddles a minute sees its counters reset. Start with at least 10 s of the current window left (the test takes well under that).
 */
async function awayFromWindowEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

const post = (jwt: string) => fetch(`${env.tokenApiUrl}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });

describe("rate limits", () => {
  it("limits each user, then the client IP; probes are exempt", async () => {
    await awayFromWindowEdge();
    const alice = await env.oidc.mintToken("rate-alice");
    expect([(await post(alice)).status, (await post(alice)).status, (await post(alice)).status]).toEqual([200, 200, 200]);
    const limited = await post(alice);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({ error: { code: "rate_limited", message: "Too many requests; retry later." } });
    // Another user from the same IP still passes until the IP budget (12) is spent.
    const bob = await env.oidc.mintToken("rate-bob");
    expect((await post(bob)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(await env.oidc.mintToken(`rate-user-${i}`))).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${env.tokenApiUrl}/healthz`)).status).toBe(200);
  });

  it("refuses headers beyond 16 KiB with 431", async () => {
    const response = await fetch(`${env.tokenApiUrl}/healthz`, { headers: { "x-padding": "a".repeat(20_000) } });
    expect(response.status).toBe(431);
  });
});
