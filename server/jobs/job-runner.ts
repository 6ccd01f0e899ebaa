import { randomUUID } from "node:crypto";
import type { HullCredentials } from "../clients/hull/types";
import type { Logger } from "../log";
import { executeJob, type JobHandler } from "./execute-job";
import type { JobStore } from "./file-job-store";
import { EXCLUSIVE_KINDS, type Job, type JobKind, type StoredJob } from "./types";

export { JobAborted, type JobControl, type JobHandler } from "./execute-job";

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

export function newJob(credentials: HullCredentials, request: JobRequest): StoredJob {
  return {
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
}

export const isActive = (job: Job) => job.state === "running" || job.state === "queued";

/** The embedded default: jobs run in this process; their checkpoints live in the job store. */
export function createJobRunner(options: {
  store: JobStore;
  handlers: Record<JobKind, JobHandler>;
  logger: Logger;
  now?: () => Date;
}): JobRunner {
  const { store, logger } = options;
  const running = new Map<string, Promise<unknown>>();
  const abort = new AbortController();

  function run(job: StoredJob): void {
    const task = executeJob(job, { ...options, signal: abort.signal })
      .catch((error: unknown) =>
        logger.error({ job: job.id, err: error }, "job bookkeeping failed"),
      )
      .finally(() => running.delete(job.id));
    running.set(job.id, task);
  }

  return {
    async start(credentials, request) {
      if (EXCLUSIVE_KINDS.has(request.kind)) {
        const active = (await store.list(credentials.id)).find(
          (job) => job.kind === request.kind && isActive(job),
        );
        if (active) return { started: false, job: active };
      }
      const job = newJob(credentials, request);
      await store.save(job);
      run(job);
      return { started: true, job };
    },
    list: (connectorId) => store.list(connectorId),
    async resumeUnfinished() {
      const unfinished = (await store.list()).filter(
        (job) => isActive(job) && !running.has(job.id),
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
