import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type Mode = "quick" | "full";

/** One figure a scenario measured, with the budget it is held to (DESIGN.md §8), if any. */
export interface Measurement {
  metric: string;
  value: number;
  unit: string;
  /** Human-readable, e.g. "≥ 20000"; null when DESIGN.md sets no budget for the figure. */
  budget: string | null;
  /** null when there is no budget. */
  meets: boolean | null;
  /** Lowest and highest of the rounds when `value` is their median (ADR 015); absent otherwise. */
  range?: [number, number] | null;
}

export interface ResultRow extends Measurement {
  range: [number, number] | null;
  scenario: string;
  mode: Mode;
  machine: string;
  at: string;
}

/** A figure with no budget: shown for context. */
export function figure(metric: string, value: number, unit: string): Measurement {
  return { metric, value, unit, budget: null, meets: null };
}

/** A figure that must be at least `min`. */
export function atLeast(metric: string, value: number, unit: string, min: number): Measurement {
  return { metric, value, unit, budget: `≥ ${min}`, meets: value >= min };
}

/** A figure that must be at most `max` (or under it, when `strict`). */
export function atMost(
  metric: string,
  value: number,
  unit: string,
  max: number,
  strict = false,
): Measurement {
  return {
    metric,
    value,
    unit,
    budget: `${strict ? "<" : "≤"} ${max}`,
    meets: strict ? value < max : value <= max,
  };
}

/**
 * A median over rounds with its range; held to `min` (at least) when given. For ratios and figures
 * measured side by side with a baseline (bench/compare.ts).
 */
export function median(
  metric: string,
  values: { median: number; min: number; max: number },
  unit: string,
  budget?: { min: number } | { under: number },
): Measurement {
  const value = tidy(values.median);
  const held =
    budget === undefined
      ? { budget: null, meets: null }
      : "min" in budget
        ? { budget: `≥ ${budget.min}`, meets: value >= budget.min }
        : { budget: `< ${budget.under}`, meets: value < budget.under };
  return { metric, value, unit, ...held, range: [tidy(values.min), tidy(values.max)] };
}

/** Rounds to a few significant digits so that the table and the JSON stay readable. */
export function tidy(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

const columns = ["scenario", "metric", "value", "unit", "budget", "meets"] as const;

/** One plain-text table of every row, aligned, for the terminal. */
export function formatTable(rows: ResultRow[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    row.metric,
    row.range ? `${row.value} (${row.range[0]}–${row.range[1]})` : String(row.value),
    row.unit,
    row.budget ?? "–",
    row.meets === null ? "–" : row.meets ? "yes" : "NO",
  ]);
  const widths = columns.map((name, index) =>
    Math.max(name.length, ...cells.map((line) => line[index]!.length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((width) => "-".repeat(width))), ...cells.map(line)].join(
    "\n",
  );
}

export function writeResults(path: string, rows: ResultRow[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(rows, null, 2)}\n`);
}
