// 100 concurrent first requests for one new user, in one process and split across two, create exactly one ACS identity;
// concurrent revokes of one user all succeed; an erase cut short is finished by the sweep.
import { buildApp } from "../../../services/token-api/src/app";
import { loadConfig } from "../../../services/token-api/src/config";
import { createDeps } from "../../../services/token-api/src/deps";
import { Deadline } from "../../../services/token-api/src/deadline";
import { createLogger } from "../../../services/token-api/src/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => env?.stop());

async function firstRequests(urls: string[], sub: string, count: number) {
  const jwt = await env.oidc.mintToken(sub);
  const before = new Set((await env.identities()).map((identity) => identity.id));
  const responses = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      fetch(`${urls[i % urls.length]}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { acsUserId: string },
      })),
    ),
  );
  const created = (await env.identities()).filter((identity) => !before.has(identity.id));
  return { responses, created };
}

describe("identity creation under concurrency", () => {
  it("100 concurrent first requests in one instance create exactly one identity", async () => {
    const { responses, created } = await firstRequests([env.tokenApiUrl], "concurrent-1", 100);
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(new Set(responses.map((r) => r.body.acsUserId)).size).toBe(1);
    expect(created).toEqual([{ id: responses[0]!.body.acsUserId, deleted: false }]);
  });

  it("100 concurrent first requests across two instances keep one live identity; the loser's orphan is deleted", async () => {
    const config = loadConfig({ ...env.tokenApi.env, LOG_LEVEL: "silent" });
    const deps = createDeps(config, { logger: createLogger("silent"), tls: { ca: env.emulator.caCertPem } });
    const second = await buildApp(config, deps);
    await second.listen({ port: 0, host: "127.0.0.1" });
    try {
      const secondUrl = `http://127.0.0.1:${(second.server.address() as { port: number }).port}`;
      const { responses, created } = await firstRequests([env.tokenApiUrl, secondUrl], "concurrent-2", 100);
      expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
      const winners = new Set(responses.map((r) => r.body.acsUserId));
      expect(winners.size).toBe(1);
      const live = created.filter((identity) => !identity.deleted);
      expect(live).toEqual([{ id: [...winners][0], deleted: false }]);
      // Each instance creates at most one identity (single flight), so at most one orphan, and it is deleted.
      expect(created.length).toBeLessThanOrEqual(2);
    } finally {
      await second.close();
      deps.close();
    }
  });

  it("an instance that remembers a mapping erased through another instance maps the caller again", async () => {
    const config = loadConfig({ ...env.tokenApi.env, LOG_LEVEL: "silent" });
    const deps = createDeps(config, { logger: createLogger("silent"), tls: { ca: env.emulator.caCertPem } });
    const other = await buildApp(config, deps);
    await other.listen({ port: 0, host: "127.0.0.1" });
    try {
      const otherUrl = `http://127.0.0.1:${(other.server.address() as { port: number }).port}`;
      const jwt = await env.oidc.mintToken("erased-elsewhere");
      const first = await env.call("POST", "/api/token", { jwt, body: { scopes: ["chat.join.limited"] } });
      expect(first.status).toBe(200);
      const erase = await fetch(`${otherUrl}/api/me`, { method: "DELETE", headers: { authorization: `Bearer ${jwt}` } });
      expect(erase.status).toBe(204);
      // Another scope set misses the first instance's token cache, so it has to use its remembered mapping.
      const again = await env.call("POST", "/api/token", { jwt, body: { scopes: ["voip.join"] } });
      expect(again.status).toBe(200);
      expect(again.body.acsUserId).not.toBe(first.body.acsUserId);
      expect((await env.identities()).find((identity) => identity.id === again.body.acsUserId)).toEqual({
        id: again.body.acsUserId,
        deleted: false,
      });
    } finally {
      await other.close();
      deps.close();
    }
  });

  it("20 concurrent revokes of one user all answer 204 and leave the cached token unserved (ETag conflicts are others' advances)", async () => {
    const jwt = await env.oidc.mintToken("revoked-20-times");
    const first = await env.call("POST", "/api/token", { jwt });
    expect(first.status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => (await env.call("POST", "/api/token/revoke", { jwt })).status),
    );
    expect(statuses).toEqual(Array(20).fill(204));
    const after = await env.call("POST", "/api/token", { jwt });
    expect(after.status).toBe(200);
    expect(after.body.token).not.toBe(first.body.token);
    expect(after.body.acsUserId).toBe(first.body.acsUserId);
  });

  it("a row left erasing by an instance killed mid-erase is finished by the sweep once old enough: identity deleted, row gone", async () => {
    const config = loadConfig({ ...env.tokenApi.env, LOG_LEVEL: "silent" });
    const deps = createDeps(config, { logger: createLogger("silent"), tls: { ca: env.emulator.caCertPem } });
    try {
      const sub = "erase-cut-short";
      const first = await env.call("POST", "/api/token", { jwt: await env.oidc.mintToken(sub) });
      expect(first.status).toBe(200);
      // What a killed erase leaves: the row marked erasing, the identity not deleted yet.
      const caller = { issuer: env.oidc.issuer, subject: sub };
      expect((await deps.store.advance(caller, Deadline.after(5000), { erasing: true }))?.erasing).toBe(true);
      // Younger than the sweep's age threshold: left alone (an erase may still be running).
      expect(await deps.tokenService.sweepErasing(60_000)).toBe(0);
      expect(await env.mappedIdentity(sub)).toBe(first.body.acsUserId);
      // Old enough (0 here): erased again.
      expect(await deps.tokenService.sweepErasing(0)).toBe(1);
      expect(await env.mappedIdentity(sub)).toBeUndefined();
      expect((await env.identities()).find((identity) => identity.id === first.body.acsUserId)).toEqual({
        id: first.body.acsUserId,
        deleted: true,
      });
      expect(await deps.tokenService.sweepErasing(0)).toBe(0);
    } finally {
      deps.close();
    }
  });
});
