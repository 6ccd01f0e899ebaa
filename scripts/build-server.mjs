// The production server: server/main.ts and everything it imports compiled ahead of time into one
// ES module, dist/server.mjs, that plain `node` runs (no tsx, no TypeScript at runtime; ADR 016).
// Packages stay external: node_modules (`npm ci --omit=dev`) provides them, so the bundle holds
// our code only. dist/server.meta.json lists what the bundle imports (the tests check that every
// package it needs is a production dependency). Plain JavaScript, so that it runs before any build.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "esbuild";

const outfile = "dist/server.mjs";
const result = await build({
  entryPoints: ["server/main.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
  write: false,
});
// Each file replaced whole (written aside, then renamed): a process starting from dist/ while a
// build runs reads the old bundle or the new one, never half of one.
const replace = (path, contents) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.${process.pid}.tmp`, contents);
  renameSync(`${path}.${process.pid}.tmp`, path);
};
for (const file of result.outputFiles) replace(file.path, file.contents);
replace("dist/server.meta.json", JSON.stringify(result.metafile, null, 2));
const output = result.metafile.outputs[outfile];
console.log(
  `${outfile}: ${(output.bytes / 1024).toFixed(2)} KB from ${Object.keys(result.metafile.inputs).length} modules`,
);
