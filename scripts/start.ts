// `npm start`: the connector against the sandbox (or alone, with real credentials), printing every
// URL a newcomer needs. Flags: --connected completes OAuth at start; --empty skips the demo data.
import { hasProductionCredentials, loadConfig } from "../server/config";
import { startConnector } from "../server/main";
import { connectThroughOAuth } from "../sandbox/scenarios/connect-through-oauth";
import { seedDemo } from "../sandbox/scenarios/demo";
import { startStack } from "./stack";

const flags = new Set(process.argv.slice(2));
const env = process.env;

async function main(): Promise<void> {
  if (hasProductionCredentials(env)) {
    const connector = await startConnector(loadConfig(env));
    console.log(`Hull ⇄ Intercom connector listening on ${connector.deps.publicUrl}`);
    process.once("SIGTERM", () => void connector.close().then(() => process.exit(0)));
    process.once("SIGINT", () => void connector.close().then(() => process.exit(0)));
    return;
  }
  const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
  const stack = await startStack({
    connectorPort: port("PORT", 8080),
    hullPort: port("HULL_SANDBOX_PORT", 8081),
    intercomPort: port("INTERCOM_SANDBOX_PORT", 8082),
    env: { LOG_LEVEL: "info", ...env },
    dataDir: env.DATA_DIR ?? ".data/sandbox",
  });
  if (flags.has("--connected") || env.SANDBOX_CONNECTED === "1") {
    const outcome = await connectThroughOAuth(
      `${stack.urls.connector}/auth?${stack.credentialsQuery}`,
    );
    if (outcome.status !== 200)
      throw new Error(`Connecting the sandbox workspace failed (${outcome.status})`);
  }
  // After connecting, so that the demo contacts' webhooks reach Hull too.
  if (!flags.has("--empty"))
    await seedDemo({ hullUrl: stack.urls.hull, intercomUrl: stack.urls.intercom });
  console.log(`
  Hull ⇄ Intercom connector — sandbox

  Connector dashboard   ${stack.urls.dashboard}
  Demo website          ${stack.urls.demo}
  Hull inspector        ${stack.urls.inspector}
  Hull stand-in         ${stack.urls.hull}  (organization ${stack.hull.organization})
  Intercom stand-in     ${stack.urls.intercom}  (control API under /_sandbox/)
  Connector health      ${stack.urls.connector}/health

  ${flags.has("--connected") || env.SANDBOX_CONNECTED === "1" ? "Intercom is connected." : 'Open the dashboard and click "Continue with Intercom" to connect.'}
  Stop with Ctrl+C.
`);
  const stop = () => void stack.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
