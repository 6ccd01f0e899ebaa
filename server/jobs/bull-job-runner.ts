import type { Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../log";
import { executeJob, retryDelayMs, type ExecuteOptions, type JobHandler } from "./execute-job";
import type { JobStore } from "./file-job-store";
import { isActive, msUntilRetry, newJob, type JobRunner } from "./job-runner";
import { EXCLUSIVE_KINDS, type JobKind, type StoredJob } from "./types";

export interface BullRunnerOptions {
  /** BullMQ's own connection (`createRedis`): the worker's, which waits for Redis as BullMQ requires. */
  redis: Redis;
  /**
   * The connection the queue adds and reads jobs on, for requests (`start`) and `resumeUnfinished`:
   * the keys connection (`createRedisKeys`), so that a start fails within its command timeout with
   * RedisUnavailableError instead of waiting for Redis, on the same connection as the job's record
   * (docs/adr/029). Default `redis` (tests without a request waiting).
   */
  producer?: Redis;
  prefix: string;
  store: JobStore;
  handlers: Record<JobKind, JobHandler>;
  logger: Logger;
  /** How long a job stays locked to a silent process before another takes it over. */
  lockMs?: number;
  concurrency?: number;
  /** Overrides the wait between tries of a job after a transient failure (tests). */
  retryDelayMs?: ExecuteOptions["retryDelayMs"];
  /** Told how each run ended (the activity log), as `executeJob` says. */
  onEnd?: ExecuteOptions["onEnd"];
  /** Whether Redis answers the keys connection (docs/adr/029): BullMQ's errors are quieter when not. */
  redisAnswering?: () => boolean;
}

/** How long (ms) between tries to remove the record of a job whose start failed, while Redis refuses. */
const REMOVE_BEHIND_MS = 1000;

/**
 * Runs of one job whose state the job store refused (Redis answering errors) that BullMQ tries
 * again, spaced as `retryDelayMs` spaces tries (5 s doubling, at most 15 minutes): about two days.
 */
const STORE_REFUSED_ATTEMPTS = 200;

/**
 * Scale-out: jobs go through a BullMQ queue in Redis, so any connector process can run them, and a
 * job whose process died is taken over by another once its lock lapses — from the checkpoint the job
 * store keeps. One fetch of a kind per connector across all processes: the queue's job id is
 * `<connector>-<kind>`, and BullMQ ignores a second job with an id it still holds. BullMQ is loaded
 * here, on first use (a dynamic import the bundle keeps): the embedded mode never loads it.
 */
export async function createBullJobRunner(options: BullRunnerOptions): Promise<JobRunner> {
  const { DelayedError, Queue, Worker } = await import("bullmq");
  const { redis, prefix, store, handlers, logger, lockMs = 30_000 } = options;
  const queueName = "jobs";
  // The queue's commands (add, getJob) run on the producer connection: bounded, never queued
  // while Redis is away, never resent (BullMQ: "failing fast when Redis is down"; a Queue holds no
  // blocking command, so BullMQ asks nothing of its connection's retries). The worker keeps
  // BullMQ's own connection.
  const queue = new Queue(queueName, { connection: options.producer ?? redis, prefix });
  const abort = new AbortController();
  const workerConnection = redis.duplicate();
  const worker = new Worker(
    queueName,
    async (bullJob: BullJob<{ jobId: string }>, token?: string) => {
      const job = await store.get(bullJob.data.jobId);
      if (!job || !isActive(job)) return;
      // A job brought back early (BullMQ's stalled recovery after a process died between saving
      // the retry and delaying it) waits for its time all the same.
      const wait = msUntilRetry(job);
      if (wait > 0) {
        await bullJob.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
      const outcome = await executeJob(job, {
        store,
        handlers,
        logger,
        signal: abort.signal,
        retryDelayMs: options.retryDelayMs,
        onEnd: options.onEnd,
      });
      if (outcome === "paused" || outcome === "retry") {
        // Back to the queue for whichever process is still (or next) running: at once after a
        // shutdown, at its next try after a transient failure (docs/adr/025).
        await bullJob.moveToDelayed(Date.now() + Math.max(50, msUntilRetry(job)), token);
        throw new DelayedError();
      }
    },
    {
      connection: workerConnection,
      prefix,
      concurrency: options.concurrency ?? 4,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      maxStalledCount: 100,
      // Only a run whose state the job store refused throws here (a handler's own failures are
      // the job's outcome, saved by executeJob): BullMQ runs it again from its saved checkpoint.
      settings: {
        backoffStrategy: (attemptsMade) => (options.retryDelayMs ?? retryDelayMs)(attemptsMade),
      },
    },
  );
  // While Redis is known to be away (the keys connection says so, and logs it once), BullMQ's
  // connections report the same outage every few seconds: those lines go to debug.
  const levelFor = () => (options.redisAnswering?.() === false ? "debug" : "error");
  worker.on("error", (error) => logger[levelFor()]({ err: error }, "job worker error"));
  queue.on("error", (error) => logger[levelFor()]({ err: error }, "job queue error"));
  workerConnection.on("error", (error) =>
    logger.debug({ err: error }, "job worker connection error"),
  );
  // With the queue on the producer, nothing of BullMQ listens to the connection it was handed
  // (the worker's is its duplicate): without a listener, ioredis prints each error of an outage.
  redis.on("error", (error) => logger.debug({ err: error }, "job connection error"));

  const queueIdOf = (job: StoredJob) =>
    EXCLUSIVE_KINDS.has(job.kind) ? `${job.connectorId}-${job.kind}` : job.id;
  const enqueue = (job: StoredJob, delay = 0) =>
    queue.add(
      job.kind,
      { jobId: job.id },
      {
        jobId: queueIdOf(job),
        delay,
        removeOnComplete: true,
        removeOnFail: true,
        attempts: STORE_REFUSED_ATTEMPTS,
        backoff: { type: "store-refused" },
      },
    );

  // Records of jobs whose start failed and whose removal Redis refused too: removed once it takes
  // commands again, so that no record of a start the caller was told failed is shown "queued" or
  // queued anew by `resumeUnfinished`.
  const removeBehind = new Set<string>();
  let removing: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Whether the record is gone; false when the store refused (Redis away). */
  const removed = (id: string) =>
    store.remove(id).then(
      () => true,
      () => false,
    );
  const retryRemovals = () => {
    if (removing || stopped || removeBehind.size === 0) return;
    removing = setTimeout(() => {
      void (async () => {
        for (const id of [...removeBehind]) if (await removed(id)) removeBehind.delete(id);
        removing = undefined;
        retryRemovals();
      })();
    }, REMOVE_BEHIND_MS);
    removing.unref();
  };
  const removeRecord = async (id: string) => {
    if (await removed(id)) return;
    removeBehind.add(id);
    retryRemovals();
  };

  return {
    async start(credentials, request) {
      const job = newJob(credentials, request);
      const queueId = queueIdOf(job);
      let holder: BullJob<{ jobId: string }> | undefined;
      try {
        await store.save(job);
        await enqueue(job);
        // BullMQ keeps the first job of an id and ignores ours: whose is it?
        holder = await queue.getJob(queueId);
      } catch (error) {
        // The caller is told it failed (503), so the job must not appear later. A save or an add
        // a stalled Redis carries out when it wakes is followed by the record's removal, sent
        // behind them on the same connection: the worker skips a queue entry without its record
        // (found in review; ADR 029). A removal Redis refuses is tried again until it takes it.
        await removeRecord(job.id);
        throw error;
      }
      if (!holder || holder.data.jobId === job.id) return { started: true, job };
      await store.remove(job.id);
      return { started: false, job: (await store.get(holder.data.jobId)) ?? job };
    },
    list: (connectorId) => store.list(connectorId),
    // BullMQ itself hands jobs left by a dead process to a live one. A job the store holds as
    // unfinished but the queue lost (a Redis error while it was moved to the delayed set, or
    // while it was added) would never run again: it is queued anew, at its next try's time. One
    // still in the queue is left alone, and the worker skips a job that has ended meanwhile.
    async resumeUnfinished() {
      let requeued = 0;
      for (const job of (await store.list()).filter(isActive)) {
        if (await queue.getJob(queueIdOf(job))) continue;
        await enqueue(job, msUntilRetry(job));
        requeued++;
      }
      return requeued;
    },
    async stop() {
      stopped = true;
      clearTimeout(removing);
      abort.abort();
      await worker.close();
      await queue.close();
      // BullMQ may already have ended the connection it was handed.
      if (workerConnection.status !== "end") await workerConnection.quit().catch(() => undefined);
    },
  };
}
