import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// scripts/test-summary.mjs prints the line CI reads. A file can fail without a failed test: it
// does not load, or a hook throws after every test passed. The CI run of 2026-12-01 printed
// "1702 passed, 0 failed" for an afterAll that threw.
const folder = mkdtempSync(join(tmpdir(), "test-summary-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface FileResult {
  name: string;
  status: "passed" | "failed";
  message?: string;
  tests: Array<"passed" | "failed">;
}

/** Writes a vitest JSON report of `files` and returns what the summary prints for it. */
function summarise(files: FileResult[]): string {
  const tests = files.flatMap((file) => file.tests);
  const report = {
    numPassedTests: tests.filter((status) => status === "passed").length,
    numFailedTests: tests.filter((status) => status === "failed").length,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: files.map((file) => ({
      name: file.name,
      status: file.status,
      message: file.message ?? "",
      assertionResults: file.tests.map((status) => ({ status })),
    })),
  };
  const path = join(folder, `${files.map((file) => file.name).join("-")}.json`);
  writeFileSync(path, JSON.stringify(report));
  return execFileSync(process.execPath, ["scripts/test-summary.mjs", path], { encoding: "utf8" });
}

describe("the CI summary line", () => {
  it("counts passed and failed tests", () => {
    const out = summarise([
      { name: "a", status: "passed", tests: ["passed", "passed"] },
      { name: "b", status: "failed", tests: ["passed", "failed"] },
    ]);
    expect(out.trim().split("\n").at(-1)).toBe("3 passed, 1 failed");
  });

  it("counts a file whose hook threw after all its tests passed, and names it", () => {
    const out = summarise([
      { name: "hooked", status: "failed", message: "ENOTEMPTY", tests: ["passed", "passed"] },
    ]);
    expect(out).toContain("Failed outside its tests: hooked\nENOTEMPTY");
    expect(out.trim().split("\n").at(-1)).toBe("2 passed, 1 failed");
  });

  it("counts a file that did not load", () => {
    const out = summarise([
      { name: "broken", status: "failed", message: "SyntaxError", tests: [] },
    ]);
    expect(out).toContain("Failed to load: broken");
    expect(out.trim().split("\n").at(-1)).toBe("0 passed, 1 failed");
  });
});
