// `npm run bench:token-api`: /api/token on a cache hit beside a bare fastify route serving the same body, and on a cache miss beside direct SDK getToken calls.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Options as AutocannonOptions } from "autocannon";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { ACTIVE_KEY_TAG, SECRET_NAME, TOKEN_API_DEFAULTS } from "../services/token-api/src/settings";
import { StaticTokenCredential } from "../tools/acs-emulator/credential";
import { ExitCode, main, type CommandSpec } from "../tools/cli-kit";
import { startAzuriteTables, freePort } from "../tools/local-dev/azurite";
import { median, parseCount } from "./lib/report";

const HELP = `Usage: npm run bench:token-api -- [--duration S] [--connections N] [--users N] [--rounds N] [--json]

Starts the ACS emulator (own process), Azurite, a local OIDC issuer, the token API (own process,
src/server.ts, key-vault mode, LOG_LEVEL=info as in production) and two bare fastify processes, and
measures, with the same number of concurrent connections:
  (a) direct SDK getToken calls to the emulator from this process (the floor for a miss),
  (b) POST /api/token on a cache miss (token cache disabled; mapped users, rotating),
  (c) POST /api/token on a cache hit (one user),
  (d) a bare fastify POST route answering the same body as (c), no auth, no plugins (the peer for a hit),
  (e) a bare fastify POST route that makes the same SDK getToken call as (a) and answers its token (the
      miss's peer with the same HTTP hop, load generator and process count: (b)/(e) is what the token API
      itself adds to a miss).
(a), (b) and (e) ask for the token API's default scopes and lifetime. Latencies are exact (each response's
own time, not autocannon's whole-millisecond histogram). Runs --rounds rounds (default 5) of --duration
seconds (default 5) per case, interleaved (a, b, c, d, e, a, ...), and prints per round and as the median
(min-max) of the per-round ratios: hit req/s (c)/(d) (goal >= 0.8) and miss p50, p99 and mean (b)/(a)
(goal <= 1.3), and (b)/(e). Beside them, each server's CPU time (user + system, from /proc, its child
processes included) per 1000 requests, and the per-round ratios (c)/(d) and (b)/(e) of it: on a shared machine
the load moves the wall-clock ratios much more than the CPU each request costs.

Options:
  --duration S      seconds per case and round (default 5)
  --connections N   concurrent connections (default 10)
  --users N         mapped callers for the cache-miss case (default 200)
  --rounds N        interleaved rounds (default 5)
  --json            print one JSON document instead of the table
  -h, --help        this text

Exit codes: 0 measured, 1 a process failed to start or a request failed, 2 bad arguments.`;

const root = resolve(__dirname, "..");
const tsxCli = join(root, "node_modules", "tsx", "dist", "cli.mjs");

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 on Linux unless configured otherwise). */
const clockTicks = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU milliseconds (user + system) used so far by a process and its descendants (tsx runs the server in a child), from
 * /proc (Linux; NaN elsewhere). The server's CPU per request is what the load on a shared machine changes least.
 */
function processTreeCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
    let ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const child of children ? children.split(" ") : []) ms += processTreeCpuMs(Number(child));
    }
    return ms;
  } catch {
    return NaN;
  }
}

interface Row {
  name: string;
  requests: number;
  rps: number;
  mean: number;
  p50: number;
  p99: number;
  errors: number;
  /** The server process's CPU ms per 1000 answered requests (NaN for the in-process floor). */
  cpuPerKiloRequest: number;
}

function spawnJsonLine(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; line: Record<string, string> }> {
  const child = spawn(process.execPath, [tsxCli, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolvePromise, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolvePromise({ child, line: JSON.parse(line) as Record<string, string> });
    });
    child.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

async function waitForHealthy(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

async function startTokenApi(env: Record<string, string>, caCertPath: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [tsxCli, "services/token-api/src/server.ts"], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), NODE_EXTRA_CA_CERTS: caCertPath, LOG_LEVEL: "info" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(url);
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((r) => {
        child.once("exit", () => r());
        child.kill("SIGTERM");
      }),
  };
}

/** The peer of a cache hit: fastify alone in its own process, one POST route answering `body` as JSON. */
async function startBareFastify(body: string): Promise<Server> {
  const port = await freePort();
  const script = `const app = require("fastify")();
const body = process.env.BENCH_BODY;
app.post("/api/token", (request, reply) => { reply.type("application/json; charset=utf-8").send(body); });
app.listen({ port: ${port}, host: "127.0.0.1" }).then(() => process.stdout.write("listening\\n"));`;
  return startPeer("bare fastify", script, port, { BENCH_BODY: body });
}

/** Runs a peer's script (`node -e`) from the repository root and resolves once it prints that it listens on `port`. */
async function startPeer(label: string, script: string, port: number, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ["-e", script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolvePromise, reject) => {
    child.stdout!.once("data", () => resolvePromise());
    child.once("exit", (code) => reject(new Error(`${label} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((r) => {
        child.once("exit", () => r());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The miss's peer: fastify alone in its own process, one POST route making the SDK call the floor makes (same
 * client options: no SDK retries) for the next mapped user and answering its token.
 */
async function startSdkPeer(connectionString: string, userIdsFile: string, caCertPath: string): Promise<Server> {
  const port = await freePort();
  const script = `const { CommunicationIdentityClient } = require("@azure/communication-identity");
const app = require("fastify")();
const client = new CommunicationIdentityClient(process.env.BENCH_CONNECTION_STRING, { retryOptions: { maxRetries: 0 } });
const users = JSON.parse(require("node:fs").readFileSync(process.env.BENCH_USERS_FILE, "utf8"));
const scopes = JSON.parse(process.env.BENCH_SCOPES);
const minutes = Number(process.env.BENCH_MINUTES);
let next = 0;
app.post("/api/token", async () => {
  const acsUserId = users[next++ % users.length];
  const { token, expiresOn } = await client.getToken({ communicationUserId: acsUserId }, scopes, { tokenExpiresInMinutes: minutes });
  return { token, expiresOn: expiresOn.toISOString(), acsUserId };
});
app.listen({ port: ${port}, host: "127.0.0.1" }).then(() => process.stdout.write("listening\\n"));`;
  return startPeer("the SDK peer", script, port, {
    NODE_EXTRA_CA_CERTS: caCertPath,
    BENCH_CONNECTION_STRING: connectionString,
    BENCH_USERS_FILE: userIdsFile,
    BENCH_SCOPES: JSON.stringify(TOKEN_API_DEFAULTS.allowedScopes),
    BENCH_MINUTES: String(TOKEN_API_DEFAULTS.defaultLifetimeMinutes),
  });
}

/** p50, p99 and mean of exact latencies (ms). */
function latencyStats(latencies: number[]): { p50: number; p99: number; mean: number } {
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { p50: pct(50), p99: pct(99), mean: latencies.reduce((sum, value) => sum + value, 0) / latencies.length };
}

/** The floor: `connections` concurrent loops of identityClient.getToken for `durationS` seconds. */
async function directFloor(client: CommunicationIdentityClient, userIds: string[], connections: number, durationS: number): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + durationS * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        try {
          await client.getToken({ communicationUserId: userIds[next++ % userIds.length]! }, [...TOKEN_API_DEFAULTS.allowedScopes], {
            tokenExpiresInMinutes: TOKEN_API_DEFAULTS.defaultLifetimeMinutes,
          });
          latencies.push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  return {
    name: "(a) direct SDK getToken (floor)",
    requests: latencies.length,
    rps: latencies.length / durationS,
    ...latencyStats(latencies),
    errors,
    cpuPerKiloRequest: NaN,
  };
}

async function cannon(name: string, server: Server, jwts: string[], connections: number, durationS: number): Promise<Row> {
  let next = 0;
  const { url } = server;
  const cpuBefore = processTreeCpuMs(server.pid);
  const { default: autocannon } = await import("autocannon");
  const instance = autocannon({
    url: `${url}/api/token`,
    connections,
    duration: durationS,
    method: "POST",
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => ({
          ...request,
          headers: { authorization: `Bearer ${jwts[next++ % jwts.length]}` },
        }),
      },
    ],
  } as unknown as AutocannonOptions);
  // Each 2xx response's own time (fractional ms): autocannon's histogram keeps whole milliseconds only, which made a
  // 5.9 ms miss a 5 beside a floor measured exactly.
  const latencies: number[] = [];
  (instance as unknown as NodeJS.EventEmitter).on("response", (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  const result = await instance;
  const cpuMs = processTreeCpuMs(server.pid) - cpuBefore;
  const non2xx = result.non2xx + result.errors;
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    ...latencyStats(latencies),
    errors: non2xx,
    cpuPerKiloRequest: (cpuMs * 1000) / result.requests.total,
  };
}

/** Median of each measure over the rounds; requests and errors are summed. */
function medianRow(runs: Row[]): Row {
  return {
    name: runs[0]!.name,
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    rps: median(runs.map((run) => run.rps)),
    mean: median(runs.map((run) => run.mean)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    cpuPerKiloRequest: median(runs.map((run) => run.cpuPerKiloRequest)),
  };
}

const options = {
  duration: { type: "string" },
  connections: { type: "string" },
  users: { type: "string" },
  rounds: { type: "string" },
  json: { type: "boolean" },
} as const;

async function measure(values: {
  duration?: string;
  connections?: string;
  users?: string;
  rounds?: string;
  json?: boolean;
}): Promise<number> {
  const duration = parseCount("duration", values.duration, 5, 600);
  const connections = parseCount("connections", values.connections, 10, 1000);
  const userCount = parseCount("users", values.users, 200, 100_000);
  const rounds = parseCount("rounds", values.rounds, 5, 50);
  const [{ CommunicationIdentityClient }, { SecretClient }, { startOidcIssuer }] = await Promise.all([
    import("@azure/communication-identity"),
    import("@azure/keyvault-secrets"),
    import("../tools/local-dev/oidcIssuer"),
  ]);
  const loadAtStart = loadavg().map((value) => Number(value.toFixed(2)));
  const dataDir = mkdtempSync(join(tmpdir(), "token-api-bench-"));
  const log = (message: string) => process.stderr.write(`${message}\n`);

  log("starting the emulator, Azurite, the OIDC issuer ...");
  const emulator = await spawnJsonLine(["tools/acs-emulator/cli.ts", "--port", "0", "--data-dir", join(dataDir, "emulator")], process.env);
  const info = emulator.line;
  const azurite = await startAzuriteTables(join(dataDir, "azurite"));
  const oidc = await startOidcIssuer({ keyFile: join(dataDir, "oidc-key.json") });
  const ca = (await import("node:fs")).readFileSync(info.caCertPath!, "utf8");
  const secrets = new SecretClient(info.keyVaultUrl!, new StaticTokenCredential(info.devBearerToken!), {
    tlsOptions: { ca },
    disableChallengeResourceVerification: true,
  });
  await secrets.setSecret(SECRET_NAME, info.connectionString!, { tags: { [ACTIVE_KEY_TAG]: "primary" }, contentType: "text/plain" });
  const baseEnv = {
    ACS_AUTH_MODE: "key-vault",
    KEY_VAULT_URI: info.keyVaultUrl!,
    AZURE_STATIC_BEARER_TOKEN: info.devBearerToken!,
    OIDC_ISSUER: oidc.issuer,
    OIDC_AUDIENCE: oidc.audience,
    MAPPING_TABLE_CONNECTION_STRING: azurite.connectionString,
    RATE_LIMIT_PER_IP_PER_MINUTE: "10000000",
    RATE_LIMIT_PER_USER_PER_MINUTE: "10000000",
  };
  const rows: Row[] = [];
  const perCase: Row[][] = [[], [], [], [], []];
  try {
    log(`minting ${userCount} caller JWTs ...`);
    const jwts = await Promise.all(
      Array.from({ length: userCount }, (_, i) => oidc.mintToken(`bench-user-${i}`, {}, { ttlSeconds: 7200 })),
    );

    // Two token APIs: one without a token cache (every call a miss on mapped users), one with it (every call a hit).
    const missApi = await startTokenApi({ ...baseEnv, TOKEN_CACHE_MAX_ENTRIES: "0" }, info.caCertPath!);
    const hitApi = await startTokenApi(baseEnv, info.caCertPath!);
    log("warming up: mapping the users ...");
    const userIds: string[] = [];
    for (const jwt of jwts) {
      const response = await fetch(`${missApi.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwt}` } });
      userIds.push(((await response.json()) as { acsUserId: string }).acsUserId);
    }
    const client = new CommunicationIdentityClient(info.connectionString!, {
      tlsOptions: { ca },
      retryOptions: { maxRetries: 0 },
    } as never);
    const hitBody = await (
      await fetch(`${hitApi.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwts[0]}` } })
    ).text();
    const bare = await startBareFastify(hitBody);
    const userIdsFile = join(dataDir, "user-ids.json");
    writeFileSync(userIdsFile, JSON.stringify(userIds));
    const sdkPeer = await startSdkPeer(info.connectionString!, userIdsFile, info.caCertPath!);
    const bareBody = await (await fetch(`${bare.url}/api/token`, { method: "POST" })).text();
    if (bareBody !== hitBody) throw new Error("the bare route does not serve the cache hit's body");
    await directFloor(client, userIds, connections, 2);
    await cannon("warm-up", missApi, jwts, connections, 2);
    await cannon("warm-up", hitApi, [jwts[0]!], connections, 2);
    await cannon("warm-up", bare, [jwts[0]!], connections, 2);
    await cannon("warm-up", sdkPeer, [jwts[0]!], connections, 2);
    // Rounds interleave the four cases so load from other processes on the machine hits them alike.
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds}: (a) direct floor, (b) cache miss, (c) cache hit, (d) bare fastify, (e) fastify + SDK ...`);
      perCase[0]!.push(await directFloor(client, userIds, connections, duration));
      perCase[1]!.push(await cannon("(b) /api/token cache miss", missApi, jwts, connections, duration));
      perCase[2]!.push(await cannon("(c) /api/token cache hit", hitApi, [jwts[0]!], connections, duration));
      perCase[3]!.push(await cannon("(d) bare fastify, same body", bare, [jwts[0]!], connections, duration));
      perCase[4]!.push(await cannon("(e) bare fastify + SDK getToken", sdkPeer, [jwts[0]!], connections, duration));
    }
    for (const runs of perCase) rows.push(medianRow(runs));
    await bare.stop();
    await sdkPeer.stop();
    await missApi.stop();
    await hitApi.stop();
  } finally {
    await oidc.close();
    await azurite.stop();
    emulator.child.kill("SIGTERM");
  }

  const [a, b, c, d, e] = perCase as [Row[], Row[], Row[], Row[], Row[]];
  const perRound = (num: Row[], den: Row[], measure: (row: Row) => number) => num.map((row, i) => measure(row) / measure(den[i]!));
  const spread = (ratios: number[]) => ({
    median: Number(median(ratios).toFixed(2)),
    min: Number(Math.min(...ratios).toFixed(2)),
    max: Number(Math.max(...ratios).toFixed(2)),
    perRound: ratios.map((r) => Number(r.toFixed(2))),
  });
  const ratios = {
    hitRpsToBare: spread(perRound(c, d, (row) => row.rps)),
    missP50ToFloor: spread(perRound(b, a, (row) => row.p50)),
    missP99ToFloor: spread(perRound(b, a, (row) => row.p99)),
    missMeanToFloor: spread(perRound(b, a, (row) => row.mean)),
    missP50ToPeer: spread(perRound(b, e, (row) => row.p50)),
    missP99ToPeer: spread(perRound(b, e, (row) => row.p99)),
    missMeanToPeer: spread(perRound(b, e, (row) => row.mean)),
    hitCpuPerRequestToBare: spread(perRound(c, d, (row) => row.cpuPerKiloRequest)),
    missCpuPerRequestToPeer: spread(perRound(b, e, (row) => row.cpuPerKiloRequest)),
  };
  const summary = {
    connections,
    durationSeconds: duration,
    rounds,
    rows,
    ratios,
    load: loadavg().map((value) => Number(value.toFixed(2))),
    loadAtStart,
    goals: { hitRpsToBare: ratios.hitRpsToBare.median >= 0.8, missP50ToFloor: ratios.missP50ToFloor.median <= 1.3 },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
    process.stdout.write(
      `\nconnections=${connections} duration=${duration}s x ${rounds} interleaved rounds (medians) node=${process.version} load (1/5/15 min) at start ${loadAtStart.join("/")}, at end ${summary.load.join("/")}\n`,
    );
    process.stdout.write(
      `| case | requests | req/s | mean ms | p50 ms | p99 ms | server CPU ms / 1000 req | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|\n`,
    );
    for (const row of rows)
      process.stdout.write(
        `| ${row.name} | ${row.requests} | ${fmt(row.rps, 0)} | ${fmt(row.mean, 2)} | ${fmt(row.p50, 2)} | ${fmt(row.p99, 2)} | ${fmt(row.cpuPerKiloRequest, 0)} | ${row.errors} |\n`,
      );
    process.stdout.write(`(latencies exact: each response's own time)\n\nratios, median (min-max) of the per-round ratios:\n`);
    const line = (label: string, r: ReturnType<typeof spread>, goal: string) =>
      process.stdout.write(
        `  ${label.padEnd(34)} ${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})  rounds: ${r.perRound.join(", ")}  ${goal}\n`,
      );
    line("cache hit req/s (c)/(d) bare", ratios.hitRpsToBare, `goal >= 0.8: ${summary.goals.hitRpsToBare ? "met" : "NOT met"}`);
    line("cache miss p50 (b)/(a) SDK floor", ratios.missP50ToFloor, `goal <= 1.3: ${summary.goals.missP50ToFloor ? "met" : "NOT met"}`);
    line("cache miss p99 (b)/(a)", ratios.missP99ToFloor, "");
    line("cache miss mean (b)/(a)", ratios.missMeanToFloor, "");
    line("cache miss p50 (b)/(e) same-hop peer", ratios.missP50ToPeer, "");
    line("cache miss p99 (b)/(e)", ratios.missP99ToPeer, "");
    line("cache miss mean (b)/(e)", ratios.missMeanToPeer, "");
    line("server CPU per hit (c)/(d)", ratios.hitCpuPerRequestToBare, "(load changes it least)");
    line("server CPU per miss (b)/(e)", ratios.missCpuPerRequestToPeer, "");
  }
  writeFileSync(join(dataDir, "result.json"), JSON.stringify(summary));
  return rows.some((row) => row.errors > 0) ? ExitCode.failed : ExitCode.ok;
}

export const tokenApiBench: CommandSpec<typeof options> = { help: HELP, options, run: measure };

if (require.main === module) main(tokenApiBench);
