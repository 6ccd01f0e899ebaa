import { RetryableError } from "../errors";
import type { Logger } from "../log";
import { metrics } from "../metrics";
import type { JobStore } from "./file-job-store";
import type { Job, JobKind, JobProgress, StoredJob } from "./types";

export interface JobControl {
  /** Saves the checkpoint and progress; after a restart the job resumes from the last one saved. */
  checkpoint(update: {
    checkpoint?: Record<string, unknown>;
    progress?: Partial<JobProgress>;
  }): Promise<void>;
  /** Aborted when the process shuts down: stop between pages and leave the job resumable. */
  signal: AbortSignal;
}

export type JobHandler = (job: StoredJob, control: JobControl) => Promise<void>;

/** Thrown by a handler that stopped at a checkpoint because the process is going away. */
export class JobAborted extends Error {}

/**
 * How long (ms) a job keeps trying again after the first of a run of transient failures with no
 * checkpoint between them, before it fails.
 */
export const RETRY_WINDOW_MS = 24 * 3600 * 1000;

/**
 * The wait (ms) before try `attempts + 1` of a job: what the failure asked for (a rate limit's
 * reset) when that is longer, else 5 s doubled per try; at most 15 minutes either way, so an
 * outage of an hour costs ~10 tries and no upstream answer can park a job for long.
 */
export function retryDelayMs(attempts: number, retryAfterMs?: number): number {
  const backoff = 5000 * 2 ** Math.max(0, attempts - 1);
  return Math.min(15 * 60_000, Math.max(retryAfterMs ?? 0, backoff));
}

/**
 * Whether a job that threw `error` is queued again rather than failed: a RetryableError within
 * RETRY_WINDOW_MS of the first transient failure since its last checkpoint (`now` when this is
 * the first).
 */
export function willRetry(job: Job, error: unknown, now = new Date()): boolean {
  const since = job.retry ? Date.parse(job.retry.since) : now.getTime();
  return error instanceof RetryableError && now.getTime() - since < RETRY_WINDOW_MS;
}

export interface ExecuteOptions {
  store: JobStore;
  handlers: Record<JobKind, JobHandler>;
  logger: Logger;
  signal: AbortSignal;
  now?: () => Date;
  /** Overrides `retryDelayMs` (tests). */
  retryDelayMs?: (attempts: number, retryAfterMs?: number) => number;
  /**
   * Told how a run ended once that outcome is decided and saved, with the handler's error when it
   * threw: the one place the activity log learns it (activity-entries.ts), so the log says what
   * the runner decided. Not called when saving the outcome failed (the run is tried again).
   * What it throws is logged and ignored.
   */
  onEnd?: (job: StoredJob, outcome: JobOutcome, error?: unknown) => void;
}

/**
 * What became of a run: finished, failed for good, stopped at a checkpoint by a shutdown, or
 * waiting to try again at `job.retry.at` after a transient failure (the job is queued again).
 */
export type JobOutcome = "done" | "failed" | "paused" | "retry";

/**
 * Runs one job to its end, or to a checkpoint when the process stops; the same for every queue.
 * A RetryableError (Hull or Intercom down, a 5xx, a rate limit) does not fail the job: it is
 * queued again from its checkpoint, for up to RETRY_WINDOW_MS without progress, so
 * that what Hull was told is accepted (an extract) is not lost to an outage (docs/adr/025).
 * A checkpoint the job store cannot save counts as such a failure. Throws what the job store
 * throws when it cannot save the job's state at its start or its outcome; the runner then runs
 * it again later (job-runner.ts, bull-job-runner.ts), so no job is stranded by its store.
 */
export async function executeJob(job: StoredJob, options: ExecuteOptions): Promise<JobOutcome> {
  const { store, handlers, logger, signal } = options;
  const clock = () => options.now?.() ?? new Date();
  const now = () => clock().toISOString();
  job.state = "running";
  job.started_at ??= now();
  await store.save(job);
  logger.info(
    { connector: job.connectorId, job: job.id, kind: job.kind, mode: job.mode },
    "job started",
  );
  const control: JobControl = {
    signal,
    async checkpoint(update) {
      if (update.checkpoint) {
        job.checkpoint = { ...job.checkpoint, ...update.checkpoint };
        // Progress after a transient failure: the outage is over. A later one starts its own
        // window and backoff, so a long job is not failed for two blips a day apart.
        delete job.retry;
      }
      if (update.progress) job.progress = { ...job.progress, ...update.progress };
      try {
        await store.save(job);
      } catch (error) {
        // A full disk or Redis away is the job store's outage, not the job's fault: the job goes
        // on from its last saved checkpoint once the store takes writes again.
        throw new RetryableError(
          `The job's checkpoint could not be saved: ${(error as Error).message}`,
        );
      }
    },
  };
  const ended = (outcome: JobOutcome, error?: unknown) => tellEnd(options, job, outcome, error);
  let failure: unknown;
  try {
    await handlers[job.kind](job, control);
    job.state = "done";
    delete job.retry;
    delete job.error;
    logger.info(
      { connector: job.connectorId, job: job.id, kind: job.kind, progress: job.progress },
      "job finished",
    );
  } catch (error) {
    if (error instanceof JobAborted || signal.aborted) {
      logger.info(
        { connector: job.connectorId, job: job.id },
        "job paused at its checkpoint; it resumes on the next start",
      );
      metrics.jobs.inc({ kind: job.kind, outcome: "paused" });
      return ended("paused", error);
    }
    job.error = (error as Error).message;
    if (willRetry(job, error, clock())) {
      const since = job.retry?.since ?? now();
      const attempts = (job.retry?.attempts ?? 0) + 1;
      const after = (error as RetryableError).retryAfterMs;
      const delay = (options.retryDelayMs ?? retryDelayMs)(attempts, after);
      job.state = "queued";
      job.retry = { attempts, since, at: new Date(clock().getTime() + delay).toISOString() };
      await store.save(job);
      logger.warn(
        { connector: job.connectorId, job: job.id, kind: job.kind, err: error, retry: job.retry },
        `job will try again in ${Math.round(delay / 1000)} s from its checkpoint`,
      );
      metrics.jobs.inc({ kind: job.kind, outcome: "retry" });
      return ended("retry", error);
    }
    job.state = "failed";
    delete job.retry;
    failure = error;
    logger.error(
      { connector: job.connectorId, job: job.id, kind: job.kind, err: error },
      "job failed",
    );
  }
  job.finished_at = now();
  return saveOutcome(job, options, failure);
}

function tellEnd(
  options: Pick<ExecuteOptions, "logger" | "onEnd">,
  job: StoredJob,
  outcome: JobOutcome,
  error?: unknown,
): JobOutcome {
  try {
    options.onEnd?.(job, outcome, error);
  } catch (failure) {
    options.logger.error({ job: job.id, err: failure }, "recording the end of a job failed");
  }
  return outcome;
}

/**
 * Saves the outcome of a job that ended (`state` done or failed), counts it and tells `onEnd`,
 * with `error` the failure. Throws what the job store throws; a runner whose store refused an
 * outcome calls this again later rather than running the job again.
 */
export async function saveOutcome(
  job: StoredJob,
  options: Pick<ExecuteOptions, "store" | "logger" | "onEnd">,
  error?: unknown,
): Promise<JobOutcome> {
  await options.store.save(job);
  const outcome = job.state === "done" ? "done" : "failed";
  metrics.jobs.inc({ kind: job.kind, outcome });
  return tellEnd(options, job, outcome, error);
}
