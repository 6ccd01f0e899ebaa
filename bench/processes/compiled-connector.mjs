// The connector as production runs it: the compiled bundle (dist/server.mjs, `npm run build`,
// ADR 016) under plain node, no tsx, configured from its environment. Plain JavaScript so that
// nothing but the bundle and its packages is loaded; the bench starts it (separate-stack.ts) after
// rebuilding a stale bundle. bench/processes/connector.ts runs the same from source (tsx).
import { processUsage, serveParent } from "../child-ipc.mjs";

const { loadConfig, startConnector, tuneHeap } = await import("../../dist/server.mjs");

try {
  // As main() in server/main.ts starts a production process: the heap tuned first (ADR 023).
  const config = loadConfig(process.env);
  tuneHeap(config.heapGrowingPercent);
  const connector = await startConnector(config);
  // BENCH_MEMORY_LOG=<file>: V8's heap spaces and the process's memory every second, one JSON line
  // each, to see what holds RSS (issue 18).
  if (process.env.BENCH_MEMORY_LOG) {
    const { appendFileSync } = await import("node:fs");
    const { getHeapSpaceStatistics } = await import("node:v8");
    const file = `${process.env.BENCH_MEMORY_LOG}.${process.pid}`;
    setInterval(() => {
      const spaces = Object.fromEntries(
        getHeapSpaceStatistics().map((space) => [
          space.space_name,
          Math.round(space.space_size / 1e6),
        ]),
      );
      const memory = Object.fromEntries(
        Object.entries(process.memoryUsage()).map(([name, bytes]) => [
          name,
          Math.round(bytes / 1e6),
        ]),
      );
      appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...memory, spaces })}\n`);
    }, 1000).unref();
  }
  serveParent({ url: connector.deps.publicUrl, usage: processUsage() }, async () => processUsage());
  process.once("SIGTERM", () => {
    void connector.close().finally(() => process.exit(0));
  });
} catch (error) {
  console.error(error);
  process.exit(1);
}
