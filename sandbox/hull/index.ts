import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { listen } from "../shared/listen.js";
import { createConnectorState } from "./connector.js";
import { createHullApp } from "./hull-app.js";
import { HullPlatform } from "./hull-platform.js";
import { derivedObjectId, derivedSecret } from "./ids.js";

export interface HullSandboxOptions {
  /** Default 0 (a free port) on 127.0.0.1. */
  port?: number;
  host?: string;
  /** Base URL of the connector, no trailing slash: Hull calls `/smart-notifier`, `/batch` and embeds `/ship.js`. */
  connectorUrl?: string;
  /** The connector manifest; default: ./manifest.json. */
  manifest?: Record<string, unknown>;
  /** 24-hex id and secret; default: derived from a fixed seed so URLs are stable. */
  connectorId?: string;
  connectorSecret?: string;
  /** How long automatic user:update messages are gathered before sending; default 1000. */
  notifyDelayMs?: number;
  /** How many times a flow-control retry is resent; default 10. */
  retryLimit?: number;
  /** How long Hull waits for the connector's answer; default 25000. */
  notifyTimeoutMs?: number;
}

export interface HullSandbox {
  url: string;
  port: number;
  /** "127.0.0.1:PORT": the connector calls `http://<organization>/api/v1/…` and `/firehose`. */
  organization: string;
  connector: { id: string; secret: string; organization: string };
  /** The public key notifications are signed with (public, as Hull's is to any signature holder). */
  publicKeyPem: string;
  setConnectorUrl(url: string): void;
  close(): Promise<void>;
}

const SEED = "hull-sandbox";

/**
 * Starts a local Hull organization with one installed connector.
 * @example const hull = await startHullSandbox({ connectorUrl: "http://127.0.0.1:8080" });
 */
export async function startHullSandbox(options: HullSandboxOptions = {}): Promise<HullSandbox> {
  const manifest =
    options.manifest ??
    (JSON.parse(readFileSync(resolve(process.cwd(), "manifest.json"), "utf8")) as Record<
      string,
      unknown
    >);
  const host = options.host ?? "127.0.0.1";
  const timeoutMs = options.notifyTimeoutMs ?? 25_000;
  const connector = createConnectorState({
    id: options.connectorId ?? derivedObjectId(`${SEED}:connector`),
    secret: options.connectorSecret ?? derivedSecret(SEED),
    organization: host,
    connectorUrl: (options.connectorUrl ?? "").replace(/\/+$/, ""),
    manifest,
  });
  const platform = new HullPlatform({
    manifest,
    connector,
    notifyDelayMs: options.notifyDelayMs ?? 1000,
    retryLimit: options.retryLimit ?? 10,
    notifyTimeoutMs: timeoutMs,
  });
  const server = await listen(createHullApp(platform, timeoutMs), options.port ?? 0, host);
  // The organization is the sandbox's own host:port, known only once it listens.
  const organization = `${host}:${server.port}`;
  connector.organization = organization;
  platform.baseUrl = server.url;
  return {
    url: server.url,
    port: server.port,
    organization,
    connector: { id: connector.id, secret: connector.secret, organization },
    publicKeyPem: platform.keys.publicKeyPem,
    setConnectorUrl: (url) => platform.setConnectorUrl(url),
    close: async () => {
      platform.close();
      await server.close();
    },
  };
}
