// `npm run bench:token-api-startup`: the deployable's start (process start -> listening) beside a bare fastify start in the same run, and the zip's size and files.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { readZip } from "../services/token-api/scripts/zip";
import { CODE_CACHE_DIR } from "../services/token-api/src/codeCache";
import { ExitCode, UsageError, main, type CommandSpec } from "../tools/cli-kit";
import { median, parseCount } from "./lib/report";

const HELP = `Usage: npm run bench:token-api-startup -- [--runs N] [--json]

Times the token API as it ships (build it first: npm run build) against a bare fastify process:
  the zip services/token-api/dist/token-api.zip is unpacked into .cache/token-api-startup/wwwroot and started
  as App Service starts it (\`node <main>\` of its package.json, in that folder), in three configurations:
  (a) with telemetry on (a connection string, as every deployed environment has; the endpoint is loopback and
      nothing is sent before the first request), finding the code cache an earlier start wrote (the package's
      entry keeps it under the temp directory, src/codeCache.ts; TMPDIR points that into .cache/token-api-startup);
  (a0) the same with an empty temp directory each time: a new instance's first start, which has no cache;
  (b) telemetry off, with the cache;
  (c) the peer: a bare fastify process that listens and says so (no plugins, no routes; no compile cache, as
      plain \`node\` runs);
  (d) the same bare process with Node's own compile cache on (NODE_COMPILE_CACHE, flushed once listening), warm.
Before the rounds, one untimed start of (a), (b) and (d) writes their caches. Each case then starts --runs times
(default 7), interleaved (a, a0, b, c, d, a, ...), with a configuration that needs no network at start; a guard
(tests/support/loopback-only.cjs, preloaded into all) refuses anything beyond loopback. Measures process start ->
the "listening" log line (wall time, and the process's CPU time from /proc on Linux, steadier under load). Prints
the medians and spreads, each start as a ratio to (c) (the median (min-max) of the per-round ratios; goal <= 1.5),
and the zip's size and files (goal <= 5 MB).

Exit codes: 0 measured, 1 a start failed, 2 bad arguments or no build.`;

const repoRoot = resolve(__dirname, "..");
const zipPath = join(repoRoot, "services", "token-api", "dist", "token-api.zip");
const workDir = join(repoRoot, ".cache", "token-api-startup");
const siteDir = join(workDir, "wwwroot");
const bareDir = join(workDir, "bare-fastify");
const loopbackOnly = join(repoRoot, "tests", "support", "loopback-only.cjs");
/** The peer: fastify resolved from the repository's node_modules, the same version the token API bundles. */
const BARE_FASTIFY = `require(${JSON.stringify(require.resolve("fastify"))})().listen({ port: 0, host: "127.0.0.1" }).then(() => { process.stdout.write('{"msg":"listening"}\\n'); setImmediate(() => require("node:module").flushCompileCache?.()); });\n`;

/** Enough configuration to start; nothing is contacted before the first request. */
const START_ENV = {
  ACS_AUTH_MODE: "managed-identity",
  ACS_ENDPOINT: "https://127.0.0.1:9/",
  AZURE_STATIC_BEARER_TOKEN: "bench",
  OIDC_ISSUER: "https://127.0.0.1:9/",
  OIDC_AUDIENCE: "api://bench",
  MAPPING_TABLE_ENDPOINT: "https://127.0.0.1:9",
  PORT: "0",
  LOG_LEVEL: "info",
};
/** Telemetry on, to loopback (tests/services/token-api/telemetry.test.ts explains each variable). */
const TELEMETRY_ENV = {
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    "InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=https://127.0.0.1:9/;LiveEndpoint=https://127.0.0.1:9/",
  APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
  APPLICATIONINSIGHTS_STATSBEAT_DISABLED: "true",
};

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** The CPU time (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

interface Start {
  wallMs: number;
  cpuMs: number | undefined;
}

/**
 * A finished code cache, not one being written: the bundle's own is `<hash>-<node>-<arch>.bin` (its partial file ends
 * in `.tmp`), Node's compile cache names its files by a hex hash with no extension (its partial files, `<hash>.XXXXXX`,
 * are renamed when complete, so one may vanish between listing and stat).
 */
const finishedCache = (dir: string, name: string): boolean =>
  (name.endsWith(".bin") || !basename(name).includes(".")) && statSync(join(dir, name), { throwIfNoEntry: false })?.isFile() === true;

/** Resolves once `dir` holds a finished code cache, or after 10 s. */
async function cacheWritten(dir: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (existsSync(dir) && readdirSync(dir, { recursive: true }).some((name) => finishedCache(dir, String(name)))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function timeToListening(entry: string, cwd: string, env: Record<string, string>, untilCacheIn?: string): Promise<Start> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--require", loopbackOnly, entry], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...START_ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"msg":"listening"')) {
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        const cpuMs = cpuMsOf(child.pid);
        // A warm-up start stays until its code cache is on disk (written after "listening").
        void (untilCacheIn ? cacheWritten(untilCacheIn) : Promise.resolve()).then(() => {
          child.kill("SIGKILL");
          resolvePromise({ wallMs, cpuMs });
        });
      }
    });
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`${entry} exited with ${code}: ${stderr.trim().slice(-400)}`));
    });
  });
}

const options = { runs: { type: "string" }, json: { type: "boolean" } } as const;

const spec: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(args) {
    const runs = parseCount("runs", args.runs, 7, 50);
    let zipBytes: number;
    try {
      zipBytes = statSync(zipPath).size;
    } catch {
      throw new UsageError("no package at services/token-api/dist/token-api.zip: run `npm run build` first");
    }
    // The zip's content, as App Service mounts it.
    rmSync(workDir, { recursive: true, force: true });
    const entries = readZip(zipPath);
    for (const entry of entries) {
      mkdirSync(dirname(join(siteDir, entry.name)), { recursive: true });
      writeFileSync(join(siteDir, entry.name), entry.data);
    }
    const main = (JSON.parse(readFileSync(join(siteDir, "package.json"), "utf8")) as { main?: string }).main ?? "server.js";
    mkdirSync(bareDir, { recursive: true });
    writeFileSync(join(bareDir, "server.js"), BARE_FASTIFY);

    // The deployable keeps its code cache under the temp directory (src/codeCache.ts); the bare peer (d) uses Node's
    // own compile cache, the most a process without code of its own for it gets.
    const tmp = (name: string) => join(workDir, "tmp", name);
    const cacheDir = (name: string) => ({ TMPDIR: tmp(name) });
    const warmDir = (name: string) => (name === "bare" ? join(workDir, "compile-cache") : join(tmp(name), CODE_CACHE_DIR));
    interface Case {
      name: string;
      entry: string;
      cwd: string;
      env: (run: number) => Record<string, string>;
      /** The cache directory an untimed start fills before the rounds. */
      warm?: string;
    }
    const cases = (
      [
        {
          name: "(a) deployable, telemetry on",
          entry: main,
          cwd: siteDir,
          env: () => ({ ...TELEMETRY_ENV, ...cacheDir("on") }),
          warm: "on",
        },
        {
          name: "(a0) deployable, telemetry on, first start (no code cache)",
          entry: main,
          cwd: siteDir,
          env: (run: number) => ({ ...TELEMETRY_ENV, ...cacheDir(`first-${run}`) }),
        },
        { name: "(b) deployable, telemetry off", entry: main, cwd: siteDir, env: () => cacheDir("off"), warm: "off" },
        { name: "(c) bare fastify (peer)", entry: "server.js", cwd: bareDir, env: () => ({}) },
        {
          name: "(d) bare fastify, compile cache on",
          entry: "server.js",
          cwd: bareDir,
          env: () => ({ NODE_COMPILE_CACHE: warmDir("bare") }),
          warm: "bare",
        },
      ] as Case[]
    ).map((c) => ({ ...c, times: [] as Start[] }));
    const peerIndex = 3;
    const loadBefore = loadavg()[0]!;
    try {
      for (const c of cases) if (c.warm) await timeToListening(c.entry, c.cwd, c.env(-1), warmDir(c.warm));
      for (let run = 0; run < runs; run++) for (const c of cases) c.times.push(await timeToListening(c.entry, c.cwd, c.env(run)));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return ExitCode.failed;
    }
    const loadAfter = loadavg()[0]!;
    const peer = cases[peerIndex]!.times;
    const spread = (ratios: number[]) => ({
      median: Number(median(ratios).toFixed(2)),
      min: Number(Math.min(...ratios).toFixed(2)),
      max: Number(Math.max(...ratios).toFixed(2)),
    });
    const rows = cases.map((c) => {
      const wall = c.times.map((t) => t.wallMs);
      const cpu = c.times.every((t, i) => t.cpuMs && peer[i]!.cpuMs) ? c.times.map((t) => t.cpuMs!) : undefined;
      return {
        name: c.name,
        medianMs: Math.round(median(wall)),
        minMs: Math.round(Math.min(...wall)),
        maxMs: Math.round(Math.max(...wall)),
        ratioToBare: spread(wall.map((ms, i) => ms / peer[i]!.wallMs)),
        // CPU time to listening holds steadier than wall time on a loaded machine.
        cpuMedianMs: cpu ? Math.round(median(cpu)) : null,
        cpuRatioToBare: cpu ? spread(cpu.map((ms, i) => ms / peer[i]!.cpuMs!)) : null,
      };
    });
    const deployable = {
      zipBytes,
      files: entries.length,
      unpackedBytes: entries.reduce((sum, entry) => sum + entry.data.length, 0),
      names: entries.map((entry) => entry.name),
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ runs, node: process.version, load: [loadBefore, loadAfter], deployable, rows })}\n`);
      return ExitCode.ok;
    }
    process.stdout.write(
      `\ndeployable: services/token-api/dist/token-api.zip, ${zipBytes} bytes (${(zipBytes / 1e6).toFixed(2)} MB; goal <= 5 MB), ` +
        `${deployable.files} files (${deployable.names.join(", ")}), ${deployable.unpackedBytes} bytes unpacked\n`,
    );
    process.stdout.write(
      `\nstart-up: process start -> "listening", ${runs} rounds, interleaved; node ${process.version}, load ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}\n\n`,
    );
    const ratio = (r: { median: number; min: number; max: number } | null) =>
      r ? `${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})` : "n/a";
    process.stdout.write(
      "| start | median ms | min ms | max ms | ratio to (c), median (min-max) | CPU ms, median | CPU ratio to (c) |\n|---|---:|---:|---:|---|---:|---|\n",
    );
    for (const r of rows)
      process.stdout.write(
        `| ${r.name} | ${r.medianMs} | ${r.minMs} | ${r.maxMs} | ${ratio(r.ratioToBare)} | ${r.cpuMedianMs ?? "n/a"} | ${ratio(r.cpuRatioToBare)} |\n`,
      );
    process.stdout.write("\n(goal: start <= 1.5 x the bare fastify start)\n");
    return ExitCode.ok;
  },
};

main(spec);
