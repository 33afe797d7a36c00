// Runs the smoke checks with the real identity and chat SDKs against the ACS emulator: passes, cleans up, fails on the right line.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../../tools/acs-emulator/index";
import { runSmokeChecks, type CheckResult, type SmokeDeps } from "../../runbooks/lib/smoke-checks";
import { chatFactory, clearFaults, closedPort, identityClient, injectFault, leftovers } from "./helpers";

let emulator: EmulatorHandle;
let downUrl: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  downUrl = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(async () => {
  await clearFaults(emulator);
});

function deps(): SmokeDeps {
  return {
    tokenApiUrl: downUrl,
    callerToken: async () => "unused",
    identityClient: identityClient(emulator, emulator.connectionString),
    chatClient: chatFactory(emulator),
  };
}
const lines = (results: CheckResult[]) => results.map((r) => `${r.name}:${r.status}`);

describe("smoke checks against the emulator (token API down)", () => {
  it("fails on the liveness line only, runs identity and chat, and leaves nothing behind", async () => {
    const report = await runSmokeChecks(deps());
    expect(lines(report.results)).toEqual([
      "token-api-liveness:fail",
      "token-api-readiness:skip",
      "token-api-token:skip",
      "identity-flow:pass",
      "chat-flow:pass",
      "cleanup:pass",
    ]);
    expect(report.ok).toBe(false);
    expect(report.results[0]?.detail).toBe(`GET ${downUrl}/healthz did not answer (ECONNREFUSED)`);
    expect(report.results[5]?.detail).toBe("nothing left to remove");
    expect(await leftovers(emulator)).toEqual({ identities: [], threads: [] });
  });

  it("fails on the identity line when ACS answers 401, skips chat, leaves nothing behind", async () => {
    await injectFault(emulator, { operation: "issueAccessToken", status: 401, count: 1 });
    const report = await runSmokeChecks(deps());
    expect(lines(report.results).slice(3)).toEqual(["identity-flow:fail", "chat-flow:skip", "cleanup:pass"]);
    expect(report.results[3]?.detail).toMatch(/^HTTP 401 Denied: /);
    expect(report.results[5]?.detail).toBe("deleted 1 user(s)");
    expect(await leftovers(emulator)).toEqual({ identities: [], threads: [] });
  });

  it("fails on the chat line when chat answers 403, and still cleans up both chat users", async () => {
    await injectFault(emulator, { operation: "createChatThread", status: 403, count: 1 });
    const report = await runSmokeChecks(deps());
    expect(lines(report.results).slice(3)).toEqual(["identity-flow:pass", "chat-flow:fail", "cleanup:pass"]);
    expect(report.results[4]?.detail).toMatch(/^HTTP 403 Forbidden: /);
    expect(report.results[5]?.detail).toBe("deleted 2 user(s)");
    expect(await leftovers(emulator)).toEqual({ identities: [], threads: [] });
  });

  it("deletes the thread a failed chat check left behind", async () => {
    await injectFault(emulator, { operation: "listMessages", status: 403, count: 1 });
    const report = await runSmokeChecks(deps());
    expect(lines(report.results).slice(3)).toEqual(["identity-flow:pass", "chat-flow:fail", "cleanup:pass"]);
    expect(report.results[5]?.detail).toBe("deleted 1 thread(s), deleted 2 user(s)");
    expect(await leftovers(emulator)).toEqual({ identities: [], threads: [] });
  });
});
