// `npm run bench:token-api`: /api/token on a cache hit beside a bare fastify route serving the same body, and on a cache miss beside direct SDK getToken calls.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Options as AutocannonOptions } from "autocannon";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { ACTIVE_KEY_TAG, SECRET_NAME } from "../services/token-api/src/settings";
import { StaticTokenCredential } from "../tools/acs-emulator/credential";
import { ExitCode, main, type CommandSpec } from "../tools/cli-kit";
import { startAzuriteTables, freePort } from "../tools/local-dev/azurite";
import { median, parseCount } from "./lib/report";

const HELP = `Usage: npm run bench:token-api -- [--duration S] [--connections N] [--users N] [--rounds N] [--json]

Starts the ACS emulator (own process), Azurite, a local OIDC issuer, the token API (own process,
src/server.ts, key-vault mode, LOG_LEVEL=info as in production) and a bare fastify process, and measures,
with the same number of concurrent connections:
  (a) direct SDK getToken calls to the emulator (the floor for a miss),
  (b) POST /api/token on a cache miss (token cache disabled; mapped users, rotating),
  (c) POST /api/token on a cache hit (one user),
  (d) a bare fastify POST route answering the same body as (c), no auth, no plugins (the peer for a hit).
Runs --rounds rounds (default 5) of --duration seconds (default 5) per case, interleaved (a, b, c, d, a, ...),
and prints per round and as the median (min-max) of the per-round ratios: hit req/s (c)/(d) (goal >= 0.8) and
miss p50, p99 and mean (b)/(a) (goal <= 1.3).

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

interface Row {
  name: string;
  requests: number;
  rps: number;
  mean: number;
  p50: number;
  p99: number;
  errors: number;
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

async function startTokenApi(env: Record<string, string>, caCertPath: string): Promise<{ url: string; stop(): Promise<void> }> {
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
    stop: () =>
      new Promise<void>((r) => {
        child.once("exit", () => r());
        child.kill("SIGTERM");
      }),
  };
}

/** The peer of a cache hit: fastify alone in its own process, one POST route answering `body` as JSON. */
async function startBareFastify(body: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const script = `const app = require("fastify")();
const body = process.env.BENCH_BODY;
app.post("/api/token", (request, reply) => { reply.type("application/json; charset=utf-8").send(body); });
app.listen({ port: ${port}, host: "127.0.0.1" }).then(() => process.stdout.write("listening\\n"));`;
  const child = spawn(process.execPath, ["-e", script], {
    cwd: root,
    env: { ...process.env, BENCH_BODY: body },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolvePromise, reject) => {
    child.stdout!.once("data", () => resolvePromise());
    child.once("exit", (code) => reject(new Error(`bare fastify exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        child.once("exit", () => r());
        child.kill("SIGTERM");
      }),
  };
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
          await client.getToken({ communicationUserId: userIds[next++ % userIds.length]! }, ["chat", "voip"]);
          latencies.push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const mean = latencies.reduce((sum, value) => sum + value, 0) / latencies.length;
  return {
    name: "(a) direct SDK getToken (floor)",
    requests: latencies.length,
    rps: latencies.length / durationS,
    mean,
    p50: pct(50),
    p99: pct(99),
    errors,
  };
}

async function cannon(name: string, url: string, jwts: string[], connections: number, durationS: number): Promise<Row> {
  let next = 0;
  const { default: autocannon } = await import("autocannon");
  const result = await autocannon({
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
  const non2xx = result.non2xx + result.errors;
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    mean: result.latency.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: non2xx,
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
  const perCase: Row[][] = [[], [], [], []];
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
    const client = new CommunicationIdentityClient(info.connectionString!, { tlsOptions: { ca } } as never);
    const hitBody = await (
      await fetch(`${hitApi.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${jwts[0]}` } })
    ).text();
    const bare = await startBareFastify(hitBody);
    const bareBody = await (await fetch(`${bare.url}/api/token`, { method: "POST" })).text();
    if (bareBody !== hitBody) throw new Error("the bare route does not serve the cache hit's body");
    await directFloor(client, userIds, connections, 2);
    await cannon("warm-up", missApi.url, jwts, connections, 2);
    await cannon("warm-up", hitApi.url, [jwts[0]!], connections, 2);
    await cannon("warm-up", bare.url, [jwts[0]!], connections, 2);
    // Rounds interleave the four cases so load from other processes on the machine hits them alike.
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds}: (a) direct floor, (b) cache miss, (c) cache hit, (d) bare fastify ...`);
      perCase[0]!.push(await directFloor(client, userIds, connections, duration));
      perCase[1]!.push(await cannon("(b) /api/token cache miss", missApi.url, jwts, connections, duration));
      perCase[2]!.push(await cannon("(c) /api/token cache hit", hitApi.url, [jwts[0]!], connections, duration));
      perCase[3]!.push(await cannon("(d) bare fastify, same body", bare.url, [jwts[0]!], connections, duration));
    }
    for (const runs of perCase) rows.push(medianRow(runs));
    await bare.stop();
    await missApi.stop();
    await hitApi.stop();
  } finally {
    await oidc.close();
    await azurite.stop();
    emulator.child.kill("SIGTERM");
  }

  const [a, b, c, d] = perCase as [Row[], Row[], Row[], Row[]];
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
  };
  const summary = {
    connections,
    durationSeconds: duration,
    rounds,
    rows,
    ratios,
    goals: { hitRpsToBare: ratios.hitRpsToBare.median >= 0.8, missP50ToFloor: ratios.missP50ToFloor.median <= 1.3 },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
    process.stdout.write(
      `\nconnections=${connections} duration=${duration}s x ${rounds} interleaved rounds (medians) node=${process.version} load=${(await import("node:os")).loadavg()[0]!.toFixed(1)}\n`,
    );
    process.stdout.write(`| case | requests | req/s | mean ms | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|\n`);
    for (const row of rows)
      process.stdout.write(
        `| ${row.name} | ${row.requests} | ${fmt(row.rps, 0)} | ${fmt(row.mean, 2)} | ${fmt(row.p50, 2)} | ${fmt(row.p99, 2)} | ${row.errors} |\n`,
      );
    process.stdout.write(
      `(autocannon reports p50/p99 in whole milliseconds; the mean is exact)\n\nratios, median (min-max) of the per-round ratios:\n`,
    );
    const line = (label: string, r: ReturnType<typeof spread>, goal: string) =>
      process.stdout.write(
        `  ${label.padEnd(34)} ${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})  rounds: ${r.perRound.join(", ")}  ${goal}\n`,
      );
    line("cache hit req/s (c)/(d) bare", ratios.hitRpsToBare, `goal >= 0.8: ${summary.goals.hitRpsToBare ? "met" : "NOT met"}`);
    line("cache miss p50 (b)/(a) SDK floor", ratios.missP50ToFloor, `goal <= 1.3: ${summary.goals.missP50ToFloor ? "met" : "NOT met"}`);
    line("cache miss p99 (b)/(a)", ratios.missP99ToFloor, "");
    line("cache miss mean (b)/(a)", ratios.missMeanToFloor, "");
  }
  writeFileSync(join(dataDir, "result.json"), JSON.stringify(summary));
  return rows.some((row) => row.errors > 0) ? ExitCode.failed : ExitCode.ok;
}

export const tokenApiBench: CommandSpec<typeof options> = { help: HELP, options, run: measure };

if (require.main === module) main(tokenApiBench);
