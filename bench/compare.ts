// Side-by-side measurement (ADR 015): the connector and a baseline measured alternately, several
// rounds, each round's ratio kept, and the machine's other load watched so that a busy machine is
// reported as such instead of as figures.
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import type { Measurement } from "./results";
import { sleep } from "./stats";

/** Median and range of a few samples. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The median (mean of the middle two for an even count), lowest and highest of `samples`. */
export function spread(samples: number[]): Spread {
  if (samples.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * Runs every contender once per round, in turn (A B C, A B C, …), so that a change in the machine's
 * load falls on all of them alike. Resolves with each contender's results in round order.
 */
export async function alternate<T>(
  rounds: number,
  contenders: Record<string, () => Promise<T>>,
): Promise<Record<string, T[]>> {
  const results: Record<string, T[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      console.error(`bench:   round ${round + 1}/${rounds}: ${name}`);
      (results[name] ??= []).push(await run());
    }
  }
  return results;
}

/** Busy and total CPU time of the whole machine so far (s), from /proc/stat; undefined elsewhere. */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1);
    const ticks = fields.map(Number);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = ticks[3]! + ticks[4]!;
    // USER_HZ is 100 on every Linux the bench runs on.
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

/**
 * Watches the CPU the rest of the machine uses while the bench runs: `stop(ourCpuS)` gives the
 * share of all cores (0..1) used by processes other than the bench's own (whose CPU, in s, the
 * caller adds up from its processes), or NaN where /proc/stat is not there.
 */
export function watchOtherLoad(): { stop(ourCpuS: number): number } {
  const start = machineCpu();
  const startedAt = performance.now();
  return {
    stop(ourCpuS) {
      const end = machineCpu();
      if (!start || !end) return Number.NaN;
      const wallS = (performance.now() - startedAt) / 1000;
      const others = end.busy - start.busy - ourCpuS;
      return Math.max(0, others / (wallS * cpus().length));
    },
  };
}

/** The 1-minute load average per core. */
export const loadPerCore = () => loadavg()[0]! / cpus().length;

/** Thresholds above which comparisons are refused (`--max-load=`, `--ignore-load`). */
export interface LoadPolicy {
  /** 1-min load average per core allowed before a comparison starts. */
  maxLoadPerCore: number;
  /** Share of all cores other processes may use during the runs. */
  maxOtherShare: number;
  /** Measure and report even on a busy machine (the load rows say how busy). */
  ignore: boolean;
  /** Longest wait (ms) for the load average to fall (the bench's own previous scenario raises it). */
  waitMs: number;
}

export function loadPolicy(args: string[], quick: boolean): LoadPolicy {
  const given = args.find((arg) => arg.startsWith("--max-load="))?.slice("--max-load=".length);
  return {
    maxLoadPerCore: given ? Number(given) : 0.5,
    maxOtherShare: 0.25,
    // Quick mode proves the scenarios run (CI, beside other tests): it never refuses.
    ignore: quick || args.includes("--ignore-load"),
    waitMs: quick ? 0 : 90_000,
  };
}

/**
 * Waits (up to `policy.waitMs`) for the load average per core to fall to the allowed level.
 * Resolves with undefined when the machine is quiet enough, or with the reason to refuse.
 */
export async function waitForQuiet(policy: LoadPolicy): Promise<string | undefined> {
  const deadline = Date.now() + policy.waitMs;
  while (loadPerCore() > policy.maxLoadPerCore && Date.now() < deadline) await sleep(5_000);
  const load = loadPerCore();
  if (load <= policy.maxLoadPerCore || policy.ignore) return undefined;
  return `1-min load average ${load.toFixed(2)} per core before the runs, over ${policy.maxLoadPerCore} (--max-load)`;
}

/** The rows saying how busy the machine was, and whether the comparison stands. */
export function loadRows(
  before: number,
  otherShare: number,
  policy: LoadPolicy,
): { rows: Measurement[]; refused?: string } {
  const rows: Measurement[] = [
    {
      metric: "load average per core before the runs (1 min)",
      value: Number(before.toFixed(2)),
      unit: "load/core",
      budget: policy.ignore ? null : `≤ ${policy.maxLoadPerCore}`,
      meets: policy.ignore ? null : before <= policy.maxLoadPerCore,
    },
    {
      metric: "CPU used by other processes during the runs",
      value: Number.isNaN(otherShare) ? -1 : Number(otherShare.toFixed(3)),
      unit: "share of all cores",
      budget: policy.ignore ? null : `≤ ${policy.maxOtherShare}`,
      meets: policy.ignore ? null : !(otherShare > policy.maxOtherShare),
    },
  ];
  const refused =
    !policy.ignore && otherShare > policy.maxOtherShare
      ? `other processes used ${(otherShare * 100).toFixed(0)} % of the machine during the runs (over ${policy.maxOtherShare * 100} %)`
      : undefined;
  return { rows, refused };
}
