// Vitest global setup: builds the browser bundles (dist/ship.js, dist/dashboard.js) once per run,
// before any test starts, so no test spends its own time limit on a Rollup build (a build takes
// half a minute on a loaded 2-core machine). Tests read the files in dist/ that websites and Hull
// get. `npm test` has just built them, so this only builds when a source is newer than a bundle.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { rollup, type OutputOptions, type RollupOptions } from "rollup";

/** Newest modification time (ms) of the files under `path` (a file or a folder). */
function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds every entry of rollup.config.mjs whose output is missing or older than its sources. */
export default async function buildBundles(): Promise<void> {
  const configUrl = pathToFileURL(resolve("rollup.config.mjs")).href;
  const configs = ((await import(configUrl)) as { default: RollupOptions[] }).default;
  const sourcesChanged = Math.max(
    ...["client", "common", "rollup.config.mjs", "tsconfig.json"].map((path) => newestChange(path)),
  );
  for (const config of configs) {
    const output = config.output as OutputOptions & { file: string };
    if (existsSync(output.file) && statSync(output.file).mtimeMs >= sourcesChanged) continue;
    const bundle = await rollup({ ...config, onwarn: () => {} });
    try {
      await bundle.write(output);
    } finally {
      await bundle.close();
    }
  }
}
