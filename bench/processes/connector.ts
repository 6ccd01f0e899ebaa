// A child process running only the connector (server/main.ts), configured from its environment
// like a production deployment, so that its peak memory and CPU are its own.
import { loadConfig } from "../../server/config";
import { startConnector, tuneHeap } from "../../server/main";
import { processUsage, serveParent } from "../child-process";

async function main(): Promise<void> {
  // As main() in server/main.ts starts a production process: the heap tuned first (ADR 023).
  const config = loadConfig(process.env);
  tuneHeap(config.heapGrowingPercent);
  const connector = await startConnector(config);
  serveParent({ url: connector.deps.publicUrl, usage: processUsage() }, async () => processUsage());
  process.once("SIGTERM", () => {
    void connector.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
