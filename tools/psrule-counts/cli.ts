// `npm run psrule:counts`: per stack, how many PSRule for Azure Default-baseline rules apply, pass, fail, are
// excepted, are unchecked (policy not in the pack) and are enforced by the pack, computed from policies/psrule.ts and
// each stack's offline plan (tools/psrule-counts/counts.ts); the numbers docs and notes quote.
import { main, UsageError, type CommandSpec } from "../cli-kit";

const HELP = `Usage: npm run psrule:counts [-- --stack <dev|prod>] [--json]

Plans each stack offline (as npm run plan does, with its policy config and policies/exceptions.ts) and prints, per
stack, the PSRule for Azure Azure.Default rules of policies/psrule.ts that apply to it and how many pass, fail, are
excepted, are unchecked (mapped to a policy the pack does not have) and are enforced (a mapped policy is mandatory in
the stack's config), with the rule names behind each number that is not a pass.

  --stack <name>   one stack (default: dev and prod)
  --json           print the counts as JSON
  -h, --help       show this help

Exit codes: 0 printed; 1 a stack could not be planned; 2 usage error.

Example:
  npm run psrule:counts -- --stack prod`;

const STACKS = ["dev", "prod"] as const;

const spec: CommandSpec<{ stack: { type: "string" }; json: { type: "boolean" } }> = {
  help: HELP,
  options: { stack: { type: "string" }, json: { type: "boolean" } },
  async run(values) {
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const stacks = values.stack === undefined ? STACKS : STACKS.filter((s) => s === values.stack);
    if (stacks.length === 0) throw new UsageError(`--stack: '${values.stack}' is not a stack; accepted: ${STACKS.join(", ")}`);
    // Loaded here, not at the top: the plan pulls in the Pulumi SDK and the program, which --help must not load.
    const { evaluateStack } = await import("../plan/harness");
    const { buildReport } = await import("../plan/report-builder");
    const { PSRULE_RULES } = await import("../../policies/psrule");
    const { psRuleCounts } = await import("./counts");
    const counts = [];
    for (const stack of stacks) {
      const plan = await evaluateStack({ stack });
      const report = await buildReport(plan);
      const levels = new Map([...report.config].map(([name, c]) => [name, c.enforcementLevel]));
      counts.push(
        psRuleCounts({
          stack,
          rules: PSRULE_RULES,
          resources: plan.resources,
          results: report.policy.results,
          excepted: report.policy.excepted,
          levels,
        }),
      );
    }
    if (values.json === true) {
      out(JSON.stringify(counts, null, 2));
      return 0;
    }
    out(`PSRule for Azure Azure.Default: ${PSRULE_RULES.length} rules target a type the stacks declare (policies/psrule.ts)`);
    out("stack  applicable  pass  fail  excepted  unchecked  enforced  not-applicable");
    for (const c of counts) {
      out(
        `${c.stack.padEnd(5)}  ${String(c.applicable).padStart(10)}  ${String(c.pass).padStart(4)}  ${String(c.fail).padStart(4)}  ${String(c.excepted).padStart(8)}  ${String(c.unchecked).padStart(9)}  ${String(c.enforced).padStart(8)}  ${String(c.notApplicable).padStart(14)}`,
      );
    }
    for (const c of counts) {
      for (const [label, names] of [
        ["failing", c.failing],
        ["excepted", c.exceptedRules],
        ["unchecked (policy not in the pack)", c.uncheckedRules],
        ["not enforced (no mandatory policy)", c.notEnforced],
      ] as const) {
        if (names.length > 0) out(`${c.stack} ${label}: ${names.join(", ")}`);
      }
    }
    return 0;
  },
};

main(spec);
