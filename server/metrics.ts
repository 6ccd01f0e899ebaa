import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ActivityLog } from "./activity";
import type { Outbox } from "./durable/outbox";

/**
 * The process's Prometheus figures (prom-client), served by `GET /metrics`. Counters live here,
 * once per process, so an edge records a figure with one line; figures that read a store (the
 * outbox, dead letters) are gauges made per app by `createStoreGauges`. Labels are bounded sets
 * (outcomes, statuses, route patterns, counter names from the code): never a connector, a user or
 * a URL, so the page holds no personal data and its size does not grow with traffic.
 */
export const processMetrics = new Registry();
collectDefaultMetrics({ register: processMetrics, prefix: "hull_intercom_" });

const counter = (name: string, help: string, labelNames: string[] = []) =>
  new Counter({ name, help, labelNames, registers: [processMetrics] });

export const metrics = {
  /** Every HTTP answer, by route pattern (`unmatched` for 404s), method and status. */
  httpRequests: counter(
    "hull_intercom_http_requests_total",
    "HTTP requests answered, by route pattern, method and status",
    ["route", "method", "status"],
  ),
  httpDuration: new Histogram({
    name: "hull_intercom_http_request_duration_seconds",
    help: "Time to answer, by route pattern (webhooks must answer within Intercom's 5 s)",
    labelNames: ["route"],
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 25],
    registers: [processMetrics],
  }),
  /** Intercom notifications by outcome: the receiver's, or `bad_signature`, `malformed`. */
  webhooks: counter("hull_intercom_webhooks_total", "Intercom notifications received, by outcome", [
    "outcome",
  ]),
  /** The dashboard's counters (fetched contacts, outgoing users synced/failed/skipped…). */
  activity: counter(
    "hull_intercom_activity_total",
    "Work done, by the dashboard counter's name (users fetched, outgoing.users.synced…)",
    ["counter"],
  ),
  /** Jobs (fetches, extracts) that ended a run: done, failed, or paused at a checkpoint. */
  jobs: counter("hull_intercom_jobs_total", "Job runs ended, by kind and outcome", [
    "kind",
    "outcome",
  ]),
  /** Intercom requests retried, by status (`network` when none), 429s included. */
  intercomRetries: counter(
    "hull_intercom_intercom_retries_total",
    "Intercom requests retried, by the status that caused it",
    ["status"],
  ),
  /** Seconds waited for Intercom's rate budget after a 429. */
  rateLimitWait: counter(
    "hull_intercom_intercom_rate_limit_wait_seconds_total",
    "Seconds waited after Intercom answered 429",
  ),
  outboxAppended: counter(
    "hull_intercom_outbox_appended_total",
    "Appends to the outbox (acknowledged data Hull had not taken)",
  ),
  outboxReplayed: counter(
    "hull_intercom_outbox_replayed_total",
    "Outbox entries Hull accepted on a replay",
  ),
};

/** Records an Intercom retry (the `onRetry` of the Intercom HTTP client): status, wait in ms. */
export function recordIntercomRetry(retry: { status?: number; waitMs: number }): void {
  metrics.intercomRetries.inc({ status: String(retry.status ?? "network") });
  if (retry.status === 429) metrics.rateLimitWait.inc(retry.waitMs / 1000);
}

/** The same activity log, each count also added to `hull_intercom_activity_total`. */
export function countActivity(activity: ActivityLog): ActivityLog {
  return {
    ...activity,
    count(connectorId, name, by = 1) {
      activity.count(connectorId, name, by);
      metrics.activity.inc({ counter: name }, by);
    },
  };
}

/** The same outbox, its appends and successful replays counted. */
export function countOutbox<T extends Outbox>(outbox: T): T {
  const counted: Outbox = {
    ...outbox,
    async append(credentials, entries) {
      await outbox.append(credentials, entries);
      metrics.outboxAppended.inc();
    },
    async drain(write) {
      const delivered = await outbox.drain(write);
      metrics.outboxReplayed.inc(delivered);
      return delivered;
    },
  };
  return counted as T;
}

/** Stores a gauge reads at each scrape; each resolves to a count. */
export interface StoreSources {
  /** Outbox records waiting for Hull. */
  outboxRecords: () => Promise<number>;
  /**
   * Records Hull refused for good, kept with their reason. The dead-letter store plugs in here
   * (main.ts); until it does, the gauge reads 0.
   */
  deadLetters?: () => Promise<number>;
}

/**
 * The gauges of one app's stores, read when `/metrics` is scraped (a failed read is skipped).
 * `/metrics` answers anyone, and reading a store can cost a pass over every record (the file
 * outbox and dead letters are read, checksummed and parsed whole): each store is read at most once
 * per `minIntervalMs` (ms), concurrent scrapes sharing one read, so scrapes cost us nothing more.
 */
export function createStoreGauges(
  sources: StoreSources,
  { minIntervalMs = 10_000, now = Date.now }: { minIntervalMs?: number; now?: () => number } = {},
): Registry {
  const registry = new Registry();
  const atMostEvery = (read: () => Promise<number>) => {
    let last: { at: number; value: Promise<number | undefined> } | undefined;
    return () => {
      if (!last || now() - last.at >= minIntervalMs)
        last = { at: now(), value: read().catch(() => undefined) };
      return last.value;
    };
  };
  const gauge = (name: string, help: string, source?: () => Promise<number>) => {
    const read = source && atMostEvery(source);
    return new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const value = await read?.();
        if (value !== undefined) this.set(value);
      },
    });
  };
  gauge("hull_intercom_outbox_records", "Outbox records waiting for Hull", sources.outboxRecords);
  gauge(
    "hull_intercom_dead_letters",
    "Records Hull refused for good, waiting for a person (dashboard: retry)",
    sources.deadLetters,
  );
  return registry;
}
