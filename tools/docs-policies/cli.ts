// `npm run docs:policies`: writes the PSRule for Azure coverage table of docs/policies.md, rendered from
// policies/psrule.ts, policies/exceptions.ts and the policy configs by tools/docs-policies/render.ts; with --check it
// writes nothing and exits 1 when the doc is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { main, UsageError, type CommandSpec } from "../cli-kit";

const ROOT = path.resolve(__dirname, "../..");

const HELP = `Usage: npm run docs:policies [-- --check]

Renders the "PSRule for Azure coverage" section of docs/policies.md (between its psrule-coverage markers) from the
PSRule mapping (policies/psrule.ts), the reviewed exceptions (policies/exceptions.ts) and the policy configs
(policies/config/dev.json, prod.json), and writes it into docs/policies.md.

  --check       write nothing; exit 1 when docs/policies.md differs from the rendered section
  -h, --help    show this help

Exit codes: 0 written (or up to date with --check); 1 stale (--check); 2 usage error or no markers in docs/policies.md.

Example:
  npm run docs:policies -- --check`;

const spec: CommandSpec<{ check: { type: "boolean" } }> = {
  help: HELP,
  options: { check: { type: "boolean" } },
  async run(values) {
    // Loaded here, not at the top: the mapping and the policy runner pull in the pack, which --help must not load.
    const { BEGIN_MARKER, END_MARKER, renderPsRuleCoverage, withCoverage } = await import("./render");
    const file = path.join(ROOT, "docs", "policies.md");
    const current = fs.readFileSync(file, "utf8");
    if (!current.includes(BEGIN_MARKER) || !current.includes(END_MARKER)) {
      throw new UsageError(`docs/policies.md has no PSRule coverage markers (${BEGIN_MARKER} ... ${END_MARKER})`);
    }
    const next = withCoverage(current, renderPsRuleCoverage(ROOT));
    if (values.check === true) {
      process.stdout.write(
        next === current
          ? "docs/policies.md PSRule coverage is up to date\n"
          : "docs/policies.md PSRule coverage is stale: run npm run docs:policies\n",
      );
      return next === current ? 0 : 1;
    }
    if (next !== current) fs.writeFileSync(file, next);
    process.stdout.write(
      next === current ? "docs/policies.md PSRule coverage is up to date\n" : "docs/policies.md PSRule coverage written\n",
    );
    return 0;
  },
};

main(spec);
