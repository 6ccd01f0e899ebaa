// The connector as production runs it: the compiled bundle (dist/server.mjs, `npm run build`,
// ADR 016) under plain node, no tsx, configured from its environment. Plain JavaScript so that
// nothing but the bundle and its packages is loaded; the bench starts it (separate-stack.ts) after
// rebuilding a stale bundle. bench/processes/connector.ts runs the same from source (tsx).
import { processUsage, serveParent } from "../child-ipc.mjs";

const { loadConfig, startConnector } = await import("../../dist/server.mjs");

try {
  const connector = await startConnector(loadConfig(process.env));
  serveParent({ url: connector.deps.publicUrl, usage: processUsage() }, async () => processUsage());
  process.once("SIGTERM", () => {
    void connector.close().finally(() => process.exit(0));
  });
} catch (error) {
  console.error(error);
  process.exit(1);
}
