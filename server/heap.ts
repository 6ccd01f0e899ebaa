import { setFlagsFromString } from "node:v8";

/**
 * Sets how far V8 lets the old generation grow past what its last full collection kept alive
 * before it collects again: `--heap-growing-percent` (limit = live × (1 + percent/100)). 0 leaves
 * V8's own factor, which grows up to 4× for a small, fast-allocating heap: a fetch keeps ~30 MB
 * alive yet let the old generation reach ~60–90 MB between collections, so the process peaked
 * at ~180–200 MB RSS. At 30 % the same fetch peaks ~140 MB for no CPU the benchmark can tell
 * (ADR 023). Not a cap: a process that really needs more memory still gets it.
 *
 * A V8 flag set at runtime, not on the command line, so that every way of starting the compiled
 * server (`npm start`, the container, the benchmark, a plain `node dist/server.mjs`) gets it.
 * V8 reads this flag at each full collection (heap/heap-controller.cc), which is why setting it
 * after start-up takes effect; Node's documentation warns that flags changed after start may not,
 * and the benchmark's memory row is what checks that it did. Process-wide: call it once, from
 * a process's entry point, never from code tests load.
 */
export function tuneHeap(growingPercent: number): void {
  if (growingPercent > 0) setFlagsFromString(`--heap-growing-percent=${growingPercent}`);
}
