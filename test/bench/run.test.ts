import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEAVY_TEST_MS } from "../helpers/wait";

const ROOT = join(import.meta.dirname, "../..");
const run = promisify(execFile);
const scenarios = ["outgoing", "fetch", "webhooks", "browser", "companies"];

let folder: string;
let rows: Record<string, unknown>[];
let printed: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "bench-quick-"));
  const out = join(folder, "quick.json");
  const { stdout } = await run("npx", ["tsx", "bench/run.ts", "--quick", `--out=${out}`], {
    cwd: ROOT,
    maxBuffer: 10_000_000,
  });
  printed = stdout;
  rows = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>[];
  // The quick bench runs every scenario (stand-ins, processes, a browser) beside the rest of the
  // suite: on a loaded machine it took over two minutes.
}, 2 * HEAVY_TEST_MS);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("npm run bench -- --quick", () => {
  it("writes rows for every scenario", () => {
    expect([...new Set(rows.map((row) => row.scenario))]).toEqual(scenarios);
  });

  it("gives every row a figure, a unit, its budget and whether it meets it, the mode, the machine and the time", () => {
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        [
          "at",
          "budget",
          "machine",
          "meets",
          "metric",
          "mode",
          "range",
          "scenario",
          "unit",
          "value",
        ].sort(),
      );
      // A median over rounds carries its lowest and highest round (ADR 015).
      if (row.range !== null) {
        expect(row.range).toEqual([expect.any(Number), expect.any(Number)]);
        const [low, high] = row.range as [number, number];
        expect(low).toBeLessThanOrEqual(row.value as number);
        expect(high).toBeGreaterThanOrEqual(row.value as number);
      }
      expect(row).toMatchObject({
        metric: expect.any(String),
        unit: expect.any(String),
        mode: "quick",
        machine: expect.stringMatching(/×\d+, [\d.]+ GiB, node v\d+/),
      });
      expect(Number.isFinite(row.value)).toBe(true);
      expect(Number.isNaN(Date.parse(row.at as string))).toBe(false);
      if (row.budget === null) expect(row.meets).toBeNull();
      else {
        expect(row.budget).toMatch(/^(≥|≤|<) \d/);
        expect(typeof row.meets).toBe("boolean");
      }
    }
  });

  it("holds each scenario to the budgets of DESIGN.md §8", () => {
    const budgeted = (scenario: string) =>
      rows
        .filter((row) => row.scenario === scenario && row.budget !== null)
        .map((row) => row.metric);
    expect(budgeted("outgoing")).toEqual(
      expect.arrayContaining([
        "share of the rate budget used (first sync)",
        "share of requests answered 429",
        "API calls per synced user, steady state",
        "users lost",
      ]),
    );
    expect(budgeted("fetch")).toEqual(
      expect.arrayContaining([
        "Intercom requests ÷ the fewest pages for the contacts read",
        "connector peak memory (RSS)",
        "contacts per connector CPU-second (one core)",
        "contacts per CPU-second, connector ÷ SDK script",
      ]),
    );
    expect(budgeted("webhooks")).toEqual(
      expect.arrayContaining([
        "verified notifications per second",
        "acknowledgement time p99",
        "notifications/s, connector ÷ Hull-framework receiver",
        "notifications/s, connector ÷ bare limit",
      ]),
    );
    expect(budgeted("browser")).toEqual(expect.arrayContaining(["ship.js size gzipped"]));
  });

  it("measures the baselines beside the connector and says how busy the machine was", () => {
    const metrics = rows.map((row) => `${row.scenario}: ${row.metric}`);
    expect(metrics).toEqual(
      expect.arrayContaining([
        "fetch: SDK script: contacts per CPU-second",
        "fetch: peak RSS, connector ÷ SDK script",
        "fetch: CPU used by other processes during the runs",
        "fetch: connector: share of its CPU off the main thread (garbage-collection helpers, libuv)",
        "fetch: no I/O: CPU per contact, connector's code ÷ floor's",
        "webhooks: Hull-framework receiver: notifications per second",
        "webhooks: bare node:http limit: p99",
        "webhooks: load average per core before the runs (1 min)",
        "outgoing: API calls per synced user, first sync ÷ the API's floor",
      ]),
    );
    // Every side-by-side figure is a median with its range.
    for (const row of rows.filter((each) => String(each.metric).includes("÷ SDK script")))
      expect(row.range).not.toBeNull();
  });

  it("prints one table with a line per row", () => {
    const lines = printed.split("\n");
    const header = lines.findIndex((line) =>
      /^scenario\s+metric\s+value\s+unit\s+budget\s+meets$/.test(line),
    );
    expect(header).toBeGreaterThanOrEqual(0);
    for (const row of rows) expect(printed).toContain(row.metric as string);
    expect(
      lines.slice(header + 2).filter((line) => new RegExp(`^(${scenarios.join("|")}) `).test(line)),
    ).toHaveLength(rows.length);
  });
});
