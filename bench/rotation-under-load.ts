// `npm run bench:rotation-under-load`: rotates the ACS keys of a local environment (N token API processes) while
// autocannon calls /api/token through the round-robin entry point at a fixed rate, then checks every token handed
// out after the old key died with ACS; median of several rotations, beside the rate without rotation.
import { fork } from "node:child_process";
import { request as httpsRequest } from "node:https";
import path from "node:path";
import type { LocalEnvironment } from "../tools/local-dev/index";
import { StaticTokenCredential } from "../tools/acs-emulator/credential";
import { ExitCode, formatDuration, main, UsageError, type CommandSpec } from "../tools/cli-kit";
import { whoFromCredential } from "../runbooks/lib/credentials";
import { rotateKeys, type AuditRecord, type RotationReport } from "../runbooks/lib/rotation";
import { formatAuditLine, formatReport } from "../runbooks/rotate-keys";
import type { FromChild, ToChild } from "./lib/load-generator";
import { median, parseCount, summarise, summaryLines, type Figure } from "./lib/report";

export interface LoadFigures {
  /** Every request the load generator wrote: the stop drains, so each ends as a status, an error or a timeout. */
  requests: number;
  /** Requests without a 200: other statuses, connection errors, timeouts, and any left unanswered. */
  failures: number;
  /** Requests sent but never answered nor failed (0 unless the drain at the stop ran out of time). */
  unanswered: number;
  statusCounts: Record<string, number>;
  /** Connection errors and timeouts (timeouts included, as autocannon counts them). */
  errors: number;
  timeouts: number;
  loadDurationMs: number;
  rotationDurationMs: number;
  achievedRatePerSecond: number;
  /** Responses received while the rotation ran, and their rate: what a rotation costs the callers. */
  rotationWindowResponses: number;
  rotationWindowRatePerSecond: number;
  /** The rate before the rotation started, under the same load: the baseline of rotationWindowRatePerSecond. */
  baselineWindowRatePerSecond: number;
  newUserRequests: number;
  returningUserRequests: number;
  latencyP99Ms: number;
  oldKeyRejected: boolean;
  /** Distinct tokens with an answer that arrived once the previous key's regeneration started, and how many ACS rejected. */
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

export const defaultLoadOptions: LoadOptions = {
  rate: 150,
  newUserFraction: 0.2,
  returningUsers: 50,
  connections: 50,
  marginMs: 2000,
  maxDurationMs: 120_000,
};

/** Runs the rotation under load against `env` (started with high per-IP and per-user rate limits). */
export async function rotateUnderLoad(env: LocalEnvironment, options: LoadOptions): Promise<LoadFigures> {
  const log = options.log ?? (() => undefined);
  const [{ CommunicationIdentityClient }, { rotationAdaptersFor }, { fromLocalEnv }] = await Promise.all([
    import("@azure/communication-identity"),
    import("../runbooks/lib/environment"),
    import("../runbooks/lib/target"),
  ]);
  const { close: _close, currentConnectionString: _current, eventGrid: _eventGrid, ...emulatorInfo } = env.emulator;
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
    const r = await fetch(`${env.tokenApiUrl}/api/token`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    if (r.status !== 200) throw new Error(`warm-up of a returning user answered ${r.status}`);
  }
  const newCount = Math.ceil((options.rate * options.maxDurationMs * options.newUserFraction) / 1000) + 100;
  const fresh = await Promise.all(Array.from({ length: newCount }, (_, i) => env.oidc.mintToken(`load-new-${Date.now()}-${i}`)));
  log(`callers ready: ${returning.length} returning, ${fresh.length} new`);

  const child = fork(path.join(__dirname, "lib", "load-generator.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
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
  const baselineWindowMs = rotationStarted - loadStarted;
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
    .then(
      () => false,
      (e: { statusCode?: number }) => e.statusCode === 401,
    );
  for (const line of formatReport(rotation, target)) log(line);
  // A token handed out once the old key's regeneration began must be one ACS accepts (signed with the new key),
  // whenever its request was sent: the check takes every token with an answer that arrived after that moment.
  const late = result.tokens.filter((t) => t.answeredAt >= regenerationStartedAt).map((t) => t.token);
  let rejected = 0;
  for (let i = 0; i < late.length; i += 16) {
    const verdicts = await Promise.all(
      late.slice(i, i + 16).map((token) => acsAccepts(env.emulator.endpoint, token, env.emulator.caCertPem)),
    );
    rejected += verdicts.filter((ok) => !ok).length;
  }
  const ended = Object.values(statusCounts).reduce((a, b) => a + b, 0) + result.errors;
  const requests = Math.max(result.sent, ended);
  const ok = statusCounts["200"] ?? 0;
  return {
    requests,
    failures: requests - ok,
    unanswered: requests - ended,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    loadDurationMs,
    rotationDurationMs,
    achievedRatePerSecond: Math.round((requests / loadDurationMs) * 1000 * 10) / 10,
    rotationWindowResponses,
    rotationWindowRatePerSecond: Math.round((rotationWindowResponses / rotationDurationMs) * 1000 * 10) / 10,
    baselineWindowRatePerSecond: Math.round((responsesBefore / baselineWindowMs) * 1000 * 10) / 10,
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
export const loadTokenApiEnv = {
  SECRET_REFRESH_SECONDS: "5",
  RATE_LIMIT_PER_IP_PER_MINUTE: "1000000",
  RATE_LIMIT_PER_USER_PER_MINUTE: "1000000",
};

const help = `Usage: npm run bench:rotation-under-load -- [options]

Starts the local environment (emulator, Azurite, OIDC issuer, two token API processes on 127.0.0.1), then
--runs times: a load generator (its own process) calls POST /api/token at --rate for new and returning users
while the key rotation of \`npm run rotate-keys\` runs. Each run alternates the active key.
  measured   responses/s while the rotation runs
  baseline   responses/s of the same load in the ${defaultLoadOptions.marginMs / 1000} s before it (no rotation)
Also printed per run: the rotation's duration, requests (all drained at the stop) and failed ones, p99 latency, the
tokens answered after the old key's regeneration began and how many ACS rejects, and that the old key is rejected.

Options:
  --runs N      rotations (default 3)
  --rate R      target requests/s, 1..1000 (default ${defaultLoadOptions.rate})
  --json        print one JSON document instead of lines
  -h, --help    this text

Exit codes: 0 every rotation completed with no failed request and no token ACS rejects; 1 a request failed, a token
handed out after the regeneration was rejected, or a rotation did not complete; 2 bad arguments.`;

const options = { runs: { type: "string" }, rate: { type: "string" }, json: { type: "boolean" } } as const;

export const rotationUnderLoadBench: CommandSpec<typeof options> = {
  help,
  options,
  async run(values) {
    const runs = parseCount("runs", values.runs, 3, 20);
    const rate = values.rate === undefined ? defaultLoadOptions.rate : Number(values.rate);
    if (!Number.isFinite(rate) || rate < 1 || rate > 1000)
      throw new UsageError(`--rate must be 1..1000 requests per second, got "${values.rate}"`);
    const say = (line: string) => {
      if (!values.json) console.log(line);
    };
    const { startLocalEnvironment } = await import("../tools/local-dev/index");
    const env = await startLocalEnvironment({ tokenApiEnv: loadTokenApiEnv });
    try {
      const rateFigure: Figure = {
        name: "rate during rotation",
        unit: "req/s",
        measured: [],
        baselineName: "same load, no rotation",
        baseline: [],
      };
      const all: Omit<LoadFigures, "rotation">[] = [];
      let healthy = true;
      for (let run = 1; run <= runs; run++) {
        const figures = await rotateUnderLoad(env, { ...defaultLoadOptions, rate });
        const { rotation, ...numbers } = figures;
        all.push(numbers);
        rateFigure.measured.push(numbers.rotationWindowRatePerSecond);
        rateFigure.baseline.push(numbers.baselineWindowRatePerSecond);
        healthy &&= numbers.failures === 0 && numbers.tokensRejectedByAcs === 0 && numbers.oldKeyRejected && rotation.outcome === "rotated";
        say(
          `run ${run}: ${rotation.outcome} (${rotation.previousKey} -> ${rotation.newKey}) in ${formatDuration(numbers.rotationDurationMs)}; ` +
            `${numbers.rotationWindowRatePerSecond} req/s during, ${numbers.baselineWindowRatePerSecond} before; ` +
            `${numbers.requests} requests, ${numbers.failures} failed (statuses ${JSON.stringify(numbers.statusCounts)}, ${numbers.unanswered} unanswered), p99 ${numbers.latencyP99Ms} ms, ` +
            `${numbers.tokensAfterRegeneration} tokens answered after the regeneration, ${numbers.tokensRejectedByAcs} rejected by ACS; ` +
            `old key rejected: ${numbers.oldKeyRejected}`,
        );
      }
      const durations = all.map((f) => f.rotationDurationMs);
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ runs, targetRate: rate, figures: [summarise(rateFigure)], runsDetail: all })}\n`);
      } else {
        say("");
        for (const line of summaryLines(runs, [rateFigure])) say(line);
        say(`  rotation duration        ${formatDuration(median(durations))} (median), target ${rate} req/s`);
        say(
          `  failed requests          ${all.reduce((sum, f) => sum + f.failures, 0)} over ${all.reduce((sum, f) => sum + f.requests, 0)}`,
        );
      }
      return healthy ? ExitCode.ok : ExitCode.failed;
    } finally {
      await env.stop();
    }
  },
};

if (require.main === module) main(rotationUnderLoadBench);
