import type { Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../log";
import { executeJob, retryDelayMs, type ExecuteOptions, type JobHandler } from "./execute-job";
import type { JobStore } from "./file-job-store";
import { isActive, msUntilRetry, newJob, type JobRunner } from "./job-runner";
import { EXCLUSIVE_KINDS, type JobKind, type StoredJob } from "./types";

export interface BullRunnerOptions {
  redis: Redis;
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
  const queue = new Queue(queueName, { connection: redis, prefix });
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

  return {
    async start(credentials, request) {
      const job = newJob(credentials, request);
      const queueId = queueIdOf(job);
      try {
        await store.save(job);
        await enqueue(job);
      } catch (error) {
        // The caller is told it failed (503), so the job must not appear later: a save a stalled
        // Redis carries out when it wakes is removed behind it, on the same connection, and a
        // queue entry without its record is skipped by the worker (found in review; ADR 029).
        await store.remove(job.id).catch(() => undefined);
        throw error;
      }
      // BullMQ keeps the first job of an id and ignores ours: whose is it?
      const holder = await queue.getJob(queueId);
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
      abort.abort();
      await worker.close();
      await queue.close();
      // BullMQ may already have ended the connection it was handed.
      if (workerConnection.status !== "end") await workerConnection.quit().catch(() => undefined);
    },
  };
}
