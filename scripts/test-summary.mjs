// Prints the one line CI reads, "N passed, N failed", from vitest's JSON report.
import { existsSync, readFileSync } from "node:fs";

const reportPath = process.argv[2] ?? "reports/vitest.json";
if (!existsSync(reportPath)) {
  console.log(
    "The test run stopped before vitest wrote its report (typecheck, lint or build failed).",
  );
  console.log("0 passed, 1 failed");
  process.exit(0);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const failedSuites = report.testResults.filter(
  (file) => file.status === "failed" && file.assertionResults.length === 0,
);
for (const file of failedSuites) console.log(`Failed to load: ${file.name}\n${file.message ?? ""}`);
const skipped = report.numPendingTests + report.numTodoTests;
const failed = report.numFailedTests + failedSuites.length;
console.log(
  `${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
