// Rotates the keys while a load generator calls /api/token through the entry point of two token API processes:
// zero failed requests, and zero tokens handed out after the old key's regeneration that ACS rejects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalEnvironment, type LocalEnvironment } from "../../tools/local-dev/index";
import { defaultLoadOptions, loadTokenApiEnv, rotateUnderLoad } from "../../bench/rotation-under-load";

let env: LocalEnvironment;
beforeAll(async () => {
  env = await startLocalEnvironment({ tokenApiEnv: loadTokenApiEnv, instances: 2 });
});
afterAll(async () => {
  await env?.stop();
});

describe("rotation under load", () => {
  it("completes with zero failed requests and the old key rejected", async () => {
    const lines: string[] = [];
    // 100 req/s: the rate two token API instances, the emulator and Azurite sustain on this 2-core machine with one core
    // taken by other work (at 150 req/s beside a busy-loop process, 3 of 1,050 requests missed their deadline as 503).
    // `npm run bench:rotation-under-load` measures the highest rate.
    const figures = await rotateUnderLoad(env, { ...defaultLoadOptions, rate: 100, maxDurationMs: 60_000, log: (l) => lines.push(l) });
    const { rotation: _rotation, ...numbers } = figures;
    console.log(JSON.stringify(numbers));
    expect(figures.rotation.outcome).toBe("rotated");
    expect(figures.failures).toBe(0);
    expect(figures.errors).toBe(0);
    expect(figures.timeouts).toBe(0);
    // The stop drains: every request written (each built by the generator for a new or a returning user) is counted.
    expect(figures.unanswered).toBe(0);
    expect(figures.requests).toBe(figures.newUserRequests + figures.returningUserRequests);
    expect(figures.oldKeyRejected).toBe(true);
    expect(figures.instances).toBe(2);
    // Every token answered after the regeneration began (cached ones of returning users, and answers to requests
    // sent before it) must be a new-key token.
    expect(figures.tokensAfterRegeneration).toBeGreaterThan(0);
    expect(figures.tokensRejectedByAcs).toBe(0);
    expect(figures.rotation.audit.find((r) => r.step === "wait-for-token-api" && r.outcome === "succeeded")?.message).toBe(
      "confirmed per instance: /readyz of each of 2 instances (local-0, local-1)",
    );
    // The rate reached depends on the machine (2 shared cores here); the script prints it. The test holds the
    // outcome: load ran through the whole rotation (target 100 req/s) and not one request failed.
    expect(figures.rotationWindowResponses).toBeGreaterThan(0);
    expect(figures.newUserRequests).toBeGreaterThan(0);
    expect(figures.returningUserRequests).toBeGreaterThan(figures.newUserRequests);
    expect(figures.loadDurationMs).toBeGreaterThan(figures.rotationDurationMs);
    expect(lines).toContain(`  outcome:         rotated`);
    console.log(
      `rotation under load (2 instances): ${figures.tokensAfterRegeneration} tokens after regeneration, ${figures.tokensRejectedByAcs} rejected; ${figures.requests} requests, ${figures.failures} failures, rotation ${figures.rotationDurationMs} ms, load ${figures.loadDurationMs} ms at ${figures.achievedRatePerSecond} req/s; ${figures.rotationWindowResponses} during the rotation at ${figures.rotationWindowRatePerSecond} req/s`,
    );
  }, 120_000);
});
