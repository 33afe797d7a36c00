// Deployability rule: a Cost Management budget's start date lies where the API accepts it at deploy time — the
// first day of a month, not before the current month, at most twelve months ahead (BudgetTimePeriod).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped } from "./lib";
import { budgetStartProblem, SOURCES } from "./deployability-facts";

const BUDGET = "azure-native:costmanagement:Budget";

export const deployabilityBudgetEnforceStartDateWindow: ResourceValidationPolicy & Grouped = {
  name: "deployability-budget-enforce-start-date-window",
  group: "deployability",
  description: "A budget's timePeriod.startDate is the first of a month within the window Cost Management accepts now.",
  severity: "high",
  remediationSteps:
    "Leave `alerts.budget.startDate` unset: the program uses the first day of the current month at the first deploy and keeps it " +
    '(`ignoreChanges: ["timePeriod.startDate"]`).',
  validateResource: forTypes([BUDGET], (props, args, reportViolation) => {
    const start = props.timePeriod?.startDate;
    if (typeof start !== "string") return;
    const problem = budgetStartProblem(start, new Date());
    if (problem !== undefined) {
      reportViolation(
        `${BUDGET} '${args.name}': ${problem}. Cost Management rejects the create ("Future start date should not be more than ` +
          `twelve months. Past start date should be selected within the timegrain period"). Source: ${SOURCES.budgetTimePeriod}`,
      );
    }
  }),
};
