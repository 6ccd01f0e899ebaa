// A child process running one stand-in (`intercom` or `hull`, the first argument), so that the
// connector's own memory and CPU can be measured apart from them.
import { startHullSandbox } from "../../sandbox/hull/index";
import { startIntercomSandbox } from "../../sandbox/intercom/index";
import { processUsage, serveParent } from "../child-process";

async function main(): Promise<void> {
  const role = process.argv[2];
  if (role === "intercom") {
    const intercom = await startIntercomSandbox({ webhookRetryDelayMs: 1_000 });
    serveParent(
      {
        url: intercom.url,
        appId: intercom.appId,
        clientId: intercom.clientId,
        clientSecret: intercom.clientSecret,
      },
      async (message) => {
        if (message.type === "wire") {
          const connectorUrl = message.connectorUrl as string;
          intercom.setWebhookUrl(`${connectorUrl}/intercom`);
          intercom.setUninstallUrl(`${connectorUrl}/auth/uninstalled`);
          return {};
        }
        return processUsage();
      },
    );
  } else if (role === "hull") {
    const hull = await startHullSandbox({ notifyDelayMs: 200 });
    serveParent(
      { url: hull.url, organization: hull.organization, connector: hull.connector },
      async (message) => {
        if (message.type === "wire") {
          hull.setConnectorUrl(message.connectorUrl as string);
          return {};
        }
        return processUsage();
      },
    );
  } else {
    throw new Error(`expected "intercom" or "hull", got ${role}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
