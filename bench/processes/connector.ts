// A child process running only the connector (server/main.ts), configured from its environment
// like a production deployment, so that its peak memory and CPU are its own.
import { loadConfig } from "../../server/config";
import { startConnector } from "../../server/main";
import { processUsage, serveParent } from "../child-process";

async function main(): Promise<void> {
  const connector = await startConnector(loadConfig(process.env));
  serveParent({ url: connector.deps.publicUrl, usage: processUsage() }, async () => processUsage());
  process.once("SIGTERM", () => {
    void connector.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
