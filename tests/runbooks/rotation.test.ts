// Tests the rotation step machine over in-memory ports: order, audit records, dry run, and rollback from each reversible step.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as rotateKeysMain } from "../../runbooks/rotate-keys";
import {
  rotateKeys,
  type AuditRecord,
  type KeyName,
  type RotationOptions,
  type RotationPorts,
  type SecretVersion,
  type StepName,
} from "../../runbooks/lib/rotation";

const endpoint = "https://acs.example.test/";

/** A consistent little world: two ACS keys, a versioned secret, a token API that follows the secret when told. */
class World {
  keys: Record<KeyName, string> = { primary: "cHJpbWFyeS0x", secondary: "c2Vjb25kYXJ5LTE=" };
  generation = 1;
  versions: SecretVersion[] = [];
  serving: string | undefined;
  apiFollows = true;
  calls: string[] = [];
  failAt?: "listKeys" | "regenerate" | "write" | "verify" | "rejected" | "write-always";

  constructor(active: KeyName = "primary") {
    this.versions.push({
      version: "v1",
      value: this.cs(active),
      tags: { "acs-active-key": active, env: "dev" },
      contentType: "text/plain",
    });
    this.serving = "v1";
  }
  cs(key: KeyName) {
    return `endpoint=${endpoint};accesskey=${this.keys[key]}`;
  }
  accepted(connectionString: string) {
    return connectionString === this.cs("primary") || connectionString === this.cs("secondary");
  }

  ports(): Omit<RotationPorts, "audit" | "who"> {
    return {
      keys: {
        description: "ACS resource acs-test in rg-test",
        connectionString: async (key) => {
          this.calls.push(`listKeys`);
          return this.cs(key);
        },
        regenerateKey: async (key) => {
          this.calls.push(`regenerate ${key}`);
          if (this.failAt === "regenerate") throw Object.assign(new Error("Forbidden"), { statusCode: 403 });
          this.keys[key] = Buffer.from(`${key}-${++this.generation}`).toString("base64");
        },
      },
      secrets: {
        description: "secret acs-connection-string in https://kv.example.test/",
        secretName: "acs-connection-string",
        latest: async () => this.versions[this.versions.length - 1] as SecretVersion,
        write: async (value, tags, contentType) => {
          this.calls.push(`write ${tags["acs-active-key"]}`);
          if (this.failAt === "write-always" || (this.failAt === "write" && this.versions.length === 1)) {
            throw Object.assign(new Error("vault unavailable"), { statusCode: 503 });
          }
          const version = `v${this.versions.length + 1}`;
          this.versions.push({ version, value, tags, contentType });
          if (this.apiFollows) this.serving = version;
          return version;
        },
      },
      readiness: { description: "http://api.test/readyz", confirmation: "per-instance", secretVersion: async () => this.serving },
      identity: {
        verify: async (cs) => {
          this.calls.push("verify");
          if (this.failAt === "verify" || !this.accepted(cs)) throw Object.assign(new Error("Denied"), { statusCode: 401 });
        },
        isRejected: async (cs) => {
          this.calls.push("isRejected");
          return this.failAt === "rejected" ? false : !this.accepted(cs);
        },
      },
    };
  }
}

const options: RotationOptions = { readinessTimeoutMs: 50, keyPropagationTimeoutMs: 30, pollIntervalMs: 5, runId: "run-1" };

async function rotate(world: World, extra: Partial<RotationOptions> = {}) {
  const audit: AuditRecord[] = [];
  const report = await rotateKeys(
    { ...world.ports(), who: "operator@example.test", audit: (r) => void audit.push(r) },
    { ...options, ...extra },
  );
  return { report, audit };
}

const steps = (audit: AuditRecord[]) => audit.map((r) => `${r.step}:${r.outcome}`);

describe("rotateKeys", () => {
  it("rotates primary to secondary in the documented order and audits every step without keys", async () => {
    const world = new World("primary");
    const oldPrimary = world.cs("primary");
    const { report, audit } = await rotate(world);

    expect(report.outcome).toBe("rotated");
    expect(report.previousKey).toBe("primary");
    expect(report.newKey).toBe("secondary");
    expect(report.previousSecretVersion).toBe("v1");
    expect(report.newSecretVersion).toBe("v2");
    expect(world.calls.filter((c) => c.startsWith("regenerate") || c.startsWith("write"))).toEqual([
      "regenerate secondary",
      "write secondary",
      "regenerate primary",
    ]);
    expect(world.versions[1]?.tags).toEqual({ "acs-active-key": "secondary", env: "dev" });
    expect(world.versions[1]?.value).toBe(world.cs("secondary"));
    expect(world.accepted(oldPrimary)).toBe(false);
    expect(steps(audit)).toEqual([
      "read-active-key:started",
      "read-active-key:succeeded",
      "regenerate-standby-key:started",
      "regenerate-standby-key:succeeded",
      "store-new-secret-version:started",
      "store-new-secret-version:succeeded",
      "wait-for-token-api:started",
      "wait-for-token-api:succeeded",
      "verify-new-key:started",
      "verify-new-key:succeeded",
      "regenerate-previous-key:started",
      "regenerate-previous-key:succeeded",
      "verify-old-key-rejected:started",
      "verify-old-key-rejected:succeeded",
    ]);
    const stored = audit.find((r) => r.step === "store-new-secret-version" && r.outcome === "succeeded");
    expect(stored).toMatchObject({
      who: "operator@example.test",
      runId: "run-1",
      key: "secondary",
      secretName: "acs-connection-string",
      secretVersion: "v2",
    });
    expect(audit.find((r) => r.step === "regenerate-previous-key" && r.outcome === "succeeded")).toMatchObject({
      key: "primary",
      secretVersion: "v2",
    });
    const text = JSON.stringify({ audit, report });
    for (const secret of [...Object.values(world.keys), oldPrimary, "cHJpbWFyeS0x", "c2Vjb25kYXJ5LTE="]) {
      expect(text).not.toContain(secret);
    }
  });

  it("rotates back from secondary to primary", async () => {
    const world = new World("secondary");
    const { report } = await rotate(world);
    expect(report.outcome).toBe("rotated");
    expect([report.previousKey, report.newKey]).toEqual(["secondary", "primary"]);
    expect(world.versions.at(-1)?.tags["acs-active-key"]).toBe("primary");
  });

  it("plans on --dry-run: reads, prints every step with concrete names, changes nothing", async () => {
    const world = new World("primary");
    const { report, audit } = await rotate(world, { dryRun: true });
    expect(report.outcome).toBe("planned");
    expect(world.versions).toHaveLength(1);
    expect(world.calls.filter((c) => !["listKeys"].includes(c))).toEqual([]);
    expect(report.plan.map((p) => p.step)).toEqual([
      "read-active-key",
      "regenerate-standby-key",
      "store-new-secret-version",
      "wait-for-token-api",
      "verify-new-key",
      "regenerate-previous-key",
      "verify-old-key-rejected",
      "restore-previous-secret",
    ]);
    expect(report.plan[1]?.description).toBe("regenerate the secondary key of ACS resource acs-test in rg-test");
    expect(report.plan[5]?.description).toBe("point of no return: regenerate the primary key of ACS resource acs-test in rg-test");
    expect(audit.filter((r) => r.outcome === "planned").map((r) => [r.step, r.key])).toEqual([
      ["regenerate-standby-key", "secondary"],
      ["store-new-secret-version", "secondary"],
      ["wait-for-token-api", "secondary"],
      ["verify-new-key", "secondary"],
      ["regenerate-previous-key", "primary"],
      ["verify-old-key-rejected", "primary"],
      ["restore-previous-secret", "primary"],
    ]);
  });

  it("rotate-keys --dry-run prints each planned step once (the numbered plan), not also as progress lines", async () => {
    const world = new World("primary");
    const envFile = join(mkdtempSync(join(tmpdir(), "rotate-dry-run-")), "env.json");
    // A hand-written env.json (no pid): the ports are the in-memory world, the file only names the target.
    writeFileSync(
      envFile,
      JSON.stringify({
        tokenApiUrl: "http://127.0.0.1:9",
        acsEndpoint: endpoint,
        keyVaultUrl: "https://kv.example.test/",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        resourceGroupName: "rg-test",
        serviceName: "acs-test",
        workspaceId: "w",
        devBearerToken: "not-a-jwt",
      }),
    );
    const lines: string[] = [];
    const out = {
      json: false,
      line: (t: string) => void lines.push(t),
      error: (t: string) => void lines.push(t),
      document: () => undefined,
    };
    const code = await rotateKeysMain(["--local", "--local-env", envFile, "--dry-run"], { out, ports: world.ports() });
    expect(code).toBe(0);
    for (const step of ["regenerate-standby-key", "store-new-secret-version", "verify-old-key-rejected", "restore-previous-secret"])
      expect(
        lines.filter((line) => line.includes(step)),
        step,
      ).toHaveLength(1);
    expect(lines.filter((line) => /^ {2}\d\. /.test(line))).toHaveLength(7);
  });

  it("refuses to start when the secret does not hold the tagged key", async () => {
    const world = new World("primary");
    world.versions[0] = { ...(world.versions[0] as SecretVersion), tags: { "acs-active-key": "secondary" } };
    const { report } = await rotate(world);
    expect(report.outcome).toBe("precondition-failed");
    expect(report.message).toBe(
      "Nothing was changed: secret acs-connection-string version v1 is tagged secondary but does not hold the secondary key of ACS resource acs-test in rg-test",
    );
    expect(world.calls.some((c) => c.startsWith("regenerate") || c.startsWith("write"))).toBe(false);
  });

  it("refuses to start when the token API does not serve the latest version", async () => {
    const world = new World("primary");
    world.serving = "v0";
    const { report } = await rotate(world);
    expect(report.outcome).toBe("precondition-failed");
    expect(report.message).toBe(
      "Nothing was changed: the token API uses secret version v0, not the latest v1; wait for it to catch up before rotating",
    );
  });

  const reversible: { failAt: World["failAt"]; step: StepName; restored: string | undefined; versions: number }[] = [
    { failAt: "regenerate", step: "regenerate-standby-key", restored: "v1", versions: 1 },
    { failAt: "write", step: "store-new-secret-version", restored: "v1", versions: 1 },
    { failAt: undefined, step: "wait-for-token-api", restored: "v3", versions: 3 },
    { failAt: "verify", step: "verify-new-key", restored: "v3", versions: 3 },
  ];
  for (const c of reversible) {
    it(`rolls back when ${c.step} fails: the secret holds the untouched previous key`, async () => {
      const world = new World("primary");
      world.failAt = c.failAt;
      if (c.step === "wait-for-token-api") world.apiFollows = false;
      const previous = world.cs("primary");
      const { report, audit } = await rotate(world);

      expect(report.outcome).toBe("rolled-back");
      expect(report.failedStep).toBe(c.step);
      expect(report.restoredSecretVersion).toBe(c.restored);
      expect(world.versions).toHaveLength(c.versions);
      const latest = world.versions.at(-1) as SecretVersion;
      expect(latest.value).toBe(previous);
      expect(latest.tags).toEqual({ "acs-active-key": "primary", env: "dev" });
      expect(world.accepted(latest.value)).toBe(true);
      expect(world.calls).not.toContain("regenerate primary");
      expect(audit.find((r) => r.step === c.step && r.outcome === "failed")).toBeDefined();
      expect(audit.find((r) => r.step === "restore-previous-secret" && r.outcome === "succeeded")).toMatchObject({
        key: "primary",
        secretVersion: c.restored,
      });
      expect(report.message.startsWith(`Step ${c.step} failed: `)).toBe(true);
      expect(report.message).toContain(
        `Rolled back: secret acs-connection-string is at version ${c.restored} holding the primary key, which was never regenerated`,
      );
    });
  }

  it("reports rollback-failed when the previous value cannot be written back", async () => {
    const broken = new World("primary");
    broken.apiFollows = false;
    const ports = broken.ports();
    let writes = 0;
    const write = ports.secrets.write;
    ports.secrets = { ...ports.secrets, write: async (...a) => (++writes > 1 ? Promise.reject(new Error("vault down")) : write(...a)) };
    const failed = await rotateKeys({ ...ports, who: "op", audit: () => undefined }, options);
    expect(failed.outcome).toBe("rollback-failed");
    expect(failed.message).toContain("Restoring the previous secret failed too: vault down.");
  });

  it("stops with needs-attention when the old key is still accepted after step 6", async () => {
    const world = new World("primary");
    world.failAt = "rejected";
    const { report } = await rotate(world);
    expect(report.outcome).toBe("failed-after-point-of-no-return");
    expect(report.failedStep).toBe("verify-old-key-rejected");
    expect(world.versions.at(-1)?.tags["acs-active-key"]).toBe("secondary");
  });
});

describe("rotateKeys: how every instance is known to have the new key", () => {
  it("bound mode: the previous key is regenerated only settleMs after the new secret was written", async () => {
    const world = new World("primary");
    let clock = 0;
    const writes: number[] = [];
    const ports = world.ports();
    const audit: AuditRecord[] = [];
    const report = await rotateKeys(
      {
        ...ports,
        secrets: { ...ports.secrets, write: async (...args) => (writes.push(clock), ports.secrets.write(...args)) },
        keys: {
          ...ports.keys,
          regenerateKey: async (key) => {
            world.calls.push(`regenerate ${key} at ${clock}`);
            return ports.keys.regenerateKey(key);
          },
        },
        readiness: {
          description: "https://api.test/readyz",
          confirmation: "bound",
          settleMs: 330_000,
          secretVersion: async () => world.serving,
        },
        who: "operator@example.test",
        audit: (r) => void audit.push(r),
        now: () => new Date(clock),
        sleep: async (ms) => void (clock += ms),
      },
      { ...options, readinessTimeoutMs: 900_000 },
    );
    expect(report.outcome).toBe("rotated");
    expect(writes).toEqual([0]);
    expect(world.calls.filter((c) => c.includes(" at "))).toEqual(["regenerate secondary at 0", "regenerate primary at 330000"]);
    expect(audit.find((r) => r.step === "wait-for-token-api" && r.outcome === "succeeded")?.message).toBe(
      "confirmed by the service's bound: 330 s after the write every serving instance has loaded it",
    );
  });

  // The bug: the check ran in step 4, after step 2 had regenerated the standby key and step 3 written a secret.
  it("bound mode: a readiness timeout below the bound is refused in step 1, before any key or secret changes", async () => {
    const world = new World("primary");
    const before = world.cs("primary");
    const ports = world.ports();
    const report = await rotateKeys(
      {
        ...ports,
        readiness: { ...ports.readiness, confirmation: "bound", settleMs: 330_000 },
        who: "operator@example.test",
        audit: () => undefined,
      },
      options,
    );
    expect([report.outcome, report.failedStep, report.message]).toEqual([
      "precondition-failed",
      "read-active-key",
      "Nothing was changed: --readiness-timeout (0 s) is below the service's bound of 330 s",
    ]);
    expect(world.calls.filter((c) => c.startsWith("regenerate") || c.startsWith("write"))).toEqual([]);
    expect(world.accepted(before)).toBe(true);
  });
});
