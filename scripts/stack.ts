// The whole product on one machine: the Intercom and Hull stand-ins and the connector wired to them.
// `npm start` uses it, and so do the integration and end-to-end tests (with free ports).
import type { DestinationStream } from "pino";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHullSandbox, type HullSandbox } from "../sandbox/hull/index";
import { startIntercomSandbox, type IntercomSandbox } from "../sandbox/intercom/index";
import { loadConfig } from "../server/config";
import { createLogger } from "../server/log";
import { startConnector, type RunningConnector } from "../server/main";

export interface StackOptions {
  connectorPort?: number;
  hullPort?: number;
  intercomPort?: number;
  /** Environment for the connector (LOG_LEVEL, SECRET, ...); the sandbox fills in the rest. */
  env?: Record<string, string | undefined>;
  /** Where the connector keeps its registry; default a fresh temporary folder. */
  dataDir?: string;
  notifyDelayMs?: number;
  /** How many times the Hull stand-in resends a notification answered `retry` (default 10). */
  notifyRetryLimit?: number;
  /** Where the connector's log lines go (default: stdout). */
  logDestination?: DestinationStream;
  webhookRetryDelayMs?: number;
}

export interface Stack {
  connector: RunningConnector;
  /** Stops the connector (as a deploy or a crash would) and starts a new process's worth of it on the same data. */
  restartConnector(): Promise<RunningConnector>;
  /** Another connector process on the same configuration (scale-out with REDIS_URL); closed with the stack. */
  startExtraConnector(): Promise<RunningConnector>;
  hull: HullSandbox;
  intercom: IntercomSandbox;
  /** Query credentials Hull would put on the connector's URLs. */
  credentialsQuery: string;
  urls: {
    connector: string;
    dashboard: string;
    hull: string;
    demo: string;
    inspector: string;
    intercom: string;
  };
  close(): Promise<void>;
}

export const SANDBOX_SECRET = "sandbox-secret-do-not-use-in-production";

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env = options.env ?? {};
  const intercom = await startIntercomSandbox({
    port: options.intercomPort ?? 0,
    webhookRetryDelayMs: options.webhookRetryDelayMs,
  });
  const hull = await startHullSandbox({
    port: options.hullPort ?? 0,
    notifyDelayMs: options.notifyDelayMs,
    retryLimit: options.notifyRetryLimit,
  });
  const config = loadConfig({
    LOG_LEVEL: "warn",
    ...env,
    PORT: String(options.connectorPort ?? 0),
    SECRET: env.SECRET ?? SANDBOX_SECRET,
    INTERCOM_CLIENT_ID: intercom.clientId,
    INTERCOM_CLIENT_SECRET: intercom.clientSecret,
    INTERCOM_API_URL: intercom.url,
    INTERCOM_OAUTH_URL: `${intercom.url}/oauth`,
    HULL_FIREHOSE_URL: `${hull.url}/firehose`,
    // Tests may add hosts (a key server of their own) to Hull's.
    HULL_ALLOWED_HOSTS: ["*.hullapp.io", hull.organization, env.HULL_ALLOWED_HOSTS]
      .filter(Boolean)
      .join(","),
    // The stand-ins listen on loopback: extracts and smart-notifier keys come from there.
    OUTBOUND_ALLOW_LOOPBACK: "true",
    DATA_DIR: options.dataDir ?? mkdtempSync(join(tmpdir(), "hull-intercom-")),
  });
  const logger = createLogger(config.logLevel, options.logDestination);
  async function wire(running: RunningConnector): Promise<RunningConnector> {
    const connectorUrl = running.deps.publicUrl;
    hull.setConnectorUrl(connectorUrl);
    intercom.setWebhookUrl(`${connectorUrl}/intercom`);
    intercom.setUninstallUrl(`${connectorUrl}/auth/uninstalled`);
    return running;
  }
  const connector = await wire(await startConnector(config, logger));
  const connectorUrl = connector.deps.publicUrl;
  // As a person would in Hull's settings: the website loads the stand-in's Messenger widget.
  await fetch(`${hull.url}/_sandbox/connector/settings`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ settings: { widget_url: `${intercom.url}/widget/${intercom.appId}` } }),
  });
  const { id, organization, secret } = hull.connector;
  const credentialsQuery = new URLSearchParams({ ship: id, organization, secret }).toString();
  const extras: RunningConnector[] = [];
  const stack: Stack = {
    connector,
    async startExtraConnector() {
      const extra = await startConnector(config, logger);
      extras.push(extra);
      return extra;
    },
    async restartConnector() {
      await stack.connector.close();
      const restarted = await wire(await startConnector(config, logger));
      stack.connector = restarted;
      stack.urls.connector = restarted.deps.publicUrl;
      stack.urls.dashboard = `${restarted.deps.publicUrl}/admin?${credentialsQuery}`;
      return restarted;
    },
    hull,
    intercom,
    credentialsQuery,
    urls: {
      connector: connectorUrl,
      dashboard: `${connectorUrl}/admin?${credentialsQuery}`,
      hull: hull.url,
      demo: `${hull.url}/demo/`,
      inspector: `${hull.url}/inspector/`,
      intercom: intercom.url,
    },
    async close() {
      await Promise.all(extras.map((extra) => extra.close()));
      await stack.connector.close();
      await Promise.all([hull.close(), intercom.close()]);
    },
  };
  return stack;
}
