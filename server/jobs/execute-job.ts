import type { Logger } from "../log";
import { metrics } from "../metrics";
import type { JobStore } from "./file-job-store";
import type { JobKind, JobProgress, StoredJob } from "./types";

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

export interface ExecuteOptions {
  store: JobStore;
  handlers: Record<JobKind, JobHandler>;
  logger: Logger;
  signal: AbortSignal;
  now?: () => Date;
}

/** Runs one job to its end, or to a checkpoint when the process stops; the same for every queue. */
export async function executeJob(
  job: StoredJob,
  options: ExecuteOptions,
): Promise<"done" | "failed" | "paused"> {
  const { store, handlers, logger, signal } = options;
  const now = () => (options.now?.() ?? new Date()).toISOString();
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
      if (update.checkpoint) job.checkpoint = { ...job.checkpoint, ...update.checkpoint };
      if (update.progress) job.progress = { ...job.progress, ...update.progress };
      await store.save(job);
    },
  };
  try {
    await handlers[job.kind](job, control);
    job.state = "done";
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
      return "paused";
    }
    job.state = "failed";
    job.error = (error as Error).message;
    logger.error(
      { connector: job.connectorId, job: job.id, kind: job.kind, err: error },
      "job failed",
    );
  }
  job.finished_at = now();
  await store.save(job);
  metrics.jobs.inc({ kind: job.kind, outcome: job.state });
  return job.state;
}
