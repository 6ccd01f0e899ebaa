// Where the connector's files are at runtime. The server runs from source (`server/*.ts`, tests
// and the sandbox) and compiled (`dist/server.mjs`, production): a path written relative to one
// source file would point elsewhere in the bundle, so every path starts from the package root.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The nearest folder at or above `start` that holds `package.json`: the repository checkout, or
 * `/app` in the container image. Throws when there is none (the bundle was copied without it).
 */
export function findPackageRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return folder;
    if (dirname(folder) === folder)
      throw new Error(`No package.json at or above ${start}: the connector cannot find its files`);
  }
}

const ROOT = findPackageRoot(import.meta.dirname);

/** Files the server reads at runtime, all under the package root (absolute paths). */
export const PATHS = {
  root: ROOT,
  /** Hull's manifest, served at /manifest.json. */
  manifest: join(ROOT, "manifest.json"),
  /** logo.png, picture.png and readme.md, which the manifest names. */
  assets: join(ROOT, "assets"),
  /** The browser bundles (ship.js, dashboard.js) built by `npm run build`. */
  dist: join(ROOT, "dist"),
};
