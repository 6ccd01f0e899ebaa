import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectThroughOAuth } from "../sandbox/scenarios/connect-through-oauth";
import { SERVER_BUNDLE, buildIfStale } from "../scripts/build-if-stale";
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

/** The two stand-ins, each in a process of its own; connectors and baselines come and go. */
export interface StandIns {
  urls: { hull: string; intercom: string };
  intercom: IntercomReady;
  hull: HullReady;
  /** Hull's query credentials for the installed connector (`ship`, `organization`, `secret`). */
  credentialsQuery: string;
  /** CPU (ms) and memory each stand-in process has used so far. */
  usage(): Promise<ProcessUsage[]>;
  /** Points Intercom's webhooks and Hull's notifications at a connector. */
  wire(connectorUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** The connector in a process of its own, connected to the stand-ins through the real OAuth flow. */
export interface ConnectorProcess {
  url: string;
  pid: number;
  /** The connector process: its peak memory and CPU so far. */
  usage(): Promise<ProcessUsage>;
  /** Calls a connector route with Hull's query credentials. */
  call(path: string, method?: string): Promise<Response>;
  close(): Promise<void>;
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

/** Starts the Intercom and the Hull stand-in, each in its own process. */
export async function startStandIns(): Promise<StandIns> {
  // The Hull stand-in holds every user in memory: a 1,000,000-contact fetch needs room.
  const [intercom, hull] = await Promise.all([
    startChild<IntercomReady>(join(here, "processes/stand-in.ts"), { args: ["intercom"] }),
    startChild<HullReady>(join(here, "processes/stand-in.ts"), {
      args: ["hull"],
      nodeArgs: ["--max-old-space-size=8192"],
    }),
  ]);
  const { id, organization, secret } = hull.ready.connector;
  return {
    urls: { hull: hull.ready.url, intercom: intercom.ready.url },
    intercom: intercom.ready,
    hull: hull.ready,
    credentialsQuery: new URLSearchParams({ ship: id, organization, secret }).toString(),
    usage: () =>
      Promise.all([intercom, hull].map((child) => child.ask<ProcessUsage>({ type: "usage" }))),
    async wire(connectorUrl) {
      await Promise.all([
        intercom.ask({ type: "wire", connectorUrl }),
        hull.ask({ type: "wire", connectorUrl }),
      ]);
    },
    close: async () => void (await Promise.all([intercom.stop(), hull.stop()])),
  };
}

let bundleChecked: Promise<void> | undefined;

/**
 * The connector's program: the compiled bundle (dist/server.mjs, rebuilt once per bench run if
 * older than its sources) under plain node, as production runs it (ADR 016); with
 * BENCH_FROM_SOURCE=1, server/main.ts through tsx (no build; start-up transpiles, RSS carries tsx).
 */
async function connectorProgram(): Promise<string> {
  if (process.env.BENCH_FROM_SOURCE === "1") return join(here, "processes/connector.ts");
  bundleChecked ??= buildIfStale([SERVER_BUNDLE]);
  await bundleChecked;
  return join(here, "processes/compiled-connector.mjs");
}

/**
 * Starts a fresh connector (`server/main.ts` from its environment, its own DATA_DIR; compiled
 * unless BENCH_FROM_SOURCE=1) against the stand-ins, points their webhooks and notifications at it
 * and connects Intercom through OAuth.
 */
export async function startConnectorProcess(
  standIns: StandIns,
  options: { nodeArgs?: string[] } = {},
): Promise<ConnectorProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-connector-"));
  let connector: RunningChild<{ url: string }> | undefined;
  try {
    // BENCH_CPU_PROF=<dir>: each connector process writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROF
      ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    connector = await startChild<{ url: string }>(await connectorProgram(), {
      // BENCH_CONNECTOR_NODE_ARGS: more node/V8 flags for the connector (space-separated), to try them.
      nodeArgs: [
        ...(options.nodeArgs ?? []),
        ...profile,
        ...(process.env.BENCH_CONNECTOR_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      ],
      env: {
        PORT: "0",
        SECRET: "bench-secret-not-for-production",
        INTERCOM_CLIENT_ID: standIns.intercom.clientId,
        INTERCOM_CLIENT_SECRET: standIns.intercom.clientSecret,
        INTERCOM_API_URL: standIns.intercom.url,
        INTERCOM_OAUTH_URL: `${standIns.intercom.url}/oauth`,
        HULL_FIREHOSE_URL: `${standIns.hull.url}/firehose`,
        HULL_ALLOWED_HOSTS: standIns.hull.organization,
        OUTBOUND_ALLOW_LOOPBACK: "true",
        DATA_DIR: dataDir,
        // Paced outgoing runs log a warning per deferred notification; keep the table readable.
        LOG_LEVEL: "error",
      },
    });
    const url = connector.ready.url;
    await standIns.wire(url);
    const outcome = await connectThroughOAuth(`${url}/auth?${standIns.credentialsQuery}`);
    if (outcome.status !== 200) throw new Error(`OAuth callback answered ${outcome.status}`);
    const running = connector;
    return {
      url,
      pid: running.pid,
      usage: () => running.ask<ProcessUsage>({ type: "usage" }),
      call: (path, method = "POST") =>
        fetch(`${url}${path}${path.includes("?") ? "&" : "?"}${standIns.credentialsQuery}`, {
          method,
        }),
      async close() {
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await connector?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Stand-ins and one connector, for scenarios that measure the connector alone. */
export async function startSeparateStack(
  options: { connectorNodeArgs?: string[] } = {},
): Promise<SeparateStack> {
  const standIns = await startStandIns();
  try {
    const connector = await startConnectorProcess(standIns, {
      nodeArgs: options.connectorNodeArgs,
    });
    return {
      urls: { connector: connector.url, ...standIns.urls },
      intercom: standIns.intercom,
      credentialsQuery: standIns.credentialsQuery,
      connectorUsage: connector.usage,
      connectorCall: connector.call,
      async close() {
        await connector.close();
        await standIns.close();
      },
    };
  } catch (error) {
    await standIns.close();
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
