import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectThroughOAuth } from "../sandbox/scenarios/connect-through-oauth";
import { startChild, type ProcessUsage, type RunningChild } from "./child-process";

interface IntercomReady {
  url: string;
  appId: string;
  clientId: string;
  clientSecret: string;
}
interface HullReady {
  url: string;
  organization: string;
  connector: { id: string; secret: string; organization: string };
}

/** The connector and each stand-in in a process of its own, connected through OAuth. */
export interface SeparateStack {
  urls: { connector: string; hull: string; intercom: string };
  intercom: IntercomReady;
  credentialsQuery: string;
  /** The connector process: its peak memory and CPU so far. */
  connectorUsage(): Promise<ProcessUsage>;
  /** Calls a connector route with Hull's query credentials. */
  connectorCall(path: string, method?: string): Promise<Response>;
  close(): Promise<void>;
}

const here = import.meta.dirname;

export async function startSeparateStack(
  options: { connectorNodeArgs?: string[] } = {},
): Promise<SeparateStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-connector-"));
  const children: RunningChild<unknown>[] = [];
  try {
    // The Hull stand-in holds every user in memory: a 1,000,000-contact fetch needs room.
    const [intercom, hull] = await Promise.all([
      startChild<IntercomReady>(join(here, "processes/stand-in.ts"), { args: ["intercom"] }),
      startChild<HullReady>(join(here, "processes/stand-in.ts"), {
        args: ["hull"],
        nodeArgs: ["--max-old-space-size=8192"],
      }),
    ]);
    children.push(intercom, hull);
    const connector = await startChild<{ url: string }>(join(here, "processes/connector.ts"), {
      nodeArgs: options.connectorNodeArgs,
      env: {
        PORT: "0",
        SECRET: "bench-secret-not-for-production",
        INTERCOM_CLIENT_ID: intercom.ready.clientId,
        INTERCOM_CLIENT_SECRET: intercom.ready.clientSecret,
        INTERCOM_API_URL: intercom.ready.url,
        INTERCOM_OAUTH_URL: `${intercom.ready.url}/oauth`,
        HULL_FIREHOSE_URL: `${hull.ready.url}/firehose`,
        HULL_ALLOWED_HOSTS: hull.ready.organization,
        OUTBOUND_ALLOW_LOOPBACK: "true",
        DATA_DIR: dataDir,
        // Paced outgoing runs log a warning per deferred notification; keep the table readable.
        LOG_LEVEL: "error",
      },
    });
    children.push(connector);
    const connectorUrl = connector.ready.url;
    await Promise.all([
      intercom.ask({ type: "wire", connectorUrl }),
      hull.ask({ type: "wire", connectorUrl }),
    ]);
    const { id, organization, secret } = hull.ready.connector;
    const credentialsQuery = new URLSearchParams({ ship: id, organization, secret }).toString();
    const outcome = await connectThroughOAuth(`${connectorUrl}/auth?${credentialsQuery}`);
    if (outcome.status !== 200) throw new Error(`OAuth callback answered ${outcome.status}`);
    return {
      urls: { connector: connectorUrl, hull: hull.ready.url, intercom: intercom.ready.url },
      intercom: intercom.ready,
      credentialsQuery,
      connectorUsage: () => connector.ask<ProcessUsage>({ type: "usage" }),
      connectorCall: (path, method = "POST") =>
        fetch(`${connectorUrl}${path}${path.includes("?") ? "&" : "?"}${credentialsQuery}`, {
          method,
        }),
      async close() {
        await Promise.all(children.map((child) => child.stop()));
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** POSTs JSON to a stand-in's control API and fails loudly on anything but 2xx. */
export async function control(url: string, body: unknown = {}, method = "POST"): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "GET" ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}
