// Runs the smoke test end to end against the local environment (emulator, Azurite, OIDC issuer, token API) with the real SDKs.
import { TableClient } from "@azure/data-tables";
import { SERVER_IDENTITY } from "../../services/token-api/src/conversations/service";
import { mappingKeys } from "../../services/token-api/src/mappingStore";
import { TOKEN_API_DEFAULTS } from "../../services/token-api/src/settings";
import { DEFAULT_MANAGE_ROLE } from "../../services/token-api/src/conversations/limits";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localEnvDocument, startLocalEnvironment, type LocalEnvironment } from "../../tools/local-dev/index";
import { runSmokeChecks, type CheckResult } from "../../runbooks/lib/smoke-checks";
import type { Target } from "../../runbooks/lib/target";
import { smokeDepsFor } from "../../runbooks/smoke";
import { clearFaults, injectFault, leftovers, localTargetFor } from "./helpers";

let env: LocalEnvironment;
let target: Target;

beforeAll(async () => {
  env = await startLocalEnvironment({ tokenApiEnv: { SECRET_REFRESH_SECONDS: "5" } });
  target = await localTargetFor(env);
});
afterAll(async () => {
  await env?.stop();
});

async function smoke(verifyLogs = false) {
  const deps = await smokeDepsFor(target, {
    verifyLogs,
    logsTimeoutMs: 10_000,
    callerToken: (sub) => env.oidc.mintToken(sub),
    serviceToken: () => env.oidc.mintToken("smoke-service", { scp: undefined, roles: [DEFAULT_MANAGE_ROLE] }),
  });
  return runSmokeChecks(deps);
}
/** What stays by design: the conversations API's server identity, once it exists (docs/conversations.md). */
async function platformIdentities(): Promise<string[]> {
  const table = TableClient.fromConnectionString(env.azurite.connectionString, TOKEN_API_DEFAULTS.mappingTableName, {
    allowInsecureConnection: true,
  });
  const { partitionKey, rowKey } = mappingKeys(SERVER_IDENTITY);
  return table.getEntity<{ acsUserId: string }>(partitionKey, rowKey).then(
    (row) => [row.acsUserId],
    () => [],
  );
}
const lines = (results: CheckResult[]) => results.map((r) => `${r.name}:${r.status}`);

describe("smoke test against the local environment", () => {
  it("passes every check including Log Analytics, and leaves nothing behind", async () => {
    const report = await smoke(true);
    expect(lines(report.results)).toEqual([
      "token-api-liveness:pass",
      "token-api-readiness:pass",
      "token-api-token:pass",
      "identity-flow:pass",
      "chat-flow:pass",
      "conversation-flow:pass",
      "email-delivery:pass",
      "chat-event:pass",
      "log-ingestion:pass",
      "cleanup:pass",
    ]);
    expect(report.ok).toBe(true);
    expect(report.results[1]?.detail).toMatch(/^ready; secret version \S+, active key primary$/);
    expect(report.results[5]?.detail).toMatch(
      /^conversation smoke\/[0-9a-f-]{36}: thread 19:\S+, message \d+ from a member, non-member refused \(404, 403\), deleted$/,
    );
    expect(report.results[6]?.detail).toMatch(
      /^1 email\(s\) from [0-9a-f-]{36}\.azurecomm\.net to smoke-test@example\.com: sent, Delivered report on queue email-delivery \(subscription email-delivery\)$/,
    );
    expect(report.results[7]?.detail).toMatch(
      /^message \d+ arrived as ChatMessageReceived on queue chat-messages \(subscription chat-messages\)$/,
    );
    expect(report.results[9]?.detail).toBe("erased 4 token API caller(s)");
    expect(await leftovers(env.emulator)).toEqual({ identities: await platformIdentities(), threads: [] });
  });

  it("fails on the liveness line when the token API is down, and still runs the ACS checks", async () => {
    await env.tokenApi.stop();
    try {
      const report = await smoke();
      expect(lines(report.results)).toEqual([
        "token-api-liveness:fail",
        "token-api-readiness:skip",
        "token-api-token:skip",
        "identity-flow:pass",
        "chat-flow:pass",
        "conversation-flow:skip",
        "email-delivery:pass",
        "chat-event:pass",
        "cleanup:pass",
      ]);
      // The entry point stays up with no instance behind it, as App Service's front end does.
      expect(report.results[0]?.detail).toBe("GET /healthz answered 502, expected 200");
    } finally {
      await env.tokenApi.start();
    }
    expect(await leftovers(env.emulator)).toEqual({ identities: await platformIdentities(), threads: [] });
  });

  it("fails on the ACS lines when ACS answers 401, and cleans up", async () => {
    await injectFault(env.emulator, { operation: "createUser", status: 401 });
    await injectFault(env.emulator, { operation: "issueAccessToken", status: 401 });
    try {
      const report = await smoke();
      expect(lines(report.results)).toEqual([
        "token-api-liveness:pass",
        "token-api-readiness:pass",
        "token-api-token:fail",
        "identity-flow:fail",
        "chat-flow:skip",
        "conversation-flow:skip",
        "email-delivery:pass",
        "chat-event:skip",
        "cleanup:pass",
      ]);
      // The token API maps the upstream 401 to 503 acs_unavailable after refreshing its secret once.
      expect(report.results[2]?.detail).toBe("POST /api/token answered 503 acs_unavailable, expected 200");
      expect(report.results[3]?.detail).toBe("HTTP 401 Denied: Injected fault for operation 'createUser'.");
    } finally {
      await clearFaults(env.emulator);
    }
    expect(await leftovers(env.emulator)).toEqual({ identities: await platformIdentities(), threads: [] });
  });

  it("fails on the chat and conversation lines only when chat answers 403 (the conversations API creates threads too)", async () => {
    await injectFault(env.emulator, { operation: "createChatThread", status: 403 });
    try {
      const report = await smoke();
      expect(lines(report.results)).toEqual([
        "token-api-liveness:pass",
        "token-api-readiness:pass",
        "token-api-token:pass",
        "identity-flow:pass",
        "chat-flow:fail",
        "conversation-flow:fail",
        "email-delivery:pass",
        "chat-event:fail",
        "cleanup:pass",
      ]);
      expect(report.results[4]?.detail).toMatch(/^HTTP 403 Forbidden: /);
      expect(report.results[5]?.detail).toMatch(/^PUT \/api\/conversations\/smoke\/[0-9a-f-]{36} answered 503, expected 201$/);
      expect(report.results[7]?.detail).toMatch(/^HTTP 403 Forbidden: /);
      expect(report.results[8]?.detail).toBe("erased 1 token API caller(s), deleted 4 user(s)");
    } finally {
      await clearFaults(env.emulator);
    }
    expect(await leftovers(env.emulator)).toEqual({ identities: await platformIdentities(), threads: [] });
  });

  it("works through the real CLIs with --local-env (the file `npm run dev` writes): smoke exits 0, dry run changes nothing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "runbooks-local-"));
    const envFile = path.join(dir, "env.json");
    // The document `npm run dev` writes, from the same function.
    writeFileSync(envFile, JSON.stringify(localEnvDocument(env)));
    const root = path.resolve(__dirname, "..", "..");
    const run = (script: string, args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          path.join(root, "node_modules", ".bin", "tsx"),
          [path.join(root, "runbooks", script), ...args],
          { cwd: root, timeout: 90_000 },
          (error, stdout) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
    const smokeRun = await run("smoke.ts", ["--local", "--local-env", envFile, "--json"]);
    const smokeReport = JSON.parse(smokeRun.stdout) as { ok: boolean; results: CheckResult[] };
    expect([smokeRun.code, smokeReport.ok]).toEqual([0, true]);
    expect(lines(smokeReport.results)).toEqual([
      "token-api-liveness:pass",
      "token-api-readiness:pass",
      "token-api-token:pass",
      "identity-flow:pass",
      "chat-flow:pass",
      "conversation-flow:pass",
      "email-delivery:pass",
      "chat-event:pass",
      "cleanup:pass",
    ]);
    const dry = await run("rotate-keys.ts", ["--local", "--local-env", envFile, "--dry-run", "--json"]);
    const plan = JSON.parse(dry.stdout) as { outcome: string; previousKey: string; newKey: string; newSecretVersion?: string };
    expect([dry.code, plan.outcome, plan.previousKey, plan.newKey, plan.newSecretVersion]).toEqual([
      0,
      "planned",
      "primary",
      "secondary",
      undefined,
    ]);
    expect(dry.stdout).not.toContain(env.emulator.connectionString.split("accesskey=")[1]);
    expect(await leftovers(env.emulator)).toEqual({ identities: await platformIdentities(), threads: [] });
  });
});
