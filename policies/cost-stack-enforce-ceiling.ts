// The cost policy: a stack's estimated monthly cost stays under the ceiling its config sets (`cost.ceiling`, for
// example the budget amount). The estimate needs the plan's price table and the stack's usage profile, which a
// CrossGuard policy never sees, so the pack does not register it: the offline plan runs it with `--cost`
// (tools/plan/cost/), its results in the pack's result shape, so every format, SARIF and the exit code treat it like
// a policy. Mandatory fails the plan, advisory warns; both name the largest contributors.

export const COST_CEILING_POLICY = "cost-stack-enforce-ceiling";
const DESCRIPTION = "The stack's estimated monthly cost (fixed and usage, list prices) stays under its configured ceiling.";

/** How many of the largest contributors a result names. */
export const TOP_CONTRIBUTORS = 3;

/** One priced line of the estimate, as the policy reads it. */
export interface CostContributor {
  name: string;
  what: string;
  monthly: number;
}

export interface CeilingInput {
  stack: string;
  total: number;
  fixedTotal: number;
  usageTotal: number;
  contributors: readonly CostContributor[];
  ceiling: { amount: number; enforcement: "mandatory" | "advisory"; from: string };
}

/** The result shape of the plan's policy runner (tools/plan/policy-runner.ts PolicyResult). */
export interface CeilingResult {
  policy: string;
  level: "mandatory" | "advisory";
  severity: "high";
  message: string;
  description: string;
  kind: "violation";
}

const money = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const costStackEnforceCeiling = {
  name: COST_CEILING_POLICY,
  description: DESCRIPTION,
  severity: "high" as const,
  enforcementLevel: "advisory" as const,
  remediationSteps:
    "Lower the largest contributors (a smaller plan SKU or fewer instances, a lower Log Analytics daily cap or retention, less usage), " +
    "or raise `cost.ceiling.amount` (or the budget it follows) in the stack config if the spend is intended. See docs/cost.md.",
  /** Never called by the pack (it does not register this policy); the plan calls `check`. */
  validateStack: (): void => undefined,
  check(input: CeilingInput): CeilingResult[] {
    if (input.total <= input.ceiling.amount) return [];
    const top = [...input.contributors]
      .sort((a, b) => b.monthly - a.monthly || a.name.localeCompare(b.name))
      .slice(0, TOP_CONTRIBUTORS)
      .map((c) => `${c.name} ${c.what} ${money(c.monthly)}`);
    return [
      {
        policy: COST_CEILING_POLICY,
        level: input.ceiling.enforcement,
        severity: "high",
        description: DESCRIPTION,
        kind: "violation",
        message:
          `${input.stack}: estimated ${money(input.total)} per month (fixed ${money(input.fixedTotal)}, usage ${money(input.usageTotal)}) ` +
          `exceeds the ceiling of ${money(input.ceiling.amount)} (${input.ceiling.from}) by ${money(input.total - input.ceiling.amount)}. ` +
          `Largest contributors: ${top.join("; ")}.`,
      },
    ];
  },
};
