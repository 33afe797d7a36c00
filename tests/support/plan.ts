// Lookups over an offline plan (tools/plan/harness.ts) shared by every test that reads one: the resources of a
// type, the one resource of a type that a test expects exactly once, and the count of each type.
import type { PlanResult, PlannedResource } from "../../tools/plan/types";

/** The resources of `type`, in registration order. */
export function ofType(plan: PlanResult, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

/**
 * The single resource of `type` (whose logical name is `name`, when given); throws naming what was found
 * otherwise, so a test fails on a missing or doubled resource instead of reading `undefined`.
 */
export function only(plan: PlanResult, type: string, name?: string): PlannedResource {
  const found = ofType(plan, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) {
    const what = name === undefined ? type : `${type} named "${name}"`;
    throw new Error(`expected exactly one ${what}, found ${found.length}: ${found.map((r) => r.name).join(", ") || "none"}`);
  }
  return found[0] as PlannedResource;
}

/** How many resources of each type the plan holds (of those `keep` accepts), for an exact inventory. */
export function countByType(plan: PlanResult, keep: (r: PlannedResource) => boolean = () => true): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of plan.resources.filter(keep)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}
