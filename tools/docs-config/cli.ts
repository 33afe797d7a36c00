// `npm run docs:config`: writes the README's config reference, rendered from the stack config schema and the stack
// files by stacks/config-reference.ts; with --check it writes nothing and exits 1 when the README is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { main, type CommandSpec } from "../cli-kit";

const ROOT = path.resolve(__dirname, "../..");

const HELP = `Usage: npm run docs:config [-- --check]

Renders the README's config reference (between its config-reference markers) from the zod schemas of
stacks/config.ts (each field's .meta() description), Pulumi.dev.yaml and Pulumi.prod.yaml, and the alert rule
defaults, and writes it into README.md.

  --check       write nothing; exit 1 when README.md differs from the rendered reference
  -h, --help    show this help

Exit codes: 0 written (or up to date with --check); 1 stale (--check); 2 usage error or no markers in README.md.

Example:
  npm run docs:config -- --check`;

const spec: CommandSpec<{ check: { type: "boolean" } }> = {
  help: HELP,
  options: { check: { type: "boolean" } },
  async run(values) {
    // Loaded here, not at the top: the schemas pull in the component modules, which --help must not load.
    const { renderConfigReference, withReference } = await import("../../stacks/config-reference");
    const file = path.join(ROOT, "README.md");
    const current = fs.readFileSync(file, "utf8");
    const next = withReference(current, renderConfigReference(ROOT));
    if (values.check === true) {
      process.stdout.write(
        next === current ? "README.md config reference is up to date\n" : "README.md config reference is stale: run npm run docs:config\n",
      );
      return next === current ? 0 : 1;
    }
    if (next !== current) fs.writeFileSync(file, next);
    process.stdout.write(next === current ? "README.md config reference is up to date\n" : "README.md config reference written\n");
    return 0;
  },
};

main(spec);
