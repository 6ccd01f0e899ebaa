// Review finding: scripts/test-summary.mjs now counts a file that fails outside its tests (a hook,
// a load error), but not a run that fails on an unhandled error: vitest exits 1, its JSON report
// says every file and test passed (even `success: true`), and CI's line reads "1 passed, 0 failed"
// — the very symptom the change names (CI of 2026-12-01: "1702 passed, 0 failed" and exit 1).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HEAVY_TEST_MS } from "../helpers/wait";

const root = resolve(__dirname, "../..");
const folder = mkdtempSync(join(tmpdir(), "review-summary-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("the CI summary line after a run vitest failed", () => {
  it(
    "never reads 0 failed when vitest exited with a failure",
    () => {
      const report = join(folder, "vitest.json");
      const config = join(folder, "vitest.config.mjs");
      writeFileSync(
        config,
        `export default { test: { root: ${JSON.stringify(root)}, include: ["test/review/fixtures/unhandled-after-pass.fixture.ts"] } };`,
      );
      const run = spawnSync(
        process.execPath,
        [
          join(root, "node_modules/vitest/vitest.mjs"),
          "run",
          "--config",
          config,
          "--reporter=json",
          `--outputFile=${report}`,
        ],
        { cwd: root, encoding: "utf8" },
      );
      expect(run.status, run.stdout + run.stderr).toBe(1);
      // .ci/run passes the test command's exit status as the second argument.
      const summary = spawnSync(
        process.execPath,
        ["scripts/test-summary.mjs", report, String(run.status)],
        {
          cwd: root,
          encoding: "utf8",
        },
      ).stdout;
      const line = summary.trim().split("\n").at(-1)!;
      expect(line).not.toMatch(/ 0 failed/);
    },
    HEAVY_TEST_MS,
  );
});
