// `npm run bench:token-api-startup`: process start -> listening beside a bare fastify start, size and file count, for the deployed artifact and a single esbuild bundle.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { TOKEN_API_NODE_MAJOR } from "../policies/deployability-facts";
import { ExitCode, UsageError, main, type CommandSpec } from "../tools/cli-kit";
import { median, parseCount } from "./lib/report";

const HELP = `Usage: npm run bench:token-api-startup -- [--runs N] [--json]

Compares two ways to ship the token API (build the artifact first: npm run build):
  (a) the artifact npm run build writes: services/token-api/dist/package (app/*.js + node_modules closure),
  (b) one esbuild bundle of src/server.ts (minified CommonJS, built here into .cache/token-api-bundle),
  (c) the peer: a bare fastify process that listens and says so (no plugins, no routes).
For each, starts \`node server.js\` --runs times (default 7, interleaved) with a configuration that needs no
network at start, and measures process start -> the "listening" log line. Prints the median and the
spread, the size and the number of files of each, and the start of (a) and (b) as a ratio to (c): the
median (min-max) of the per-run ratios (goal <= 1.5).

Exit codes: 0 measured, 1 a start failed, 2 bad arguments.`;

const repoRoot = resolve(__dirname, "..");
const packageDir = join(repoRoot, "services", "token-api");
const artifactDir = join(packageDir, "dist", "package");
const bundleDir = join(repoRoot, ".cache", "token-api-bundle");
const bareDir = join(repoRoot, ".cache", "token-api-bare-fastify");
/** The peer: fastify resolved from the repository's node_modules, the same version the token API uses. */
const BARE_FASTIFY = `require("fastify")().listen({ port: 0, host: "127.0.0.1" }).then(() => process.stdout.write('{"msg":"listening"}\\n'));\n`;

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

function timeToListening(entry: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [entry], { env: { ...process.env, ...START_ENV }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes('"msg":"listening"')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill("SIGKILL");
        resolvePromise(ms);
      }
    });
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`${entry} exited with ${code}: ${stderr.trim().slice(-400)}`));
    });
  });
}

function inventory(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = inventory(path);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += statSync(path).size;
      files++;
    }
  }
  return { bytes, files };
}

const options = { runs: { type: "string" }, json: { type: "boolean" } } as const;

const spec: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(args) {
    const runs = parseCount("runs", args.runs, 7, 50);
    if (!existsSync(join(artifactDir, "app", "server.js")))
      throw new UsageError("no artifact at services/token-api/dist/package: run `npm run build` first");
    rmSync(bareDir, { recursive: true, force: true });
    mkdirSync(bareDir, { recursive: true });
    writeFileSync(join(bareDir, "server.js"), BARE_FASTIFY);
    rmSync(bundleDir, { recursive: true, force: true });
    mkdirSync(bundleDir, { recursive: true });
    await build({
      entryPoints: [join(packageDir, "src", "server.ts")],
      outfile: join(bundleDir, "server.js"),
      bundle: true,
      platform: "node",
      target: `node${TOKEN_API_NODE_MAJOR}`,
      format: "cjs",
      minify: true,
      legalComments: "linked",
      logLevel: "warning",
    });
    const cases = [
      {
        name: "(a) artifact: app/*.js + node_modules",
        entry: join(artifactDir, "app", "server.js"),
        dir: artifactDir,
        times: [] as number[],
      },
      { name: "(b) one esbuild bundle", entry: join(bundleDir, "server.js"), dir: bundleDir, times: [] as number[] },
      { name: "(c) bare fastify (peer)", entry: join(bareDir, "server.js"), dir: bareDir, times: [] as number[] },
    ];
    try {
      for (let run = 0; run < runs; run++) for (const c of cases) c.times.push(await timeToListening(c.entry));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return ExitCode.failed;
    }
    const peer = cases[2]!.times;
    const rows = cases.map((c) => {
      const ratios = c.times.map((ms, i) => ms / peer[i]!);
      return {
        name: c.name,
        medianMs: Math.round(median(c.times)),
        minMs: Math.round(Math.min(...c.times)),
        maxMs: Math.round(Math.max(...c.times)),
        ratioToBare: {
          median: Number(median(ratios).toFixed(2)),
          min: Number(Math.min(...ratios).toFixed(2)),
          max: Number(Math.max(...ratios).toFixed(2)),
        },
        ...inventory(c.dir),
      };
    });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ runs, node: process.version, load: (await import("node:os")).loadavg()[0], rows })}\n`);
      return ExitCode.ok;
    }
    process.stdout.write(
      `\nstart-up: process start -> "listening", ${runs} runs each, interleaved; node ${process.version}, load ${(await import("node:os")).loadavg()[0]!.toFixed(1)}\n\n`,
    );
    process.stdout.write(
      "| build | median ms | min ms | max ms | ratio to (c), median (min-max) | files | bytes |\n|---|---:|---:|---:|---|---:|---:|\n",
    );
    for (const r of rows)
      process.stdout.write(
        `| ${r.name} | ${r.medianMs} | ${r.minMs} | ${r.maxMs} | ${r.ratioToBare.median.toFixed(2)} (${r.ratioToBare.min.toFixed(2)}-${r.ratioToBare.max.toFixed(2)}) | ${r.files} | ${r.bytes} |\n`,
      );
    process.stdout.write("\n(goal: start <= 1.5 x the bare fastify start, deployable <= 5 MB)\n");
    return ExitCode.ok;
  },
};

main(spec);
