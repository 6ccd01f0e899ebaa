// The same stack as test/helpers/stack.ts (scripts/stack.ts), except that the connector's pino
// logger writes into memory, so a test can search every log line for secrets.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { startHullSandbox, type HullSandbox } from "../../../sandbox/hull/index";
import { startIntercomSandbox, type IntercomSandbox } from "../../../sandbox/intercom/index";
import { SANDBOX_SECRET } from "../../../scripts/stack";
import { loadConfig } from "../../../server/config";
import { createLogger } from "../../../server/log";
import { startConnector, type RunningConnector } from "../../../server/main";

export interface LoggedStack {
  connector: RunningConnector;
  hull: HullSandbox;
  intercom: IntercomSandbox;
  credentialsQuery: string;
  urls: { connector: string; dashboard: string; hull: string; intercom: string };
  /** Every line the connector logged so far, as written (JSON). */
  logLines(): string[];
  close(): Promise<void>;
}

/** Collects pino's output line by line. */
function lineCollector(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  let pending = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      lines.push(...parts.filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

export async function startLoggedStack(
  options: { level?: string; env?: Record<string, string> } = {},
): Promise<LoggedStack> {
  const intercom = await startIntercomSandbox({ port: 0, webhookRetryDelayMs: 50 });
  const hull = await startHullSandbox({ port: 0, notifyDelayMs: 50 });
  const config = loadConfig({
    SECRET: SANDBOX_SECRET,
    ...options.env,
    LOG_LEVEL: options.level ?? "trace",
    PORT: "0",
    INTERCOM_CLIENT_ID: intercom.clientId,
    INTERCOM_CLIENT_SECRET: intercom.clientSecret,
    INTERCOM_API_URL: intercom.url,
    INTERCOM_OAUTH_URL: `${intercom.url}/oauth`,
    HULL_FIREHOSE_URL: `${hull.url}/firehose`,
    HULL_ALLOWED_HOSTS: `*.hullapp.io,${hull.organization}`,
    DATA_DIR: mkdtempSync(join(tmpdir(), "hull-intercom-security-")),
  });
  const { stream, lines } = lineCollector();
  const connector = await startConnector(config, createLogger(config.logLevel, stream));
  const connectorUrl = connector.deps.publicUrl;
  hull.setConnectorUrl(connectorUrl);
  intercom.setWebhookUrl(`${connectorUrl}/intercom`);
  intercom.setUninstallUrl(`${connectorUrl}/auth/uninstalled`);
  const { id, organization, secret } = hull.connector;
  const credentialsQuery = new URLSearchParams({ ship: id, organization, secret }).toString();
  return {
    connector,
    hull,
    intercom,
    credentialsQuery,
    urls: {
      connector: connectorUrl,
      dashboard: `${connectorUrl}/admin?${credentialsQuery}`,
      hull: hull.url,
      intercom: intercom.url,
    },
    logLines: () => [...lines],
    async close() {
      await connector.close();
      await Promise.all([hull.close(), intercom.close()]);
    },
  };
}
