// Key-vault mode under load: regenerating the ACS key and updating the vault secret fails no request and needs no restart.
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticTokenCredential } from "../../../tools/acs-emulator/credential";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
let arm: CommunicationServiceManagementClient;
beforeAll(async () => {
  // A long periodic refresh, so only the re-read on 401 can pick up the new key.
  env = await startTestEnvironment({ tokenApiEnv: { SECRET_REFRESH_SECONDS: "3600" } });
  arm = new CommunicationServiceManagementClient(new StaticTokenCredential(env.emulator.devBearerToken), env.emulator.subscriptionId, {
    endpoint: env.emulator.armBaseUrl,
    tlsOptions: { ca: env.emulator.caCertPem },
  } as never);
});
afterAll(async () => env?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** /readyz caches its checks for 2 s (READINESS_CACHE_MS in services/token-api/src/app.ts): a change shows within it. */
// An outcome to wait for, not a bound: generous, so a loaded machine only makes it slower.
const readinessPoll = { timeout: 30_000, interval: 100 };

/** Waits until the load has answered `more` further requests: progress, not a fixed time, so a slow machine only takes longer. */
async function answered(load: { statuses: number[] }, more: number): Promise<void> {
  const target = load.statuses.length + more;
  await expect.poll(() => load.statuses.length, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(target);
}

/** Cache-missing load: every request is a new user (createUser + issueAccessToken) or a repeat asking for a new lifetime. */
function startLoad(workers: number) {
  const statuses: number[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) {
      const jwt = await env.oidc.mintToken(`rotation-${worker}-${n++}`);
      statuses.push((await env.call("POST", "/api/token", { jwt })).status);
    }
  });
  return {
    statuses,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe("key rotation in key-vault mode", () => {
  it("standby key written to the vault, then the active key regenerated: no request fails", async () => {
    const before = (await env.call("GET", "/readyz")).body.acsAuth;
    expect(before.activeKey).toBe("primary");
    const load = startLoad(8);
    await answered(load, 5);
    const keys = await arm.communicationServices.listKeys(env.emulator.resourceGroupName, env.emulator.serviceName);
    const version = await env.updateSecret(keys.secondaryConnectionString!, "secondary");
    await answered(load, 5);
    await arm.communicationServices.regenerateKey(env.emulator.resourceGroupName, env.emulator.serviceName, { keyType: "Primary" });
    await answered(load, 20);
    await load.stop();
    expect(load.statuses.length).toBeGreaterThanOrEqual(30);
    expect(load.statuses.filter((status) => status !== 200)).toEqual([]);
    // /readyz caches its checks for 2 s: poll until it reports the new secret instead of sleeping past the cache.
    await expect
      .poll(async () => {
        const after = (await env.call("GET", "/readyz")).body;
        return { status: after.status, acsAuth: after.acsAuth };
      }, readinessPoll)
      .toEqual({ status: "ready", acsAuth: { mode: "key-vault", secretVersion: version, activeKey: "secondary" } });
  });

  it("active key regenerated first, vault updated a second later: requests wait for the new secret and none fails", async () => {
    const errorsBefore = await env.upstreamErrors();
    const load = startLoad(8);
    await answered(load, 5);
    const keys = await arm.communicationServices.regenerateKey(env.emulator.resourceGroupName, env.emulator.serviceName, {
      keyType: "Secondary",
    });
    // The vault lags the regeneration by a second: requests meanwhile meet 401s and must wait for the new secret.
    await sleep(1000);
    const version = await env.updateSecret(keys.secondaryConnectionString!, "secondary");
    await answered(load, 20);
    await load.stop();
    expect(load.statuses.filter((status) => status !== 200)).toEqual([]);
    // The 401s really happened: this exercised the re-read-and-retry path.
    expect((await env.upstreamErrors()) - errorsBefore).toBeGreaterThan(0);
    await expect
      .poll(async () => (await env.call("GET", "/readyz")).body.acsAuth, readinessPoll)
      .toEqual({ mode: "key-vault", secretVersion: version, activeKey: "secondary" });
  });
});
