import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

// DESIGN.md §8: ship.js weighs at most 6 KB gzipped, the Messenger loader included.
const BUDGET_BYTES = 6 * 1024;

// Built once before the run by test/setup/build-bundles.ts, not inside this test's time limit.
describe("dist/ship.js as Rollup builds it", () => {
  it("stays within 6 KB gzipped and is one classic script without import or export statements", () => {
    const code = readFileSync("dist/ship.js", "utf8");
    expect(gzipSync(code).length).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).toContain("_intercom_npm_loader");
  }, 120_000); // a Rollup build with TypeScript: a ceiling for a loaded 2-core machine, not a timing
});
