// `npm start` builds only what is missing or older than its sources, so a second start is quick
// and a failed check never waits on a build. `npm run build` always builds everything.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface Build {
  /** What a person is told is being built. */
  what: string;
  outputs: string[];
  /** Files and folders whose change makes the outputs stale. */
  sources: string[];
  /** Node arguments that build it. */
  args: string[];
}

const shared = ["common", "tsconfig.json", "package-lock.json"];

/** dist/ship.js and dist/dashboard.js (Rollup; about half a minute on a busy 2-core machine). */
export const BROWSER_BUNDLES: Build = {
  what: "the browser bundles (dist/ship.js, dist/dashboard.js)",
  outputs: ["dist/ship.js", "dist/dashboard.js"],
  sources: ["client", "rollup.config.mjs", ...shared],
  args: ["node_modules/rollup/dist/bin/rollup", "-c", "rollup.config.mjs"],
};

/** dist/server.mjs, the compiled connector (esbuild; well under a second). */
export const SERVER_BUNDLE: Build = {
  what: "the server (dist/server.mjs)",
  outputs: ["dist/server.mjs"],
  sources: ["server", "scripts/build-server.mjs", ...shared],
  args: ["scripts/build-server.mjs"],
};

/** Newest modification time (ms) of the files under `path`, a file or a folder; 0 if absent. */
function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** True when an output is missing or older than a source. */
export function isStale(build: Build): boolean {
  if (!build.outputs.every((file) => existsSync(file))) return true;
  const built = Math.min(...build.outputs.map((file) => statSync(file).mtimeMs));
  return Math.max(...build.sources.map(newestChange)) > built;
}

/**
 * Runs each stale build in turn, its output shown; says which were up to date. Rejects when a
 * build fails (its own messages are already printed).
 */
export async function buildIfStale(builds: Build[]): Promise<void> {
  for (const build of builds) {
    if (!isStale(build)) {
      console.log(`Up to date: ${build.what}.`);
      continue;
    }
    console.log(`Building ${build.what}…`);
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, build.args, { stdio: "inherit" });
      child.once("error", fail);
      child.once("exit", (exitCode) => done(exitCode));
    });
    if (code !== 0) throw new Error(`Building ${build.what} failed (exit code ${code}).`);
  }
}
