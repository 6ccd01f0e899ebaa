// /metrics: Prometheus text with the webhook, job, Intercom retry, outbox and dead-letter figures,
// and nothing about a connector or a person.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Outbox } from "../../server/durable/outbox";
import { countOutbox, createStoreGauges, metrics, recordIntercomRetry } from "../../server/metrics";
import { startTestStack, type Stack } from "../helpers/stack";

const valueOf = async (
  metric: { get(): Promise<{ values: { labels: object; value: number }[] }> },
  labels: Record<string, string> = {},
) =>
  (await metric.get()).values.find((entry) =>
    Object.entries(labels).every(
      ([key, value]) => (entry.labels as Record<string, unknown>)[key] === value,
    ),
  )?.value ?? 0;

describe("countOutbox(outbox)", () => {
  it("counts appends and the entries Hull accepted on a replay, and passes both through", async () => {
    const kept: unknown[] = [];
    const outbox: Outbox = {
      async append(_credentials, entries) {
        kept.push(...entries);
      },
      async drain() {
        return 3;
      },
      async size() {
        return kept.length;
      },
      async holds() {
        return kept.length > 0;
      },
    };
    const counted = countOutbox(outbox);
    const [appendedBefore, replayedBefore] = [
      await valueOf(metrics.outboxAppended),
      await valueOf(metrics.outboxReplayed),
    ];
    await counted.append({ id: "c", organization: "o", secret: "s" }, [{} as never]);
    expect(await counted.drain(async () => undefined)).toBe(3);
    expect(await counted.size()).toBe(1);
    expect(await valueOf(metrics.outboxAppended)).toBe(appendedBefore + 1);
    expect(await valueOf(metrics.outboxReplayed)).toBe(replayedBefore + 3);
  });
});

describe("recordIntercomRetry(retry)", () => {
  it("counts retries by status and the seconds waited after a 429", async () => {
    const [retries, waited] = [
      await valueOf(metrics.intercomRetries, { status: "429" }),
      await valueOf(metrics.rateLimitWait),
    ];
    recordIntercomRetry({ status: 429, waitMs: 2500 });
    recordIntercomRetry({ status: 503, waitMs: 500 });
    expect(await valueOf(metrics.intercomRetries, { status: "429" })).toBe(retries + 1);
    expect(await valueOf(metrics.rateLimitWait)).toBeCloseTo(waited + 2.5);
  });
});

describe("createStoreGauges(sources)", () => {
  it("reads the stores at each scrape, and 0 dead letters until a store is plugged in", async () => {
    let waiting = 4;
    let clock = 0;
    const withStore = createStoreGauges(
      { outboxRecords: async () => waiting, deadLetters: async () => 2 },
      { minIntervalMs: 10_000, now: () => clock },
    );
    expect(await withStore.metrics()).toMatch(/^hull_intercom_outbox_records 4$/m);
    waiting = 1;
    clock += 10_000;
    const text = await withStore.metrics();
    expect(text).toMatch(/^hull_intercom_outbox_records 1$/m);
    expect(text).toMatch(/^hull_intercom_dead_letters 2$/m);
    const withoutStore = createStoreGauges({ outboxRecords: async () => 0 });
    expect(await withoutStore.metrics()).toMatch(/^hull_intercom_dead_letters 0$/m);
  });
  it("reads a store at most once per interval, however many scrape meanwhile (/metrics answers anyone)", async () => {
    let reads = 0;
    let clock = 0;
    const gauges = createStoreGauges(
      {
        outboxRecords: async () => {
          reads += 1;
          return reads;
        },
      },
      { minIntervalMs: 10_000, now: () => clock },
    );
    const pages = await Promise.all(Array.from({ length: 20 }, () => gauges.metrics()));
    for (let scrape = 0; scrape < 20; scrape++) pages.push(await gauges.metrics());
    expect(reads).toBe(1);
    for (const page of pages) expect(page).toMatch(/^hull_intercom_outbox_records 1$/m);
    clock += 10_000;
    expect(await gauges.metrics()).toMatch(/^hull_intercom_outbox_records 2$/m);
    expect(reads).toBe(2);
  });
});

describe("GET /metrics on a running connector", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it("serves every figure in Prometheus text format, with no connector or secret in it", async () => {
    await fetch(`${stack.urls.connector}/health`);
    await fetch(`${stack.urls.connector}/intercom`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature": "sha1=00" },
      body: "{}",
    });
    const response = await fetch(`${stack.urls.connector}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const figure of [
      /^hull_intercom_webhooks_total\{outcome="bad_signature"\} [1-9]/m,
      /^hull_intercom_http_requests_total\{route="\/health",method="GET",status="200"\} [1-9]/m,
      /^hull_intercom_http_request_duration_seconds_bucket\{le="5",route="\/intercom"\} [1-9]/m,
      /^hull_intercom_outbox_records 0$/m,
      /^hull_intercom_dead_letters 0$/m,
      /^# TYPE hull_intercom_jobs_total counter$/m,
      /^# TYPE hull_intercom_activity_total counter$/m,
      /^# TYPE hull_intercom_intercom_retries_total counter$/m,
      /^# TYPE hull_intercom_intercom_rate_limit_wait_seconds_total counter$/m,
      /^# TYPE hull_intercom_outbox_replayed_total counter$/m,
      /^hull_intercom_nodejs_eventloop_lag_seconds /m,
    ])
      expect(text).toMatch(figure);
    const { id, secret } = stack.hull.connector;
    expect(text).not.toContain(id);
    expect(text).not.toContain(secret);
  });
});
