// The `npm run plan` command (flags, help, what it does), run by tools/plan/cli.ts: evaluates a stack offline under Pulumi's mocks, runs the CrossGuard pack
// exactly as `pulumi preview --policy-pack policies` would, compares with a baseline (--compare) and prints the plan
// in one of five formats. Exit codes: 0 no mandatory violation, 1 one or more mandatory violations (or, with
// --fail-on-replace, a stateful resource replaced or deleted), 2 usage, file, config or program error.
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, type CommandSpec, type parseCommandLine } from "../cli-kit";
import type { PlanReport } from "./formats/report";

const FORMATS = ["text", "json", "sarif", "markdown", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage: npm run plan -- --stack <name> [--compare <file> [--allow-other-stack]] [--fail-on-replace]
                        [--show-sames] [--timings] [--cost] [--config-file <path>] [--policy-config <file>]
                        [--format text|json|sarif|markdown|mermaid] [--output <file>]
                        [--also <format>=<file> ...] [--export <file>]

Evaluates the Pulumi program of stack <name> offline (no Azure account, no credentials, no Pulumi CLI) with the
config in Pulumi.<name>.yaml, runs every policy of the pack in policies/ on it as the Pulumi engine would, and
shows what \`pulumi up\` would change compared with a baseline.

  --stack <name>            stack to evaluate, e.g. dev or prod (required)
  --compare <file>          baseline: an earlier plan (--format json, e.g. main's CI artifact) or a
                            \`pulumi stack export\`; each resource becomes create, update, replace, delete or
                            same, with its changed inputs (and those ignoreChanges drops, as ignored).
                            Rules that need the deployed state run too: a customer domain this deployment
                            creates and links fails the plan. Without it every resource is a create.
                            A baseline of another stack or project is refused (exit 2).
  --allow-other-stack       compare with a baseline of another stack or project anyway (e.g. to see how
                            prod differs from dev)
  --show-sames              also list the unchanged resources and outputs (hidden when there is a baseline,
                            as \`pulumi preview\` hides sames)
  --timings                 add how long the program, the policies and the comparison took (text and json);
                            without it the output depends only on the inputs
  --cost                    add the estimated monthly cost (list prices in tools/plan/cost/prices.json, the
                            stack's cost.usage profile): fixed cost per resource, usage cost per primitive,
                            what is not priced and why; with --compare the monthly delta per resource; the
                            cost policy checks cost.ceiling (docs/cost.md)
  --fail-on-replace         exit 1 when a stateful or protected resource (ACS, Email service and domains, Key
                            Vault, the mapping table's storage account, the workspace) would be replaced or deleted
  --config-file <path>      evaluate this stack config file instead of Pulumi.<name>.yaml
  --policy-config <file>    policy levels and knobs (default: policies/config/<name>.json if it exists, else the
                            pack's defaults), the same file \`pulumi preview --policy-pack-config\` takes
  --format <f>              text (default): change summary, resource tree with diffs, results by policy
                            json: resources with op and diffs, results (schema: tools/plan/schema/plan-output.schema.json)
                            sarif: SARIF 2.1.0 for code scanning (results on the config or source line)
                            markdown: the PR comment (sticky marker <!-- acs-platform-plan:<stack> -->)
                            mermaid: the architecture and its data flow, fenced for a comment
  --output <file>           write the formatted plan to <file> instead of stdout (sarif: written even when the
                            plan cannot run, with the error as its one result)
  --also <format>=<file>    also write the plan in <format> to <file>, from the same evaluation; repeatable
                            (a CI job gets its PR comment, SARIF and log from one run; sarif is written even
                            when the plan cannot run, as with --output)
  --export <file>           also write a Pulumi deployment JSON for \`pulumi policy analyze --file <file>\`
  -h, --help                show this help

Exit codes: 0 no mandatory violation; 1 one or more mandatory violations, or --fail-on-replace and a stateful
resource replaced or deleted; 2 usage error, unreadable or invalid file (the message names the file, line and
key), or a program error.

Examples:
  npm run plan -- --stack dev
  npm run plan -- --stack dev --format json --output main-dev.json        # on main, kept as the baseline
  npm run plan -- --stack dev --compare main-dev.json --format markdown   # on a PR: what it changes
  npm run plan -- --stack prod --format sarif --output plan.sarif
  npm run plan -- --stack prod --cost                                     # what prod costs per month
  npm run plan -- --stack dev --compare main-dev.json --also markdown=plan.md --also sarif=plan.sarif   # CI
  npm run plan -- --stack prod --config-file tests/fixtures/Pulumi.prod-misconfigured.yaml   # exits 1`;

const options = {
  stack: { type: "string" },
  compare: { type: "string" },
  "fail-on-replace": { type: "boolean" },
  "config-file": { type: "string" },
  "policy-config": { type: "string" },
  format: { type: "string" },
  output: { type: "string" },
  also: { type: "string", multiple: true },
  export: { type: "string" },
  "allow-other-stack": { type: "boolean" },
  "show-sames": { type: "boolean" },
  timings: { type: "boolean" },
  cost: { type: "boolean" },
} as const;

/** One file the plan is written to besides the primary output (`--also <format>=<file>`). */
interface ExtraOutput {
  format: Format;
  file: string;
}

/** Parses the `--also` values: a known format, `=`, a path; no file named twice (with --output either). */
function parseAlso(values: readonly string[], cwd: string, primary: string | undefined): ExtraOutput[] {
  const seen = new Set(primary === undefined ? [] : [primary]);
  return values.map((value) => {
    const at = value.indexOf("=");
    const format = value.slice(0, Math.max(at, 0)) as Format;
    if (at <= 0 || at === value.length - 1 || !FORMATS.includes(format))
      throw new UsageError(`--also must be <format>=<file> with a format of ${FORMATS.join(", ")}; got "${value}"`);
    const file = path.resolve(cwd, value.slice(at + 1));
    if (seen.has(file)) throw new UsageError(`--also ${value}: ${value.slice(at + 1)} is already an output of this run`);
    seen.add(file);
    return { format, file };
  });
}

/** The renderer of a format, loaded on demand (static specifiers, so a bundler can follow them). */
async function renderer(format: Format): Promise<(report: PlanReport) => string> {
  switch (format) {
    case "text":
      return (await import("./formats/text")).renderText;
    case "json":
      return (await import("./formats/json")).renderJson;
    case "sarif":
      return (await import("./formats/sarif")).renderSarif;
    case "markdown":
      return (await import("./formats/markdown")).renderMarkdown;
    case "mermaid":
      return (await import("./formats/mermaid")).renderMermaid;
  }
}

/** A mistake in a file the user gave (stack config, policy config, baseline, output path): one line, exit 2. */
const INPUT_ERRORS = new Set([
  "StackConfigError",
  "ConfigError",
  "ConfigFileError",
  "PolicyConfigError",
  "BaselineError",
  "UsageError",
  "PriceTableError",
]);

/** Fails before the (one-second) evaluation when a file cannot be written: a missing directory, a directory, no access,
 *  or a file system that refuses new files (e.g. /proc, where root passes every access check but nothing can be
 *  created), so a bad path gives the one error line and no plan on stdout. */
function checkWritable(flag: string, file: string): void {
  const dir = path.dirname(file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    // Absent is fine; its directory must exist.
  }
  if (stat?.isDirectory()) throw new UsageError(`--${flag} ${file}: is a directory; give a file path`);
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error("ENOTDIR");
    fs.accessSync(stat ? file : dir, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`--${flag} ${file}: cannot write there (${code === "ENOENT" ? "no such directory" : code})`);
  }
  // access(2) answers for permissions only: open the file as the write will (without truncating an existing one;
  // a probe file is removed again).
  try {
    fs.closeSync(fs.openSync(file, stat ? "r+" : "wx"));
    if (!stat) fs.unlinkSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`--${flag} ${file}: cannot write there (${code === "ENOENT" ? "cannot create files in this directory" : code})`);
  }
}

function writeFile(flag: string, file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`--${flag} ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** `file:line:column: ...` or `file: ...` at the start of an error line, for the error SARIF's location. */
function whereOf(message: string): { file?: string; line?: number; column?: number } {
  const m = /^(?:--\S+ )?([^\s:]+\.(?:ya?ml|json)):(?:(\d+):(\d+):)?/.exec(message);
  if (!m) return {};
  return { file: m[1]!, ...(m[2] ? { line: Number(m[2]), column: Number(m[3]) } : {}) };
}

export const planCommand: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(values) {
    const cwd = process.cwd();
    const format = (values.format ?? "text") as Format;
    const outputFile = values.output !== undefined ? path.resolve(cwd, values.output) : undefined;
    const stack = values.stack ?? "";
    let extra: ExtraOutput[] = [];
    try {
      if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}; got "${values.format}"`);
      if (stack === "") throw new UsageError("--stack is required, e.g. --stack dev");
      extra = parseAlso(values.also ?? [], cwd, outputFile);
      if (outputFile !== undefined) checkWritable("output", outputFile);
      for (const { file } of extra) checkWritable("also", file);
      if (values.export !== undefined) checkWritable("export", path.resolve(cwd, values.export));
      return await plan(values, format, stack, cwd, outputFile, extra);
    } catch (err) {
      const e = err as Error;
      const line = INPUT_ERRORS.has(e.name) ? e.message : `plan failed for stack "${stack}": ${e.message.split("\n")[0]}`;
      process.stderr.write(`error: ${line}\n`);
      // Code scanning still gets a SARIF file saying why the plan did not run, except where that file is the problem.
      const sarifFiles = [
        ...(format === "sarif" && outputFile !== undefined ? [outputFile] : []),
        ...extra.filter((o) => o.format === "sarif").map((o) => o.file),
      ];
      const unwritable = e.name === "UsageError" && /^--(output|also) /.test(e.message);
      if (sarifFiles.length > 0 && !unwritable) {
        const { errorSarif } = await import("./formats/sarif");
        const { PACK_NAME, PACK_VERSION } = await import("../../policies/policies");
        const where = whereOf(e.message);
        if (where.file !== undefined) where.file = path.resolve(cwd, where.file);
        if (where.file !== undefined && where.line === undefined) {
          // A config error names the key: point at its line rather than the file's first.
          const { configKeyPosition } = await import("./locate");
          Object.assign(where, configKeyPosition(where.file, e.message) ?? {});
        }
        for (const file of sarifFiles)
          fs.writeFileSync(file, `${errorSarif(stack, line, where, { name: PACK_NAME, version: PACK_VERSION })}\n`);
      }
      return 2;
    }
  },
};

/** The clock the price-age warning reads: ACS_PLAN_NOW (an ISO date, for tests) or now. */
function clockNow(): Date {
  const fixed = process.env["ACS_PLAN_NOW"];
  if (fixed === undefined || fixed === "") return new Date();
  const d = new Date(fixed);
  if (Number.isNaN(d.getTime())) throw new UsageError(`ACS_PLAN_NOW must be an ISO date like 2026-12-07; got "${fixed}"`);
  return d;
}

type Values = ReturnType<typeof parseCommandLine<typeof options>>;

async function plan(
  values: Values,
  format: Format,
  stack: string,
  cwd: string,
  outputFile: string | undefined,
  extra: readonly ExtraOutput[],
): Promise<number> {
  // Loaded after argument checks, so --help and usage errors answer without loading Pulumi.
  const { evaluateStack, DEFAULT_PROJECT_ROOT } = await import("./harness");
  const { buildReport, displayPath } = await import("./report-builder");
  const { loadBaseline } = await import("./diff/baseline");
  const stackConfigFile =
    values["config-file"] !== undefined
      ? path.resolve(cwd, values["config-file"])
      : path.join(DEFAULT_PROJECT_ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackConfigFile)) {
    const available = fs
      .readdirSync(DEFAULT_PROJECT_ROOT)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined);
    throw new UsageError(
      `${displayPath(stackConfigFile)}: stack config file not found${values["config-file"] === undefined ? ` (stacks here: ${available.join(", ")})` : ""}`,
    );
  }
  // Read the baseline first: a bad --compare file is reported before the evaluation.
  const baseline = values.compare !== undefined ? loadBaseline(path.resolve(cwd, values.compare), values.compare) : undefined;
  if (baseline !== undefined && values["allow-other-stack"] !== true) {
    const { readProjectName } = await import("./harness");
    const project = readProjectName(DEFAULT_PROJECT_ROOT);
    const theirs = `${baseline.project ?? project}/${baseline.stack ?? stack}`;
    if (theirs !== `${project}/${stack}`)
      throw new UsageError(
        `--compare ${values.compare}: the baseline is a plan of ${theirs}, not of ${project}/${stack}; every resource would show as a delete and a create. Compare with ${project}/${stack}'s own plan, or pass --allow-other-stack`,
      );
  }
  let evaluated;
  try {
    evaluated = await evaluateStack({ stack, configFile: stackConfigFile });
  } catch (err) {
    const e = err as Error;
    // The stack's own schema names the key; say which file it is in.
    if (e.name === "StackConfigError" || e.name === "ConfigError")
      e.message = `${displayPath(stackConfigFile)}: ${e.message.replace(/:\n\s+/, ": ").replace(/\n\s*/g, "; ")}`;
    throw e;
  }
  const report = await buildReport(evaluated, {
    ...(values["policy-config"] !== undefined ? { policyConfigFile: path.resolve(cwd, values["policy-config"]) } : {}),
    stackConfigFile,
    ...(baseline ? { baseline } : {}),
    failOnReplace: values["fail-on-replace"] === true,
    showSames: values["show-sames"] === true,
    timings: values.timings === true,
    // ACS_PLAN_NOW fixes the clock of the price-age warning (tests); otherwise the wall clock.
    ...(values.cost === true ? { cost: { now: clockNow() } } : {}),
  });
  const body = `${(await renderer(format))(report)}\n`;
  // The export first: if it cannot be written after all, the one error line is all the run prints.
  if (values.export !== undefined) {
    const { toDeployment } = await import("./formats/deployment");
    writeFile("export", path.resolve(cwd, values.export), `${JSON.stringify(toDeployment(evaluated), null, 2)}\n`);
  }
  for (const { format: f, file } of extra) {
    writeFile("also", file, `${(await renderer(f))(report)}\n`);
    process.stderr.write(`wrote the ${f} plan of ${stack} to ${displayPath(file)}\n`);
  }
  if (outputFile !== undefined) {
    writeFile("output", outputFile, body);
    process.stderr.write(`wrote the ${format} plan of ${stack} to ${displayPath(outputFile)}\n`);
  } else {
    process.stdout.write(body);
  }
  if (format !== "text") for (const n of [...report.notices, ...report.policy.warnings]) process.stderr.write(`note: ${n}\n`);
  return report.exitCode;
}
