// One program evaluation per stack per test worker, for tests that only read the plan.
import { evaluateStack } from "../../tools/plan/harness";
import type { PlanResult } from "../../tools/plan/types";

const evaluations = new Map<string, Promise<PlanResult>>();

/**
 * The plan of a checked-in stack (Pulumi.<stack>.yaml as it is), evaluated once per worker and shared: test files
 * share a worker process (vitest.config.ts, isolate: false), so the unit tier's stack and harness files evaluated the
 * same program again and again (33 call sites). Read only: a test that changes the config or the result evaluates its
 * own with evaluateStack. Evaluations run one at a time (Pulumi's runtime state is global), so a caller awaits its
 * turn behind the others.
 */
export function sharedPlan(stack: "dev" | "prod"): Promise<PlanResult> {
  let evaluation = evaluations.get(stack);
  if (!evaluation) {
    const previous = Promise.all(evaluations.values()).catch(() => undefined);
    evaluation = previous.then(() => evaluateStack({ stack }));
    evaluations.set(stack, evaluation);
  }
  return evaluation;
}
