// Webhooks (DESIGN.md §8): a sustained burst of signed notifications from a separate process; each
// must reach Hull exactly once. Measured alternately with a receiver built on Hull's connector
// framework and with a bare node:http server that only checks signatures, the limit (ADR 015).
import { join } from "node:path";
import { positiveOption } from "../options";
import { startChild, type ProcessUsage, type RunningChild } from "../child-process";
import {
  alternate,
  loadPerCore,
  loadPolicy,
  loadRows,
  spread,
  waitForQuiet,
  watchOtherLoad,
} from "../compare";
import type { BurstRequest, BurstResult } from "../processes/webhook-sender";
import { atLeast, atMost, figure, median, tidy, type Measurement, type Mode } from "../results";
import { control, startConnectorProcess, startStandIns, type StandIns } from "../separate-stack";

const sizes = {
  quick: { count: 300, redeliveries: 10, contacts: 10, concurrency: 16, rounds: 1 },
  full: { count: 20_000, redeliveries: 200, contacts: 200, concurrency: 32, rounds: 3 },
};

interface HullUser {
  events: { event: string; event_id: string }[];
}

interface Run {
  burst: BurstResult;
  /** The receiver's whole CPU (ms) by the end of the run (for the load check). */
  lifetimeCpuMs: number;
  /** The receiver's CPU (ms) from the burst's start to its end: start-up left out. */
  burstCpuMs: number;
  /** Distinct notifications without their Hull event, and events beyond one per notification. */
  missing: number;
  extra: number;
}

type Size = (typeof sizes)[Mode];

async function burstAt(
  sender: RunningChild<object>,
  standIns: StandIns,
  url: string,
  size: Size,
): Promise<Omit<Run, "lifetimeCpuMs" | "burstCpuMs">> {
  const burst: BurstRequest = {
    url,
    secret: standIns.intercom.clientSecret,
    appId: standIns.intercom.appId,
    count: size.count,
    redeliveries: size.redeliveries,
    contacts: size.contacts,
    concurrency: size.concurrency,
  };
  const result = await sender.ask<BurstResult>({ type: "burst", ...burst });
  const users = (await control(`${standIns.urls.hull}/_sandbox/users`, {}, "GET")) as HullUser[];
  const eventIds = users.flatMap((user) =>
    user.events
      .filter((event) => event.event === "User started conversation")
      .map((event) => event.event_id),
  );
  return {
    burst: result,
    missing: size.count - new Set(eventIds).size,
    extra: eventIds.length - size.count,
  };
}

/** One run against a fresh receiver process, into an empty Hull. */
async function round(
  standIns: StandIns,
  sender: RunningChild<object>,
  size: Size,
  receiver: "connector" | "hull-framework" | "raw" | "bare",
): Promise<Run> {
  await control(`${standIns.urls.hull}/_sandbox/reset`);
  if (receiver === "connector") {
    const connector = await startConnectorProcess(standIns);
    try {
      const before = (await connector.usage()).cpu_ms;
      const run = await burstAt(sender, standIns, `${connector.url}/intercom`, size);
      const after = (await connector.usage()).cpu_ms;
      return { ...run, lifetimeCpuMs: after, burstCpuMs: after - before };
    } finally {
      await connector.close();
    }
  }
  const child = await startChild<{ url: string }>(
    join(import.meta.dirname, `../baselines/${receiver}-webhooks.ts`),
    {
      env: {
        INTERCOM_CLIENT_SECRET: standIns.intercom.clientSecret,
        HULL_URL: standIns.urls.hull,
        HULL_CONNECTOR_ID: standIns.hull.connector.id,
        HULL_CONNECTOR_SECRET: standIns.hull.connector.secret,
        HULL_ORGANIZATION: standIns.hull.connector.organization,
      },
    },
  );
  try {
    // Hull's framework finds its connector from the query (ship, organization, secret).
    const query = receiver === "hull-framework" ? `?${standIns.credentialsQuery}` : "";
    const usage = async () => (await child.ask<ProcessUsage>({ type: "usage" })).cpu_ms;
    const before = await usage();
    const run = await burstAt(sender, standIns, `${child.ready.url}/intercom${query}`, size);
    const after = await usage();
    return { ...run, lifetimeCpuMs: after, burstCpuMs: after - before };
  } finally {
    await child.stop();
  }
}

const rate = (run: Run) => run.burst.sent / run.burst.seconds;
/**
 * Receiver CPU (ms) per notification sent in the burst: steadier than the rate on a shared
 * machine, since another process's load takes wall time from the receiver but not its CPU.
 */
const cpuPerNotification = (run: Run) => run.burstCpuMs / run.burst.sent;
const cpuS = (usages: ProcessUsage[]) =>
  usages.reduce((sum, usage) => sum + usage.cpu_ms, 0) / 1000;

function comparisonRows(runs: Record<string, Run[]>): Measurement[] {
  const connector = runs.connector!;
  const framework = runs["hull-framework"]!;
  const bare = runs.bare!;
  const floor = runs.raw!;
  const each = (list: Run[], figureOf: (run: Run) => number) => spread(list.map(figureOf));
  const ratio = (other: Run[]) =>
    spread(connector.map((run, index) => rate(run) / rate(other[index]!)));
  const sent = connector[0]!.burst.sent;
  return [
    figure("notifications sent per run (with redeliveries)", sent, "requests"),
    atLeast(
      "answered 200",
      tidy(Math.min(...connector.map((run) => (run.burst.statuses["200"] ?? 0) / run.burst.sent))),
      "share",
      1,
    ),
    median("verified notifications per second", each(connector, rate), "notifications/s", {
      min: 2_000,
    }),
    median(
      "acknowledgement time p50",
      each(connector, (run) => run.burst.p50_ms),
      "ms",
    ),
    median(
      "acknowledgement time p99",
      each(connector, (run) => run.burst.p99_ms),
      "ms",
      {
        under: 100,
      },
    ),
    // Exactly once: one Hull event per distinct notification, none missing, none doubled.
    atMost(
      "distinct notifications missing in Hull",
      Math.max(...connector.map((run) => run.missing)),
      "notifications",
      0,
    ),
    atMost(
      "events in Hull beyond one per notification",
      Math.max(...connector.map((run) => run.extra)),
      "events",
      0,
    ),
    median(
      "Hull-framework receiver: notifications per second",
      each(framework, rate),
      "notifications/s",
    ),
    median(
      "Hull-framework receiver: p50",
      each(framework, (run) => run.burst.p50_ms),
      "ms",
    ),
    median(
      "Hull-framework receiver: p99",
      each(framework, (run) => run.burst.p99_ms),
      "ms",
    ),
    median(
      "raw storing floor (node:http, HMAC, one signed Hull event, batched): notifications per second",
      each(floor, rate),
      "notifications/s",
    ),
    median(
      "raw storing floor: p99",
      each(floor, (run) => run.burst.p99_ms),
      "ms",
    ),
    median("bare node:http limit: notifications per second", each(bare, rate), "notifications/s"),
    median(
      "bare node:http limit: p50",
      each(bare, (run) => run.burst.p50_ms),
      "ms",
    ),
    median(
      "bare node:http limit: p99",
      each(bare, (run) => run.burst.p99_ms),
      "ms",
    ),
    median("receiver CPU per notification: connector", each(connector, cpuPerNotification), "ms"),
    median(
      "receiver CPU per notification: raw storing floor",
      each(floor, cpuPerNotification),
      "ms",
    ),
    median(
      "receiver CPU per notification: bare node:http limit",
      each(bare, cpuPerNotification),
      "ms",
    ),
    median(
      "CPU per notification, connector ÷ raw storing floor (above 1: the connector costs more)",
      spread(
        connector.map((run, index) => cpuPerNotification(run) / cpuPerNotification(floor[index]!)),
      ),
      "×",
    ),
    median("notifications/s, connector ÷ Hull-framework receiver", ratio(framework), "×", {
      min: 1.5,
    }),
    median("notifications/s, connector ÷ bare limit", ratio(bare), "×", { min: 0.5 }),
    median("notifications/s, connector ÷ raw storing floor", ratio(floor), "×"),
    median(
      "notifications/s, raw storing floor ÷ bare limit (the most a receiver that stores reaches)",
      spread(floor.map((run, index) => rate(run) / rate(bare[index]!))),
      "×",
    ),
  ];
}

export async function benchWebhooks(mode: Mode, args: string[] = []): Promise<Measurement[]> {
  const count = positiveOption(args, "webhook-count");
  const size = { ...sizes[mode], ...(count ? { count } : {}) };
  const policy = loadPolicy(args, mode === "quick");
  const standIns = await startStandIns();
  const sender = await startChild<object>(
    join(import.meta.dirname, "../processes/webhook-sender.ts"),
  );
  try {
    const refusedBefore = await waitForQuiet(policy);
    if (refusedBefore) {
      console.error(`bench: webhooks comparison refused: ${refusedBefore}`);
      return [
        atMost(
          `comparison refused: ${refusedBefore}`,
          tidy(loadPerCore()),
          "load/core",
          policy.maxLoadPerCore,
        ),
      ];
    }
    const loadBefore = loadPerCore();
    const othersBefore = cpuS([
      ...(await standIns.usage()),
      await sender.ask<ProcessUsage>({ type: "usage" }),
    ]);
    const parentBefore = process.cpuUsage();
    const watch = watchOtherLoad();
    const runs = await alternate(size.rounds, {
      connector: () => round(standIns, sender, size, "connector"),
      "hull-framework": () => round(standIns, sender, size, "hull-framework"),
      raw: () => round(standIns, sender, size, "raw"),
      bare: () => round(standIns, sender, size, "bare"),
    });
    const parent = process.cpuUsage(parentBefore);
    const ours =
      cpuS([...(await standIns.usage()), await sender.ask<ProcessUsage>({ type: "usage" })]) -
      othersBefore +
      Object.values(runs)
        .flat()
        .reduce((sum, run) => sum + run.lifetimeCpuMs / 1000, 0) +
      (parent.user + parent.system) / 1e6;
    const load = loadRows(loadBefore, watch.stop(ours), policy);
    if (load.refused) {
      console.error(`bench: webhooks comparison refused: ${load.refused}`);
      return [
        ...load.rows,
        atMost(
          `comparison refused: ${load.refused}`,
          tidy(loadPerCore()),
          "load/core",
          policy.maxLoadPerCore,
        ),
      ];
    }
    return [...load.rows, ...comparisonRows(runs)];
  } finally {
    await sender.stop();
    await standIns.close();
  }
}
