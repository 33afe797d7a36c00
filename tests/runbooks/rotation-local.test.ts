// Runs the key rotation with the real ARM, Key Vault and identity SDKs against the local environment: end to end, dry run, and a failure injected at each step.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { SecretClient } from "@azure/keyvault-secrets";
import { startLocalEnvironment, type LocalEnvironment } from "../../tools/local-dev/index";
import { whoFromCredential } from "../../runbooks/lib/credentials";
import { StaticTokenCredential } from "../../tools/acs-emulator/credential";
import { rotationAdaptersFor } from "../../runbooks/lib/environment";
import { rotateKeys, type AuditRecord } from "../../runbooks/lib/rotation";
import type { Target } from "../../runbooks/lib/target";
import { clearFaults, identityClient, injectFault, localTargetFor } from "./helpers";

let env: LocalEnvironment;
let target: Target;
let secrets: SecretClient;
let arm: CommunicationServiceManagementClient;
const credential = () => new StaticTokenCredential(env.emulator.devBearerToken);

beforeAll(async () => {
  env = await startLocalEnvironment({ tokenApiEnv: { SECRET_REFRESH_SECONDS: "5" } });
  target = await localTargetFor(env);
  const tls = { tlsOptions: { ca: env.emulator.caCertPem } };
  secrets = new SecretClient(env.emulator.keyVaultUrl, credential(), { ...tls, disableChallengeResourceVerification: true });
  arm = new CommunicationServiceManagementClient(credential(), env.emulator.subscriptionId, { ...tls, endpoint: env.emulator.armBaseUrl });
});
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  await clearFaults(env.emulator);
});

const options = { readinessTimeoutMs: 20_000, keyPropagationTimeoutMs: 5_000, pollIntervalMs: 200 };

async function rotate(extra: { dryRun?: boolean; readinessTimeoutMs?: number } = {}, onAudit?: (r: AuditRecord) => Promise<void>) {
  const audit: AuditRecord[] = [];
  const report = await rotateKeys(
    {
      ...rotationAdaptersFor(target, credential()),
      who: await whoFromCredential(credential()),
      audit: async (r) => {
        audit.push(r);
        await onAudit?.(r);
      },
    },
    { ...options, ...extra },
  );
  return { report, audit };
}

async function keys() {
  return arm.communicationServices.listKeys(env.emulator.resourceGroupName, env.emulator.serviceName);
}
async function latestSecret() {
  const s = await secrets.getSecret("acs-connection-string");
  return { version: s.properties.version, value: s.value, activeKey: s.properties.tags?.["acs-active-key"] };
}
async function readyz() {
  return (await (await fetch(`${env.tokenApiUrl}/readyz`)).json()) as {
    status: string;
    acsAuth: { secretVersion: string; activeKey: string };
  };
}
async function waitForApiOn(version: string | undefined) {
  const deadline = Date.now() + 20_000;
  while ((await readyz()).acsAuth.secretVersion !== version) {
    if (Date.now() > deadline) throw new Error(`token API never reported ${version}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
/** The environment works: the secret holds the key it is tagged with, the API serves it, and mints a token. */
async function expectWorkingEnvironment() {
  const secret = await latestSecret();
  const k = await keys();
  expect(secret.value).toBe(secret.activeKey === "primary" ? k.primaryConnectionString : k.secondaryConnectionString);
  await waitForApiOn(secret.version);
  const response = await fetch(`${env.tokenApiUrl}/api/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${await env.oidc.mintToken(`check-${Date.now()}`)}`, "content-type": "application/json" },
    body: "{}",
  });
  expect(response.status).toBe(200);
  return secret;
}
async function isRejected(connectionString: string) {
  return identityClient(env.emulator, connectionString)
    .createUser()
    .then(
      () => false,
      (e: { statusCode?: number }) => e.statusCode === 401,
    );
}
const steps = (audit: AuditRecord[]) => audit.filter((r) => r.outcome !== "started").map((r) => `${r.step}:${r.outcome}`);

describe("rotate-keys against the local environment", () => {
  it("plans with --dry-run and changes nothing", async () => {
    const before = { secret: await latestSecret(), keys: await keys() };
    const { report } = await rotate({ dryRun: true });
    expect(report.outcome).toBe("planned");
    expect(report.plan[1]?.description).toBe("regenerate the secondary key of ACS resource acs-emulator in rg-acs-emulator");
    expect({ secret: await latestSecret(), keys: await keys() }).toEqual(before);
  });

  it("rotates end to end: new key active and served, old key rejected, audit without keys", async () => {
    const before = await expectWorkingEnvironment();
    const oldKeys = await keys();
    const { report, audit } = await rotate();
    expect(report.outcome).toBe("rotated");
    expect([report.previousKey, report.newKey]).toEqual(["primary", "secondary"]);
    const after = await latestSecret();
    expect(after.version).toBe(report.newSecretVersion);
    expect(after.version).not.toBe(before.version);
    expect(after.activeKey).toBe("secondary");
    const now = await keys();
    expect(after.value).toBe(now.secondaryConnectionString);
    expect(now.primaryKey).not.toBe(oldKeys.primaryKey);
    expect(now.secondaryKey).not.toBe(oldKeys.secondaryKey);
    expect(await isRejected(oldKeys.primaryConnectionString as string)).toBe(true);
    expect(await isRejected(oldKeys.secondaryConnectionString as string)).toBe(true);
    expect((await readyz()).acsAuth).toEqual({ mode: "key-vault", secretVersion: after.version, activeKey: "secondary" });
    expect(audit.every((r) => r.who === "11111111-1111-1111-1111-111111111111")).toBe(true);
    const text = JSON.stringify({ report, audit });
    for (const secret of [oldKeys.primaryKey, oldKeys.secondaryKey, now.primaryKey, now.secondaryKey]) expect(text).not.toContain(secret);
    await expectWorkingEnvironment();
  });

  it("rotates back from secondary to primary", async () => {
    const { report } = await rotate();
    expect(report.outcome).toBe("rotated");
    expect([report.previousKey, report.newKey]).toEqual(["secondary", "primary"]);
    await expectWorkingEnvironment();
  });

  it("step 1 failing (Key Vault 403) changes nothing", async () => {
    const before = await latestSecret();
    // The token API re-reads the secret every 5 s and may take one faulted read itself; two leave one for the runbook.
    await injectFault(env.emulator, { operation: "getSecret", status: 403, count: 2 });
    const { report } = await rotate();
    await clearFaults(env.emulator);
    expect(report.outcome).toBe("precondition-failed");
    expect(report.failedStep).toBe("read-active-key");
    expect(await latestSecret()).toEqual(before);
    await expectWorkingEnvironment();
  });

  const reversible: { step: string; fault?: Record<string, unknown>; restoresByWriting: boolean }[] = [
    { step: "regenerate-standby-key", fault: { operation: "regenerateKey", status: 403, count: 1 }, restoresByWriting: false },
    { step: "store-new-secret-version", fault: { operation: "setSecret", status: 403, count: 1 }, restoresByWriting: false },
    { step: "verify-new-key", fault: { operation: "revokeAccessTokens", status: 403, count: 1 }, restoresByWriting: true },
  ];
  for (const c of reversible) {
    it(`${c.step} failing rolls back to the untouched previous key`, async () => {
      const before = await expectWorkingEnvironment();
      const activeBefore = (await keys())[before.activeKey === "primary" ? "primaryKey" : "secondaryKey"];
      await injectFault(env.emulator, c.fault as Record<string, unknown>);
      const { report, audit } = await rotate();
      expect(report.outcome).toBe("rolled-back");
      expect(report.failedStep).toBe(c.step);
      expect(steps(audit)).toContain(`${c.step}:failed`);
      expect(steps(audit)).toContain("restore-previous-secret:succeeded");
      const after = await expectWorkingEnvironment();
      expect(after.value).toBe(before.value);
      expect(after.activeKey).toBe(before.activeKey);
      expect(after.version === before.version).toBe(!c.restoresByWriting);
      expect(report.restoredSecretVersion).toBe(after.version);
      expect((await keys())[before.activeKey === "primary" ? "primaryKey" : "secondaryKey"]).toBe(activeBefore);
    });
  }

  it("wait-for-token-api failing (token API stops picking up the secret) rolls back", async () => {
    const before = await expectWorkingEnvironment();
    let stopped = false;
    try {
      const { report } = await rotate({ readinessTimeoutMs: 3_000 }, async (r) => {
        if (r.step === "store-new-secret-version" && r.outcome === "succeeded") {
          await env.tokenApi.stop();
          stopped = true;
        }
      });
      expect(report.outcome).toBe("rolled-back");
      expect(report.failedStep).toBe("wait-for-token-api");
      expect(report.message).toContain("the token API has not reported it yet; it keeps working with the previous key until it does");
    } finally {
      if (stopped) await env.tokenApi.start();
    }
    const after = await expectWorkingEnvironment();
    expect([after.value, after.activeKey]).toEqual([before.value, before.activeKey]);
  });

  it("regenerate-previous-key failing after the point of no return leaves the new key working", async () => {
    const { report } = await rotate({}, async (r) => {
      if (r.step === "verify-new-key" && r.outcome === "succeeded")
        await injectFault(env.emulator, { operation: "regenerateKey", status: 403, count: 1 });
    });
    expect(report.outcome).toBe("failed-after-point-of-no-return");
    expect(report.message).toContain("was NOT regenerated and still works: regenerate it by hand or re-run the rotation.");
    const after = await expectWorkingEnvironment();
    expect(after.activeKey).toBe(report.newKey);
  });
});
