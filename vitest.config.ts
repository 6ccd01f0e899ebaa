import { defineConfig } from "vitest/config";
import { WAIT_CEILING_MS } from "./test/helpers/wait";

// Tests must hold on a loaded 2-core machine: waits poll a condition under a generous ceiling
// (expect.poll's default is 1 s), and a test's or hook's limit only catches a hang, so it sits
// above the waits inside it.
const loaded = {
  testTimeout: 2 * WAIT_CEILING_MS,
  hookTimeout: 2 * WAIT_CEILING_MS,
  expect: { poll: { timeout: WAIT_CEILING_MS, interval: 50 } },
};

export default defineConfig({
  test: {
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
    // The browser bundles are built once here, outside every test's time limit.
    globalSetup: ["test/setup/build-bundles.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          ...loaded,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          ...loaded,
          fileParallelism: false,
        },
      },
    ],
  },
});
