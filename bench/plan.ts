// Benchmark of the offline plan (a script that prints numbers, not a test): wall time of
// `npm run plan -- --stack <s> --format json` in fresh processes (npm -> tools/plan/launch.js, which bundles with
// esbuild), the same without npm, the old tsx path for comparison, process start-up baselines, the plan with
// --compare against its own earlier plan next to the plan without, and the in-process split into program and
// policy time (from the JSON output's timings).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../tools/cli-kit";
import { median, parseCount } from "./lib/report";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

const HELP = `Usage: npm run bench:plan -- [--stack prod] [--runs 5]

Prints the median, min and max wall time of the offline plan in fresh processes (after one warm-up run each):
node and tsx start-up, npm run plan, tsx without the bundle, node tools/plan/launch.js, and launch.js with
--compare against the stack's own plan next to the same run without it (the ratio is the cost of the comparison).

  --stack <name>   stack to plan (default prod)
  --runs <n>       measured runs per command (default 5)
  -h, --help       show this help

Exit codes: 0 measured; 2 usage error; 1 a plan run failed.`;

let stack = "prod";
let runs = 5;

interface Sample {
  wallMs: number;
  programMs?: number;
  policiesMs?: number;
}

function time(cmd: string, args: string[], parseTimings: boolean): Sample {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  if (!parseTimings) return { wallMs };
  const doc = JSON.parse(r.stdout) as { timings: { programMs: number; policiesMs: number } };
  return { wallMs, programMs: doc.timings.programMs, policiesMs: doc.timings.policiesMs };
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

function run(): number {
  console.log(
    `offline plan benchmark: stack ${stack}, ${runs} runs each (+1 warm-up), ${os.cpus().length} cores, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}, node ${process.version}`,
  );
  const planArgs = ["--stack", stack, "--format", "json", "--timings"];
  measure("node -e 0 (process start-up)", process.execPath, ["-e", "0"], false);
  measure("tsx -e 0 (tsx start-up)", path.join(BIN, "tsx"), ["-e", "0"], false);
  measure(`npm run plan -- ${planArgs.join(" ")} (launch.js)`, "npm", ["run", "--silent", "plan", "--", ...planArgs], true);
  measure(`tsx tools/plan/cli.ts ${planArgs.join(" ")} (no bundle)`, path.join(BIN, "tsx"), ["tools/plan/cli.ts", ...planArgs], true);
  const without = measure(`node tools/plan/launch.js ${planArgs.join(" ")}`, process.execPath, ["tools/plan/launch.js", ...planArgs], true);
  // The baseline is the stack's own plan, so the comparison walks every resource and finds them all the same.
  const baseline = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-")), `${stack}.json`);
  const written = spawnSync(process.execPath, ["tools/plan/launch.js", ...planArgs, "--output", baseline], { cwd: ROOT, encoding: "utf8" });
  if (written.status !== 0 && written.status !== 1) throw new Error(`writing the baseline failed: ${written.stderr}`);
  const withCompare = measure(
    `node tools/plan/launch.js ${planArgs.join(" ")} --compare <own plan>`,
    process.execPath,
    ["tools/plan/launch.js", ...planArgs, "--compare", baseline],
    true,
  );
  const ratio = median(withCompare.map((x) => x.wallMs)) / median(without.map((x) => x.wallMs));
  console.log(`--compare / without: ${ratio.toFixed(3)} (wall medians)`);
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  return 0;
}

main({
  help: HELP,
  options: { stack: { type: "string" }, runs: { type: "string" } },
  run(values) {
    stack = values.stack ?? "prod";
    runs = parseCount("runs", values.runs, 5, 50);
    return run();
  },
});
