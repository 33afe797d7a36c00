// Benchmark of the offline plan (a script that prints numbers, not a test): wall time of
// `npm run plan -- --stack <s> --format json` in fresh processes (npm -> tools/plan/launch.js, which bundles with
// esbuild), the same without npm, the old tsx path for comparison, process start-up baselines, and the
// in-process split into program and policy time (from the JSON output's timings). Usage: npm run bench:plan -- [--stack prod] [--runs 5]
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

const { values } = parseArgs({
  options: { stack: { type: "string", default: "prod" }, runs: { type: "string", default: "5" } },
});
const stack = values.stack!;
const runs = Math.max(1, Number(values.runs));

interface Sample { wallMs: number; programMs?: number; policiesMs?: number }

function time(cmd: string, args: string[], parseTimings: boolean): Sample {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  if (!parseTimings) return { wallMs };
  const doc = JSON.parse(r.stdout) as { timings: { programMs: number; policiesMs: number } };
  return { wallMs, programMs: doc.timings.programMs, policiesMs: doc.timings.policiesMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function report(label: string, samples: Sample[]): void {
  const wall = samples.map((s) => s.wallMs);
  const fmt = (n: number) => `${Math.round(n)} ms`.padStart(8);
  let line = `${label.padEnd(44)} wall median ${fmt(median(wall))}  min ${fmt(Math.min(...wall))}  max ${fmt(Math.max(...wall))}`;
  if (samples[0]?.programMs !== undefined) {
    line += `  | program median ${fmt(median(samples.map((s) => s.programMs!)))}  policies median ${fmt(median(samples.map((s) => s.policiesMs!)))}`;
  }
  console.log(line);
}

function measure(label: string, cmd: string, args: string[], parse: boolean): Sample[] {
  time(cmd, args, parse); // warm the file cache; not counted
  const samples = Array.from({ length: runs }, () => time(cmd, args, parse));
  report(label, samples);
  return samples;
}

console.log(`offline plan benchmark: stack ${stack}, ${runs} runs each (+1 warm-up), ${os.cpus().length} cores, ` +
  `load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, node ${process.version}`);
const planArgs = ["--stack", stack, "--format", "json"];
measure("node -e 0 (process start-up)", process.execPath, ["-e", "0"], false);
measure("tsx -e 0 (tsx start-up)", path.join(BIN, "tsx"), ["-e", "0"], false);
measure(`npm run plan -- ${planArgs.join(" ")} (launch.js)`, "npm", ["run", "--silent", "plan", "--", ...planArgs], true);
measure(`tsx tools/plan/cli.ts ${planArgs.join(" ")} (no bundle)`, path.join(BIN, "tsx"), ["tools/plan/cli.ts", ...planArgs], true);

measure(`node tools/plan/launch.js ${planArgs.join(" ")}`, process.execPath, ["tools/plan/launch.js", ...planArgs], true);
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
