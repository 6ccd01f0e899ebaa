// Two browser bundles, each one IIFE file: ship.js (the plugin Hull.js injects into websites) and
// dashboard.js (the admin dashboard). Hull.js finds ship.js through document.currentScript, so it
// must be a classic script that calls Hull.onEmbed synchronously: no ES module output.
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import commonjs from "@rollup/plugin-commonjs";
import resolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";

// DESIGN.md §8: ship.js may weigh at most 6 KB gzipped, Messenger loader included.
const printSize = () => ({
  name: "print-size",
  writeBundle(options) {
    const code = readFileSync(options.file);
    const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
    console.log(`${options.file}: ${kb(code.length)} raw, ${kb(gzipSync(code).length)} gzip`);
  },
});

const bundle = (input, file, name) => ({
  input,
  output: { file, format: "iife", name, sourcemap: true },
  plugins: [
    resolve({ browser: true }),
    commonjs(),
    typescript({
      tsconfig: "./tsconfig.json",
      compilerOptions: { noEmit: false, outDir: "dist", declaration: false },
      include: ["client/**/*.ts", "common/**/*.ts"],
    }),
    terser({ format: { comments: false } }),
    printSize(),
  ],
});

export default [
  bundle("client/index.ts", "dist/ship.js", undefined),
  existsSync("client/dashboard/index.ts") &&
    bundle("client/dashboard/index.ts", "dist/dashboard.js", undefined),
].filter(Boolean);
