import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { RedisUnavailableError } from "../../../server/errors";
import { createBullJobRunner } from "../../../server/jobs/bull-job-runner";
import type { JobHandler } from "../../../server/jobs/execute-job";
import type { JobRunner } from "../../../server/jobs/job-runner";
import type { JobKind } from "../../../server/jobs/types";
import { createLogger } from "../../../server/log";
import { createRedis, createRedisKeys, type RedisKeys } from "../../../server/redis/redis-client";
import { createRedisJobStore } from "../../../server/redis/redis-job-store";
import { REDIS, startRedisProxy, type RedisProxy } from "../../helpers/redis-proxy";
import { HEAVY_TEST_MS, waitUntil } from "../../helpers/wait";

// docs/adr/029: a job's start (Hull's /sync and /fetch-leads, /batch, the dashboard's buttons)
// stores the job's record on the keys connection, then adds it to BullMQ's queue. Redis may go
// away between the two: the record was answered, the add was not. The start must then fail
// within the command timeout (a 503 to the request), not wait for Redis as BullMQ's own
// connection does, and leave no job behind: no record shown "queued", no run. The connector is
// wired as server/main.ts wires it, both connections through one proxy to Redis.

const plain = new Redis(`redis://${REDIS.host}:${REDIS.port}`, { maxRetriesPerRequest: 2 });
const prefix = `job-start-redis-away-${randomUUID()}`;
const credentials = { id: "c1", organization: "org.hullapp.io", secret: "connector-secret" };
const KIND: JobKind = "fetch-users";
/** BullMQ's id for the one fetch-users job of c1: it is in the queue's add, not in the record. */
const QUEUE_ID = `${credentials.id}-${KIND}`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  const left = await plain.keys(`${prefix}*`);
  if (left.length > 0) await plain.del(...left);
});
afterAll(() => plain.quit());

/** The runner of server/main.ts on `proxy`, and the handler runs it made. */
async function runnerThrough(proxy: RedisProxy) {
  const logger = createLogger("silent");
  const keys: RedisKeys = await createRedisKeys(proxy.url, { commandTimeoutMs: 500, logger });
  await keys.ready();
  const bull = await createRedis(proxy.url);
  const dir = mkdtempSync(join(tmpdir(), "job-start-redis-away-"));
  const runs: string[] = [];
  const handler: JobHandler = async (job) => void runs.push(job.id);
  const runner: JobRunner = await createBullJobRunner({
    redis: bull,
    producer: keys.redis,
    prefix,
    store: createRedisJobStore(keys.redis, prefix, "app-secret"),
    handlers: {
      "send-extract": handler,
      "send-account-extract": handler,
      "fetch-users": handler,
      "fetch-leads": handler,
      "fetch-companies": handler,
    },
    logger,
    redisAnswering: keys.answering,
    retryDelayMs: () => 20,
  });
  cleanups.push(async () => {
    proxy.wake();
    await runner.stop();
    keys.redis.disconnect();
    bull.disconnect();
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { keys, runner, runs };
}

/** Whether a PING on the keys connection comes back (false while Redis is away). */
const answers = (keys: RedisKeys) =>
  keys.redis.ping().then(
    () => true,
    () => false,
  );

/** How `promise` settled, once it has: its value, or the error it rejected with. */
async function settled<T>(promise: Promise<T>, what: string): Promise<T | unknown> {
  let outcome: { value: T | unknown } | undefined;
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { value: error }),
  );
  return (await waitUntil(() => outcome, { what })).value;
}

const records = () => plain.hkeys(`${prefix}:jobs`);
const queued = () => plain.exists(`${prefix}:jobs:${QUEUE_ID}`);

describe("a job's start when Redis goes away after the job's record was stored", () => {
  it(
    "Redis stalls at the queue's add: RedisUnavailableError, and once it wakes no record and no run",
    async () => {
      const proxy = await startRedisProxy();
      const { keys, runner, runs } = await runnerThrough(proxy);
      const stalled = proxy.awayFrom(QUEUE_ID, "hold");
      const start = runner.start(credentials, { kind: KIND, mode: "full" });
      await stalled;
      // Before: BullMQ's connection waited for as long as Redis stalled, and so did the request.
      expect(await settled(start, "the start to answer while Redis stalls")).toBeInstanceOf(
        RedisUnavailableError,
      );

      proxy.wake();
      await expect.poll(() => answers(keys), { timeout: 60_000 }).toBe(true);
      // The add ran when Redis woke, and the record's removal behind it: the worker takes the
      // queue's entry, finds no record and runs nothing.
      await expect.poll(queued, { timeout: 60_000 }).toBe(0);
      expect(await records()).toEqual([]);
      expect(runs).toEqual([]);

      // The kind is free again: the next start starts and runs.
      const next = await runner.start(credentials, { kind: KIND, mode: "full" });
      expect(next.started).toBe(true);
      await expect.poll(() => runs, { timeout: 60_000 }).toEqual([next.job.id]);
    },
    HEAVY_TEST_MS,
  );

  it(
    "Redis goes down at the queue's add: RedisUnavailableError, and the record is removed once Redis is back",
    async () => {
      const proxy = await startRedisProxy();
      const { keys, runner, runs } = await runnerThrough(proxy);
      const down = proxy.awayFrom(QUEUE_ID, "refuse");
      const start = runner.start(credentials, { kind: KIND, mode: "full" });
      await down;
      // Before: the add was sent again once Redis was back, and the request waited until then.
      expect(await settled(start, "the start to answer while Redis is down")).toBeInstanceOf(
        RedisUnavailableError,
      );
      // The record is there (its removal was refused too): it must not stay "queued".
      expect(await records()).toHaveLength(1);

      proxy.mode = "pass";
      await expect.poll(() => answers(keys), { timeout: 60_000 }).toBe(true);
      await expect.poll(records, { timeout: 60_000 }).toEqual([]);
      expect(await queued()).toBe(0);
      expect(runs).toEqual([]);

      const next = await runner.start(credentials, { kind: KIND, mode: "full" });
      expect(next.started).toBe(true);
      await expect.poll(() => runs, { timeout: 60_000 }).toEqual([next.job.id]);
    },
    HEAVY_TEST_MS,
  );
});
