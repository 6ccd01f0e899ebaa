import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { rollup, type OutputOptions, type RollupOptions } from "rollup";
import { describe, expect, it } from "vitest";

// DESIGN.md §8: ship.js weighs at most 6 KB gzipped, the Messenger loader included.
const BUDGET_BYTES = 6 * 1024;

async function buildShip(): Promise<string> {
  const configUrl = pathToFileURL(resolve("rollup.config.mjs")).href;
  const configs = ((await import(configUrl)) as { default: RollupOptions[] }).default;
  const config = configs.find((entry) => entry.input === "client/index.ts")!;
  const bundle = await rollup({ ...config, onwarn: () => {} });
  try {
    const { output } = await bundle.generate({
      ...(config.output as OutputOptions),
      sourcemap: false,
    });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

describe("dist/ship.js as Rollup builds it", () => {
  it("stays within 6 KB gzipped and is one classic script without import or export statements", async () => {
    const code = await buildShip();
    expect(gzipSync(code).length).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).toContain("_intercom_npm_loader");
  }, 120_000); // a Rollup build with TypeScript: a ceiling for a loaded 2-core machine, not a timing
});
