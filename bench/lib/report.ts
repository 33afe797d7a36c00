// What every benchmark in bench/ shares: the --runs flag, the median, and the summary that puts each figure beside its baseline.
import { UsageError } from "../../tools/cli-kit";

/** The median of a list of numbers (the mean of the middle two for an even count); one odd run cannot move it. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Parses a whole number flag (e.g. --runs) within bounds, naming the flag and what it accepts when it is wrong. */
export function parseCount(flag: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, got "${raw}"`);
  return value;
}

/** One measured figure and its baseline, one value per run each (measured in the same runs, so the machine's drift hits both). */
export interface Figure {
  name: string;
  unit: string;
  measured: number[];
  baselineName: string;
  baseline: number[];
}

/** The medians of one figure: the measured value, the baseline and their ratio. */
export function summarise(figure: Figure): {
  name: string;
  unit: string;
  median: number;
  baselineName: string;
  baselineMedian: number;
  ratio: number;
} {
  const m = median(figure.measured);
  const b = median(figure.baseline);
  return {
    name: figure.name,
    unit: figure.unit,
    median: m,
    baselineName: figure.baselineName,
    baselineMedian: b,
    ratio: b === 0 ? NaN : m / b,
  };
}

/** The summary block every bench prints last: "median of N runs", then one line per figure with its baseline beside it. */
export function summaryLines(runs: number, figures: Figure[]): string[] {
  const rows = figures.map(summarise);
  const width = Math.max(...rows.map((r) => r.name.length));
  return [
    `median of ${runs} run${runs === 1 ? "" : "s"}:`,
    ...rows.map(
      (r) =>
        `  ${r.name.padEnd(width)}  ${format(r.median)} ${r.unit}   baseline (${r.baselineName}) ${format(r.baselineMedian)} ${r.unit}   ratio ${r.ratio.toFixed(2)}`,
    ),
  ];
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
