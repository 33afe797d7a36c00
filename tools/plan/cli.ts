// `npm run plan -- --stack <name>`: evaluates a stack offline under Pulumi's mocks and prints the resources a
// `pulumi up` would create, as a tree. Exit codes: 0 plan printed, 1 program or config error, 2 usage error.
import { parseArgs } from "node:util";
import { evaluateStack } from "./harness";
import { renderTree } from "./tree";

const USAGE = `Usage: npm run plan -- --stack <name> [--config-file <path>]

Evaluates the Pulumi program of stack <name> offline (no Azure account, no Pulumi CLI) with the config in
Pulumi.<name>.yaml, and prints every resource a \`pulumi up\` would create, as a tree with types and names.
Secure config values are replaced by "[secret]"; secret outputs are masked.

  --stack <name>         stack to evaluate, e.g. dev or prod (required)
  --config-file <path>   use this stack config file instead of Pulumi.<name>.yaml
  -h, --help             show this help

Examples:
  npm run plan -- --stack dev
  npm run plan -- --stack prod --config-file /tmp/Pulumi.prod-eu.yaml`;

async function run(argv: string[]): Promise<number> {
  let values: { stack?: string; "config-file"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { stack: { type: "string" }, "config-file": { type: "string" }, help: { type: "boolean", short: "h" } },
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
  try {
    const plan = await evaluateStack({ stack: values.stack, configFile: values["config-file"] });
    process.stdout.write(`${renderTree(plan)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`plan failed for stack "${values.stack}": ${(err as Error).message}\n`);
    return 1;
  }
}

void run(process.argv.slice(2)).then((code) => process.exit(code));
