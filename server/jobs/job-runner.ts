import { randomUUID } from "node:crypto";
import type { HullCredentials } from "../clients/hull/types";
import type { Logger } from "../log";
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

export interface JobRequest {
  kind: JobKind;
  mode: Job["mode"];
  params?: Job["params"];
}

export interface JobRunner {
  /** Starts a job unless one of the same kind is already running for the connector. */
  start(
    credentials: HullCredentials,
    request: JobRequest,
  ): Promise<{ started: boolean; job: StoredJob }>;
  list(connectorId: string): Promise<StoredJob[]>;
  /** Picks up jobs a previous process left unfinished. */
  resumeUnfinished(): Promise<number>;
  /** Stops running jobs at their next checkpoint, leaving them resumable. */
  stop(): Promise<void>;
}

export class JobAborted extends Error {}

export function createJobRunner(options: {
  store: JobStore;
  handlers: Record<JobKind, JobHandler>;
  logger: Logger;
  now?: () => Date;
}): JobRunner {
  const { store, handlers, logger } = options;
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const running = new Map<string, Promise<void>>();
  const abort = new AbortController();

  function run(job: StoredJob): void {
    const task = (async () => {
      job.state = "running";
      job.started_at ??= now();
      await store.save(job);
      logger.info(
        { connector: job.connectorId, job: job.id, kind: job.kind, mode: job.mode },
        "job started",
      );
      const control: JobControl = {
        signal: abort.signal,
        async checkpoint(update) {
          if (update.checkpoint) job.checkpoint = { ...job.checkpoint, ...update.checkpoint };
          if (update.progress) job.progress = { ...job.progress, ...update.progress };
          await store.save(job);
        },
      };
      try {
        await handlers[job.kind](job, control);
        job.state = "done";
        job.finished_at = now();
        logger.info(
          { connector: job.connectorId, job: job.id, kind: job.kind, progress: job.progress },
          "job finished",
        );
      } catch (error) {
        if (error instanceof JobAborted || abort.signal.aborted) {
          logger.info(
            { connector: job.connectorId, job: job.id },
            "job paused for shutdown; it resumes on the next start",
          );
          return;
        }
        job.state = "failed";
        job.finished_at = now();
        job.error = (error as Error).message;
        logger.error(
          { connector: job.connectorId, job: job.id, kind: job.kind, err: error },
          "job failed",
        );
      }
      await store.save(job);
    })()
      .catch((error: unknown) =>
        logger.error({ job: job.id, err: error }, "job bookkeeping failed"),
      )
      .finally(() => running.delete(job.id));
    running.set(job.id, task);
  }

  return {
    async start(credentials, request) {
      const active = (await store.list(credentials.id)).find(
        (job) => job.kind === request.kind && (job.state === "running" || job.state === "queued"),
      );
      if (active) return { started: false, job: active };
      const job: StoredJob = {
        id: randomUUID(),
        connectorId: credentials.id,
        credentials,
        kind: request.kind,
        mode: request.mode,
        params: request.params ?? {},
        state: "queued",
        checkpoint: {},
        progress: { fetched: 0, errors: 0 },
      };
      await store.save(job);
      run(job);
      return { started: true, job };
    },
    list: (connectorId) => store.list(connectorId),
    async resumeUnfinished() {
      const unfinished = (await store.list()).filter(
        (job) => (job.state === "running" || job.state === "queued") && !running.has(job.id),
      );
      for (const job of unfinished) run(job);
      return unfinished.length;
    },
    async stop() {
      abort.abort();
      await Promise.allSettled([...running.values()]);
    },
  };
}
