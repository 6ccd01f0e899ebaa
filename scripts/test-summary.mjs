// Prints the one line CI reads, "N passed, N failed", from vitest's JSON report.
import { existsSync, readFileSync } from "node:fs";

// argv[3]: the test command's exit status, when the caller has it (.ci/run).
const reportPath = process.argv[2] ?? "reports/vitest.json";
const exitStatus = process.argv[3] === undefined ? 0 : Number(process.argv[3]);
if (!existsSync(reportPath)) {
  console.log(
    "The test run stopped before vitest wrote its report (typecheck, lint or build failed).",
  );
  console.log("0 passed, 1 failed");
  process.exit(0);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
// A file can fail outside its tests: it does not load, or a beforeAll/afterAll hook throws while
// every test passes (CI of 2026-12-01: "1702 passed, 0 failed" and exit 1). Each counts as one.
const failedSuites = report.testResults.filter(
  (file) =>
    file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
);
for (const file of failedSuites) {
  const where = file.assertionResults.length === 0 ? "Failed to load" : "Failed outside its tests";
  console.log(`${where}: ${file.name}\n${file.message ?? ""}`);
}
const skipped = report.numPendingTests + report.numTodoTests;
let failed = report.numFailedTests + failedSuites.length;
// An error outside every test and file (an unhandled rejection) fails the run while the report
// says all passed: counted as one, so the line never reads "0 failed" for a failed run.
if (exitStatus !== 0 && failed === 0) {
  console.log(`The test run failed outside any test (exit ${exitStatus}): see its errors above.`);
  failed = 1;
}
console.log(
  `${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
