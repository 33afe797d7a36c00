// The plan's cost section (`--cost`): builds it from the evaluated plan, the stack's `cost` config, the price
// table and the baseline, runs the cost policy on it, and renders it for the text, markdown and JSON formats.
import { costStackEnforceCeiling, COST_CEILING_POLICY } from "../../../policies/cost-stack-enforce-ceiling";
import { parseConfig, rawConfigFromPulumi } from "../../../stacks/config";
import type { Baseline } from "../diff/baseline";
import { readStackConfig } from "../harness";
import type { PolicyResult } from "../policy-runner";
import type { PlanResult } from "../types";
import { compareCost, estimateCost, usd, type CostComparison, type CostEstimate } from "./estimate";
import { loadPriceTable, MAX_PRICE_AGE_DAYS, PRICES_FILE } from "./prices";

export interface CostOptions {
  /** The clock of the price-age warning (a test passes a fixed date). */
  now: Date;
  /** The price table (default tools/plan/cost/prices.json). */
  pricesFile?: string;
}

export interface CostReport {
  estimate: CostEstimate;
  /** With --compare: the fixed monthly delta per resource and in total. */
  comparison?: CostComparison;
  ceiling?: { amount: number; enforcement: "mandatory" | "advisory"; from: string };
  /** The price table used and the date it was last rewritten. */
  table: { file: string; updated: string; maxAgeDays: number };
  costMs: number;
}

/** Builds the cost section and returns the cost policy's results (in the pack's result shape). */
export function buildCost(
  plan: PlanResult,
  stackConfigPath: string,
  baseline: Baseline | undefined,
  options: CostOptions,
  displayFile: (f: string) => string,
): { cost: CostReport; results: PolicyResult[] } {
  const started = performance.now();
  const config = parseConfig(rawConfigFromPulumi(readStackConfig(stackConfigPath, plan.project).values));
  const file = options.pricesFile ?? PRICES_FILE;
  const table = loadPriceTable(file);
  const estimate = estimateCost(
    plan.resources.filter((r) => r.custom),
    config.cost,
    table,
    options.now,
  );
  let comparison: CostComparison | undefined;
  if (baseline !== undefined) {
    const before = estimateCost(
      baseline.resources.filter((r) => r.custom),
      config.cost,
      table,
      options.now,
    );
    comparison = compareCost(before, estimate, new Set(baseline.resources.map((r) => r.urn)));
  }
  const c = config.cost.ceiling;
  const ceiling =
    c === undefined
      ? undefined
      : c.amount === "budget"
        ? {
            amount: config.alerts.budget!.amount,
            enforcement: c.enforcement,
            from: 'cost.ceiling.amount "budget", the alerts.budget.amount',
          }
        : // Quoted as the config writes it, so SARIF locates the result on that line (tools/plan/locate.ts).
          { amount: c.amount, enforcement: c.enforcement, from: `cost.ceiling.amount "${c.amount}"` };
  const results: PolicyResult[] =
    ceiling === undefined
      ? []
      : costStackEnforceCeiling.check({
          stack: plan.stack,
          total: estimate.total,
          fixedTotal: estimate.fixedTotal,
          usageTotal: estimate.usageTotal,
          contributors: [...estimate.fixed, ...estimate.usage],
          ceiling,
        });
  return {
    cost: {
      estimate,
      ...(comparison ? { comparison } : {}),
      ...(ceiling ? { ceiling } : {}),
      table: { file: displayFile(file), updated: table.updated, maxAgeDays: MAX_PRICE_AGE_DAYS },
      costMs: performance.now() - started,
    },
    results,
  };
}

export { COST_CEILING_POLICY, costStackEnforceCeiling };

/** Lines by monthly cost, largest first (stable for equal amounts). */
const byCost = <T extends { monthly: number }>(lines: readonly T[]): T[] => [...lines].sort((a, b) => b.monthly - a.monthly);
const qty = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 4 });
const shortType = (t: string) => t.replace(/^azure-native:/, "");

/** The cost section of the text format. */
export function costText(cost: CostReport): string[] {
  const e = cost.estimate;
  const lines = [
    `Estimated monthly cost (list prices, USD; ${cost.table.file}, updated ${cost.table.updated}): ${usd(e.total)} = fixed ${usd(e.fixedTotal)} + usage ${usd(e.usageTotal)}`,
  ];
  if (e.stale.warning) lines.push(`  WARNING: ${e.stale.warning}`);
  lines.push("  Fixed per resource:");
  for (const l of byCost(e.fixed))
    lines.push(
      `    ${usd(l.monthly).padStart(10)}  ${l.name} (${shortType(l.type)}): ${l.what}; ${qty(l.quantity)} × $${l.unitPrice}/${l.unit} [${l.region}, ${l.asOf ?? "undated"}]`,
    );
  lines.push("  Usage per primitive (the stack's cost.usage profile):");
  for (const l of e.usage)
    lines.push(
      `    ${usd(l.monthly).padStart(10)}  ${l.name}: ${qty(l.quantity)} ${l.what} × $${l.unitPrice}/${l.unit} [${l.region}, ${l.asOf ?? "undated"}]${l.lifecycle ? ` (${l.lifecycle})` : ""}`,
    );
  if (e.unpriced.length > 0) {
    lines.push("  Not priced:");
    for (const u of e.unpriced) lines.push(`    ${u.name} (${shortType(u.type)}): ${u.what}: ${u.reason}`);
  }
  if (cost.comparison) {
    const cmp = cost.comparison;
    lines.push(`  Against the baseline: ${usd(cmp.fixedDelta, true)} per month fixed`);
    for (const d of cmp.deltas) lines.push(`    ${usd(d.delta, true)} per month: ${d.name} ${d.change}`);
    for (const a of cmp.addedWithoutFixed) lines.push(`    no fixed cost: ${a.name} (${shortType(a.type)}): ${a.note}`);
  }
  if (cost.ceiling)
    lines.push(`  Ceiling: ${usd(cost.ceiling.amount)} (${cost.ceiling.from}, ${cost.ceiling.enforcement}; policy ${COST_CEILING_POLICY})`);
  return lines;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The cost section of the PR comment. */
export function costMarkdown(cost: CostReport): string[] {
  const e = cost.estimate;
  const lines = [
    "",
    `#### Estimated monthly cost: ${usd(e.total)}`,
    "",
    `Fixed ${usd(e.fixedTotal)} + usage ${usd(e.usageTotal)}; list prices in USD from \`${cost.table.file}\` (updated ${cost.table.updated}), no discounts or reservations (docs/cost.md).`,
  ];
  if (e.stale.warning) lines.push("", "> [!WARNING]", `> ${e.stale.warning}`);
  if (cost.comparison) {
    const cmp = cost.comparison;
    lines.push("", `**${usd(cmp.fixedDelta, true)} per month** fixed against the baseline.`);
    if (cmp.deltas.length > 0) {
      lines.push("", "| Delta per month | Resource | Change |", "|---|---|---|");
      for (const d of cmp.deltas) lines.push(`| ${usd(d.delta, true)} | \`${d.name}\` | ${cell(d.change)} |`);
    }
    for (const a of cmp.addedWithoutFixed) lines.push(`- No fixed cost: \`${a.name}\` (${shortType(a.type)}): ${cell(a.note)}`);
  }
  lines.push("", "| Monthly | Resource | Charge | Quantity × price | Price region, date |", "|---|---|---|---|---|");
  for (const l of byCost(e.fixed))
    lines.push(
      `| ${usd(l.monthly)} | \`${l.name}\` | ${cell(l.what)} | ${qty(l.quantity)} × $${l.unitPrice}/${cell(l.unit)} | ${l.region}, ${l.asOf ?? "undated"} |`,
    );
  for (const l of e.usage)
    lines.push(
      `| ${usd(l.monthly)} | \`${l.name}\` | ${cell(l.what)}${l.lifecycle ? ` (**${l.lifecycle}**)` : ""} | ${qty(l.quantity)} × $${l.unitPrice}/${cell(l.unit)} | ${l.region}, ${l.asOf ?? "undated"} |`,
    );
  if (e.unpriced.length > 0) {
    lines.push("", "Not priced:", "");
    for (const u of e.unpriced) lines.push(`- \`${u.name}\` (${shortType(u.type)}): ${cell(u.what)}: ${cell(u.reason)}`);
  }
  if (cost.ceiling) lines.push("", `Ceiling ${usd(cost.ceiling.amount)} (${cost.ceiling.from}, ${cost.ceiling.enforcement}).`);
  return lines;
}

/** The `cost` member of the JSON format. */
export function costJson(cost: CostReport): Record<string, unknown> {
  const e = cost.estimate;
  return {
    currency: e.currency,
    total: e.total,
    fixedTotal: e.fixedTotal,
    usageTotal: e.usageTotal,
    fixed: e.fixed,
    usage: e.usage,
    unpriced: e.unpriced,
    notes: e.notes,
    staleMeters: e.stale.meters,
    warning: e.stale.warning ?? null,
    priceTable: cost.table,
    ceiling: cost.ceiling ?? null,
    comparison: cost.comparison ?? null,
  };
}
