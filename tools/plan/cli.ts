// `npm run plan -- --stack <name>`: evaluates a stack offline under Pulumi's mocks, runs the CrossGuard pack
// exactly as `pulumi preview --policy-pack policies` would, and prints the plan in one of five formats.
// Exit codes: 0 no mandatory violation, 1 one or more mandatory violations, 2 usage, config or program error.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { PlanReport } from "./formats/report";

const FORMATS = ["text", "json", "sarif", "markdown", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: npm run plan -- --stack <name> [--config-file <path>] [--policy-config <file>]
                        [--format text|json|sarif|markdown|mermaid] [--output <file>] [--export <file>]

Evaluates the Pulumi program of stack <name> offline (no Azure account, no credentials, no Pulumi CLI) with the
config in Pulumi.<name>.yaml, then runs every policy of the pack in policies/ on it as the Pulumi engine would:
resource policies on each resource's inputs, stack policies on all resources with parents and dependencies.

  --stack <name>            stack to evaluate, e.g. dev or prod (required)
  --config-file <path>      evaluate this stack config file instead of Pulumi.<name>.yaml
  --policy-config <file>    policy levels and knobs (default: policies/config/<name>.json), the same file
                            \`pulumi preview --policy-pack-config\` takes
  --format <f>              text (default): resource tree, results by level, summary
                            json: resources and results (schema: tools/plan/schema/plan-output.schema.json)
                            sarif: SARIF 2.1.0 for code scanning
                            markdown: a PR comment
                            mermaid: the architecture as a flowchart
  --output <file>           write the formatted plan to <file> instead of stdout
  --export <file>           also write a Pulumi deployment JSON for \`pulumi policy analyze --file <file>\`
  -h, --help                show this help

Exit codes: 0 no mandatory violation; 1 one or more mandatory violations; 2 usage error, invalid stack or
policy config (the message names the key), or a program error.

Examples:
  npm run plan -- --stack dev
  npm run plan -- --stack prod --format sarif --output plan.sarif
  npm run plan -- --stack prod --config-file tests/fixtures/Pulumi.prod-misconfigured.yaml --policy-config policies/config/prod.json`;

/** The renderer of a format, loaded on demand (static specifiers, so a bundler can follow them). */
async function renderer(format: Format): Promise<(report: PlanReport) => string> {
  switch (format) {
    case "text": return (await import("./formats/text")).renderText;
    case "json": return (await import("./formats/json")).renderJson;
    case "sarif": return (await import("./formats/sarif")).renderSarif;
    case "markdown": return (await import("./formats/markdown")).renderMarkdown;
    case "mermaid": return (await import("./formats/mermaid")).renderMermaid;
  }
}

async function run(argv: string[]): Promise<number> {
  let values: {
    stack?: string; "config-file"?: string; "policy-config"?: string; format?: string; output?: string; export?: string; help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        "config-file": { type: "string" },
        "policy-config": { type: "string" },
        format: { type: "string", default: "text" },
        output: { type: "string" },
        export: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.stack === undefined || values.stack === "") {
    process.stderr.write(`--stack is required\n\n${USAGE}\n`);
    return 2;
  }
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format)) {
    process.stderr.write(`--format must be one of ${FORMATS.join(", ")}; got "${values.format}"\n`);
    return 2;
  }
  const stack = values.stack;
  // Loaded after argument checks, so --help and usage errors answer without loading Pulumi.
  const { evaluateStack, DEFAULT_PROJECT_ROOT } = await import("./harness");
  const { buildReport } = await import("./report-builder");
  const { PolicyConfigError } = await import("./policy-runner");

  const cwd = process.cwd();
  const stackConfigFile = values["config-file"] !== undefined ? path.resolve(cwd, values["config-file"]) : undefined;
  const policyConfigFile = values["policy-config"] !== undefined ? path.resolve(cwd, values["policy-config"]) : undefined;
  let plan;
  try {
    plan = await evaluateStack({ stack, configFile: stackConfigFile });
  } catch (err) {
    const e = err as Error;
    if (e.name === "StackConfigError" || /stack config file not found/.test(e.message)) {
      process.stderr.write(`stack "${stack}": ${e.message}\n`);
    } else {
      process.stderr.write(`plan failed for stack "${stack}": ${e.stack ?? e.message}\n`);
    }
    return 2;
  }
  let report;
  try {
    report = await buildReport(plan, {
      policyConfigFile,
      stackConfigFile: stackConfigFile ?? path.join(DEFAULT_PROJECT_ROOT, `Pulumi.${stack}.yaml`),
    });
  } catch (err) {
    if (err instanceof PolicyConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    process.stderr.write(`policy evaluation failed for stack "${stack}": ${(err as Error).message}\n`);
    return 2;
  }
  const render = await renderer(format);
  const body = render(report);
  if (values.output !== undefined) fs.writeFileSync(path.resolve(cwd, values.output), `${body}\n`);
  else process.stdout.write(`${body}\n`);
  for (const w of report.policy.warnings) if (format !== "text") process.stderr.write(`warning: ${w}\n`);
  if (values.export !== undefined) {
    const { toDeployment } = await import("./formats/deployment");
    fs.writeFileSync(path.resolve(cwd, values.export), `${JSON.stringify(toDeployment(plan), null, 2)}\n`);
  }
  return report.exitCode;
}

void run(process.argv.slice(2)).then((code) => process.exit(code));
