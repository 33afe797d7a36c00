// Benchmark of the offline plan (a script that prints numbers, not a test): `node tools/plan/launch.js --stack <s>
// --format json` in fresh processes beside its floor, a node process that only loads the modules the program and
// the pack load, interleaved (floor, plan, floor, plan, ...) so the machine's drift hits both alike; the same at about
// 250 resources (the stack plus extra email domains and event subscriptions); and --compare against the plan's own
// output beside the same run without it. Wall and CPU time (user + sys, children included, from /usr/bin/time).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { main } from "../tools/cli-kit";
import { median, parseCount } from "./lib/report";

const ROOT = path.resolve(__dirname, "..");
const TIME = "/usr/bin/time";

const HELP = `Usage: npm run bench:plan -- [--stack prod] [--runs 5] [--extra 30]

Prints, for the offline plan in fresh processes (after one warm-up run each, so the bundle and node's compile cache
are as a repeat run finds them):
  - the module-load floor: node loading @pulumi/pulumi, every @pulumi/azure-native module the components import and
    @pulumi/policy, then exiting; beside it the plan of the stack (--format json) and the plan / floor ratio,
  - the same with --extra N email domains (one sender each) and N event subscriptions added to the stack (6 resources
    each; 30 gives about 250 resources),
  - the plan with --compare against its own output beside the same plan without it.
Each figure: median, min and max of wall and CPU time (user + sys, children included; CPU needs ${TIME}), and for
each ratio the median of the per-pair ratios with its range.

  --stack <name>   stack to plan (default prod)
  --runs <n>       measured pairs per comparison (default 5)
  --extra <n>      extra domains and subscriptions for the scale run (default 30)
  -h, --help       show this help

Exit codes: 0 measured; 2 usage error; 1 a plan run failed.`;

interface Sample {
  wallMs: number;
  cpuMs?: number;
  resources?: number;
  programMs?: number;
}

function run(args: string[], parse: boolean): Sample {
  const cpuFile = path.join(os.tmpdir(), `bench-plan-cpu-${process.pid}`);
  const timed = fs.existsSync(TIME);
  const [cmd, cmdArgs] = timed ? [TIME, ["-o", cpuFile, "-f", "%U %S", process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const sample: Sample = { wallMs };
  if (timed) {
    const [user, sys] = fs.readFileSync(cpuFile, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
    sample.cpuMs = (user! + sys!) * 1000;
  }
  if (parse) {
    const doc = JSON.parse(r.stdout) as { summary: { resources: number }; timings: { programMs: number } };
    sample.resources = doc.summary.resources;
    sample.programMs = doc.timings.programMs;
  }
  return sample;
}

/** The modules the floor loads: what the program and the pack import, read from the sources so it follows them. */
function floorModules(): string[] {
  const sdk = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith(".ts"))
        for (const m of fs.readFileSync(file, "utf8").matchAll(/from "(@pulumi\/azure-native\/[\w-]+)"/g)) sdk.add(m[1]!);
    }
  };
  for (const dir of ["components", "stacks"]) walk(path.join(ROOT, dir));
  return ["@pulumi/pulumi", ...[...sdk].sort(), "@pulumi/policy"];
}

/** A copy of the stack file with `extra` customer-managed domains (one sender each) and `extra` event subscriptions. */
function scaledStackFile(stack: string, extra: number): string {
  const doc = parseDocument(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  for (let i = 0; i < extra; i++) {
    doc.addIn(["config", "acs-platform:email", "domains"], {
      kind: "CustomerManaged",
      domainName: `bench${i}.contoso.com`,
      // Senders are declared only on a verified domain with raised sending limits (components/communication-services).
      verified: true,
      sendingLimitsRaised: true,
      senders: [{ username: "bench", displayName: "Bench" }],
    });
    doc.addIn(["config", "acs-platform:eventRouting", "subscriptions"], {
      name: `bench-${i}`,
      eventTypes: ["Microsoft.Communication.ChatMessageReceived"],
    });
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-")), `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, doc.toString());
  return file;
}

const fmt = (n: number) => `${Math.round(n)}`.padStart(6);
const range = (values: number[]) => `${fmt(median(values))} ms (${Math.round(Math.min(...values))}-${Math.round(Math.max(...values))})`;
const ratio = (values: number[]) =>
  `${median(values).toFixed(2)}x (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}, n=${values.length})`;

function describe(label: string, samples: Sample[]): void {
  const wall = samples.map((s) => s.wallMs);
  const cpu = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
  const resources =
    samples[0]?.resources === undefined ? "" : `  ${samples[0].resources} resources, program ${range(samples.map((s) => s.programMs!))}`;
  console.log(`  ${label.padEnd(34)} wall ${range(wall)}${cpu.length ? `  cpu ${range(cpu)}` : ""}${resources}`);
}

/** Runs `a` and `b` alternately `runs` times (after one warm-up each) and prints both and the per-pair ratios of b to a. */
function pairs(title: string, a: [string, string[], boolean], b: [string, string[], boolean], runs: number): void {
  console.log(title);
  run(a[1], a[2]);
  run(b[1], b[2]);
  const as: Sample[] = [];
  const bs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(run(a[1], a[2]));
    bs.push(run(b[1], b[2]));
  }
  describe(a[0], as);
  describe(b[0], bs);
  const wallRatios = bs.map((s, i) => s.wallMs / as[i]!.wallMs);
  const cpuRatios = bs.flatMap((s, i) => (s.cpuMs === undefined || as[i]!.cpuMs === undefined ? [] : [s.cpuMs / as[i]!.cpuMs!]));
  console.log(`  ${`${b[0]} / ${a[0]}`.padEnd(34)} wall ${ratio(wallRatios)}${cpuRatios.length ? `  cpu ${ratio(cpuRatios)}` : ""}`);
}

function measure(stack: string, runs: number, extra: number): number {
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(
    `offline plan benchmark: stack ${stack}, ${runs} pairs each, ${os.cpus().length} cores, load ${load()}, node ${process.version}`,
  );
  const modules = floorModules();
  const floor: [string, string[], boolean] = [
    "floor (load modules, exit)",
    ["-e", `for (const m of ${JSON.stringify(modules)}) require(m)`],
    false,
  ];
  const planArgs = ["tools/plan/launch.js", "--stack", stack, "--format", "json", "--timings"];
  console.log(`floor: ${modules.length} modules (${modules.join(", ")})`);
  pairs(`plan of ${stack} beside the floor`, floor, [`plan ${stack}`, planArgs, true], runs);
  const scaled = scaledStackFile(stack, extra);
  pairs(
    `plan of ${stack} + ${extra} domains and subscriptions beside the floor`,
    floor,
    [`plan ${stack} +${extra}`, [...planArgs, "--config-file", scaled], true],
    runs,
  );
  const baseline = path.join(path.dirname(scaled), `${stack}.json`);
  run([...planArgs, "--output", baseline], false);
  pairs(
    `--compare against the plan's own output`,
    [`plan ${stack}`, planArgs, true],
    [`plan ${stack} --compare`, [...planArgs, "--compare", baseline], true],
    runs,
  );
  console.log(`load after: ${load()}`);
  return 0;
}

main({
  help: HELP,
  options: { stack: { type: "string" }, runs: { type: "string" }, extra: { type: "string" } },
  run(values) {
    return measure(values.stack ?? "prod", parseCount("runs", values.runs, 5, 50), parseCount("extra", values.extra, 30, 200));
  },
});
