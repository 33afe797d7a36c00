// Benchmark of the plan's cost estimate (a script that prints numbers, not a test): `node tools/plan/launch.js
// --stack <s> --format json --timings` with and without `--cost`, alternating in fresh processes so load drifts hit
// both alike, printing each median beside the other, their ratio, and the in-process cost time (timings.costMs).
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../tools/cli-kit";
import { median, parseCount } from "./lib/report";

const ROOT = path.resolve(__dirname, "..");

const HELP = `Usage: npm run bench:plan-cost -- [--stack prod] [--runs 7]

Runs the offline plan of <stack> (JSON with timings) alternately without and with --cost in fresh processes (one
warm-up pair first) and prints the wall-time medians side by side, the ratio with/without (issue #23 allows 1.10),
and the median time the estimate itself took in process (timings.costMs).

  --stack <name>   stack to plan (default prod)
  --runs <n>       measured pairs (default 7)
  -h, --help       show this help

Exit codes: 0 measured; 1 a plan run failed; 2 usage error.`;

function once(args: string[]): { wallMs: number; costMs?: number; programMs: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, ["tools/plan/launch.js", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`plan ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const t = (JSON.parse(r.stdout) as { timings: { programMs: number; costMs?: number } }).timings;
  return { wallMs, programMs: t.programMs, ...(t.costMs !== undefined ? { costMs: t.costMs } : {}) };
}

main({
  help: HELP,
  options: { stack: { type: "string" }, runs: { type: "string" } },
  run(values) {
    const stack = values.stack ?? "prod";
    const runs = parseCount("runs", values.runs, 7, 50);
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ");
    console.log(`plan --cost benchmark: stack ${stack}, ${runs} alternating pairs (+1 warm-up), ${os.cpus().length} cores, load ${load()}`);
    const base = ["--stack", stack, "--format", "json", "--timings"];
    once(base);
    once([...base, "--cost"]);
    const without: number[] = [];
    const withCost: number[] = [];
    const costMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      without.push(once(base).wallMs);
      const c = once([...base, "--cost"]);
      withCost.push(c.wallMs);
      costMs.push(c.costMs ?? NaN);
    }
    const fmt = (n: number) => `${Math.round(n)} ms`.padStart(8);
    console.log(`without --cost  wall median ${fmt(median(without))}  min ${fmt(Math.min(...without))}  max ${fmt(Math.max(...without))}`);
    console.log(
      `with --cost     wall median ${fmt(median(withCost))}  min ${fmt(Math.min(...withCost))}  max ${fmt(Math.max(...withCost))}`,
    );
    console.log(`with / without: ${(median(withCost) / median(without)).toFixed(3)} (wall medians; budget 1.10)`);
    console.log(`cost estimate in process (timings.costMs): median ${median(costMs).toFixed(1)} ms`);
    console.log(`load after: ${load()}`);
    return 0;
  },
});
