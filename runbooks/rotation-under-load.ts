// Benchmark script: rotates the ACS keys of a local environment (N token API processes) while autocannon calls /api/token
// through the round-robin entry point at a fixed rate, then checks every token handed out after the old key died with ACS.
import { fork } from "node:child_process";
import { request as httpsRequest } from "node:https";
import path from "node:path";
import { startLocalEnvironment, type LocalEnvironment } from "../tools/local-dev/index";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { formatDuration } from "../tools/cli-kit";
import type { FromChild, ToChild } from "./lib/load-generator";
import { StaticTokenCredential, whoFromCredential } from "./lib/credentials";
import { rotationAdaptersFor } from "./lib/environment";
import { rotateKeys, type AuditRecord, type RotationReport } from "./lib/rotation";
import { fromLocalEnv } from "./lib/target";
import { formatAuditLine, formatReport } from "./rotate-keys";

export interface LoadFigures {
  requests: number;
  failures: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  loadDurationMs: number;
  rotationDurationMs: number;
  achievedRatePerSecond: number;
  /** Responses received while the rotation ran, and their rate: the figure the issue asks for. */
  rotationWindowResponses: number;
  rotationWindowRatePerSecond: number;
  newUserRequests: number;
  returningUserRequests: number;
  latencyP99Ms: number;
  oldKeyRejected: boolean;
  /** Distinct tokens handed out to requests sent after the previous key's regeneration started, and how many ACS rejected. */
  tokensAfterRegeneration: number;
  tokensRejectedByAcs: number;
  instances: number;
  rotation: RotationReport;
}

export interface LoadOptions {
  /** Target request rate against /api/token (requests per second over all connections). */
  rate: number;
  /** Share of requests made by a never-seen caller (first token: new ACS identity and mapping). */
  newUserFraction: number;
  returningUsers: number;
  connections: number;
  /** Load before the rotation starts and after it ends. */
  marginMs: number;
  /** Upper bound on the whole run; the load stops here even if the rotation has not finished. */
  maxDurationMs: number;
  log?: (line: string) => void;
}

export const defaultLoadOptions: LoadOptions = { rate: 150, newUserFraction: 0.2, returningUsers: 50, connections: 50, marginMs: 2000, maxDurationMs: 120_000 };

/** Runs the rotation under load against `env` (started with high per-IP and per-user rate limits). */
export async function rotateUnderLoad(env: LocalEnvironment, options: LoadOptions): Promise<LoadFigures> {
  const log = options.log ?? (() => undefined);
  const { close: _close, currentConnectionString: _current, ...emulatorInfo } = env.emulator;
  const target = await fromLocalEnv(
    JSON.parse(
      JSON.stringify({
        tokenApiUrl: env.tokenApiUrl,
        tokenApiInstances: env.instances.map((instance) => ({ id: instance.id, url: instance.url })),
        acsEndpoint: env.emulator.endpoint,
        emulator: emulatorInfo,
      }),
    ),
    async () => env.emulator.caCertPem,
  );
  const credential = new StaticTokenCredential(env.emulator.devBearerToken);

  // Callers: returning users get their first token now, so under load they are served from the mapping/cache.
  const returning = await Promise.all(Array.from({ length: options.returningUsers }, (_, i) => env.oidc.mintToken(`load-returning-${i}`)));
  for (const token of returning) {
    const r = await fetch(`${env.tokenApiUrl}/api/token`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
    if (r.status !== 200) throw new Error(`warm-up of a returning user answered ${r.status}`);
  }
  const newCount = Math.ceil((options.rate * options.maxDurationMs * options.newUserFraction) / 1000) + 100;
  const fresh = await Promise.all(Array.from({ length: newCount }, (_, i) => env.oidc.mintToken(`load-new-${Date.now()}-${i}`)));
  log(`callers ready: ${returning.length} returning, ${fresh.length} new`);

  const child = fork(path.join(__dirname, "lib", "load-generator.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = (type: FromChild["type"]) =>
    new Promise<FromChild>((resolve, reject) => {
      const onMessage = (message: FromChild) => {
        if (message.type === type) {
          child.off("message", onMessage);
          resolve(message);
        }
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`the load generator exited with ${code} before "${type}"`)));
    });
  const tell = (message: ToChild) => child.send(message);
  const started = next("started");
  tell({
    type: "start",
    plan: {
      url: env.tokenApiUrl,
      rate: options.rate,
      connections: options.connections,
      maxDurationSeconds: Math.ceil(options.maxDurationMs / 1000),
      newUserEvery: Math.round(1 / options.newUserFraction),
      newTokens: fresh,
      returningTokens: returning,
    },
  });
  await started;
  const loadStarted = Date.now();
  const mark = async () => {
    const reply = next("mark");
    tell({ type: "mark" });
    return ((await reply) as Extract<FromChild, { type: "mark" }>).responses;
  };

  await new Promise((r) => setTimeout(r, options.marginMs));
  const oldConnection = env.emulator.currentConnectionString();
  const rotationStarted = Date.now();
  const responsesBefore = await mark();
  let regenerationStartedAt = Number.POSITIVE_INFINITY;
  const rotation = await rotateKeys(
    {
      ...rotationAdaptersFor(target, credential),
      who: await whoFromCredential(credential),
      audit: () => undefined,
      onProgress: (r: AuditRecord) => {
        if (r.step === "regenerate-previous-key" && r.outcome === "started") regenerationStartedAt = Date.now();
        log(formatAuditLine(r));
      },
    },
    { readinessTimeoutMs: 30_000, keyPropagationTimeoutMs: 10_000, pollIntervalMs: 250 },
  );
  const rotationDurationMs = Date.now() - rotationStarted;
  const rotationWindowResponses = (await mark()) - responsesBefore;
  await new Promise((r) => setTimeout(r, options.marginMs));
  const done = next("done");
  tell({ type: "stop" });
  const result = (await done) as Extract<FromChild, { type: "done" }>;
  const loadDurationMs = Date.now() - loadStarted;
  const statusCounts = result.statusCounts;

  const oldKeyRejected = await new CommunicationIdentityClient(oldConnection, { tlsOptions: { ca: env.emulator.caCertPem } })
    .createUser()
    .then(() => false, (e: { statusCode?: number }) => e.statusCode === 401);
  for (const line of formatReport(rotation, target)) log(line);
  // A token asked for once the old key's regeneration began must be one ACS accepts (signed with the new key).
  // Requests sent earlier and answered later are left out: their time of hand-out is not known precisely.
  const late = result.tokens.filter((t) => t.requestedAt >= regenerationStartedAt).map((t) => t.token);
  let rejected = 0;
  for (let i = 0; i < late.length; i += 16) {
    const verdicts = await Promise.all(late.slice(i, i + 16).map((token) => acsAccepts(env.emulator.endpoint, token, env.emulator.caCertPem)));
    rejected += verdicts.filter((ok) => !ok).length;
  }
  const requests = Object.values(statusCounts).reduce((a, b) => a + b, 0) + result.errors + result.timeouts;
  const ok = statusCounts["200"] ?? 0;
  return {
    requests,
    failures: requests - ok,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    loadDurationMs,
    rotationDurationMs,
    achievedRatePerSecond: Math.round((requests / loadDurationMs) * 1000 * 10) / 10,
    rotationWindowResponses,
    rotationWindowRatePerSecond: Math.round((rotationWindowResponses / rotationDurationMs) * 1000 * 10) / 10,
    newUserRequests: result.newSent,
    returningUserRequests: result.returningSent,
    latencyP99Ms: result.latencyP99Ms,
    oldKeyRejected,
    tokensAfterRegeneration: late.length,
    tokensRejectedByAcs: rejected,
    instances: env.instances.length,
    rotation,
  };
}

/** One chat call (list threads) with the token: 200 means ACS accepts it, 401 that it rejects it. */
function acsAccepts(endpoint: string, token: string, ca: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const url = new URL("chat/threads?api-version=2025-03-15&maxPageSize=1", endpoint);
    const req = httpsRequest(url, { method: "GET", ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve(true);
      else if (res.statusCode === 401) resolve(false);
      else reject(new Error(`chat answered ${res.statusCode} to a token check`));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Token API settings for load: rate limits far above the load so every request reaches the token path. */
export const loadTokenApiEnv = { SECRET_REFRESH_SECONDS: "5", RATE_LIMIT_PER_IP_PER_MINUTE: "1000000", RATE_LIMIT_PER_USER_PER_MINUTE: "1000000" };

async function main(): Promise<void> {
  const rateArg = process.argv.indexOf("--rate");
  const rate = rateArg > 0 ? Number(process.argv[rateArg + 1]) : defaultLoadOptions.rate;
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) throw new Error("--rate must be 1..1000 requests per second");
  const env = await startLocalEnvironment({ tokenApiEnv: loadTokenApiEnv, instances: 2 });
  try {
    const figures = await rotateUnderLoad(env, { ...defaultLoadOptions, rate, log: (l) => console.log(l) });
    const { rotation, ...numbers } = figures;
    console.log(`\nRotation under load (local environment: emulator, Azurite, ${numbers.instances} token API processes on 127.0.0.1)`);
    console.log(`  rotation outcome:   ${rotation.outcome} (${rotation.previousKey} -> ${rotation.newKey})`);
    console.log(`  rotation duration:  ${formatDuration(numbers.rotationDurationMs)}`);
    console.log(`  load duration:      ${formatDuration(numbers.loadDurationMs)} at ${numbers.achievedRatePerSecond} req/s (target ${rate})`);
    console.log(`  during rotation:    ${numbers.rotationWindowResponses} responses, ${numbers.rotationWindowRatePerSecond} req/s`);
    console.log(`  requests:           ${numbers.requests} (${numbers.newUserRequests} new users, ${numbers.returningUserRequests} returning)`);
    console.log(`  failures:           ${numbers.failures} (statuses ${JSON.stringify(numbers.statusCounts)}, errors ${numbers.errors}, timeouts ${numbers.timeouts})`);
    console.log(`  latency p99:        ${numbers.latencyP99Ms} ms`);
    console.log(`  old key rejected:   ${numbers.oldKeyRejected}`);
    console.log(`  tokens after regeneration: ${numbers.tokensAfterRegeneration} distinct, ${numbers.tokensRejectedByAcs} rejected by ACS`);
    process.exitCode = numbers.failures === 0 && numbers.oldKeyRejected && numbers.tokensRejectedByAcs === 0 && rotation.outcome === "rotated" ? 0 : 1;
  } finally {
    await env.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
