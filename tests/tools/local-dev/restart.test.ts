// A local environment restarted on the same data dir keeps every user's mapping: same caller, same ACS identity.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalEnvironment, type LocalEnvironment } from "../../../tools/local-dev/index";

async function tokenFor(env: LocalEnvironment, sub: string): Promise<{ status: number; acsUserId: string }> {
  const response = await fetch(`${env.tokenApiUrl}/api/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${await env.oidc.mintToken(sub)}` },
  });
  return { status: response.status, acsUserId: ((await response.json()) as { acsUserId: string }).acsUserId };
}

describe("local environment restart", () => {
  it("the same sub after a restart on the same data dir gets the same ACS user id", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "local-dev-restart-"));
    const first = await startLocalEnvironment({ dataDir, instances: 1 });
    let before: { status: number; acsUserId: string };
    let issuer: string;
    try {
      before = await tokenFor(first, "restart-user");
      issuer = first.oidc.issuer;
    } finally {
      await first.stop();
    }
    expect(before.status).toBe(200);

    const second = await startLocalEnvironment({ dataDir, instances: 1 });
    try {
      expect(await tokenFor(second, "restart-user")).toEqual({ status: 200, acsUserId: before.acsUserId });
      expect(second.oidc.issuer).toBe(issuer);
      expect(second.oidc.previousIssuer).toBeUndefined();
      expect(readFileSync(join(dataDir, "oidc-issuer-port"), "utf8")).toBe(`${new URL(issuer).port}\n`);
      const identities = (
        (await (await fetch(`${second.emulator.adminUrl}/identities`)).json()) as { identities: Array<{ id: string; deleted: boolean }> }
      ).identities;
      expect(identities).toEqual([{ id: before.acsUserId, deleted: false }]);
    } finally {
      await second.stop();
    }
  });

  it("the saved port taken by another process: a new port, and the environment says which URL it lost", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "local-dev-port-taken-"));
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", () => resolve()));
    const taken = (squatter.address() as { port: number }).port;
    writeFileSync(join(dataDir, "oidc-issuer-port"), `${taken}\n`);
    try {
      const env = await startLocalEnvironment({ dataDir, instances: 1 });
      try {
        expect(env.oidc.previousIssuer).toBe(`http://127.0.0.1:${taken}`);
        expect(env.oidc.issuer).not.toBe(`http://127.0.0.1:${taken}`);
        expect(readFileSync(join(dataDir, "oidc-issuer-port"), "utf8")).toBe(`${new URL(env.oidc.issuer).port}\n`);
        expect((await tokenFor(env, "port-taken-user")).status).toBe(200);
      } finally {
        await env.stop();
      }
    } finally {
      squatter.close();
    }
  });

  it("without a data dir: the temp dir it made is removed by stop() (a given one is kept: the restart test above)", async () => {
    const env = await startLocalEnvironment({ instances: 1 });
    // The emulator's CA sits in <dataDir>/emulator/tls/ca.pem.
    const dataDir = dirname(dirname(dirname(env.emulator.caCertPath)));
    expect(basename(dataDir)).toMatch(/^acs-local-dev-/);
    expect(existsSync(dataDir)).toBe(true);
    await env.stop();
    expect(existsSync(dataDir)).toBe(false);
  });
});
