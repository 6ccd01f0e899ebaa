import { randomUUID } from "node:crypto";
import type { HullCredentials } from "../clients/hull/types";
import type { Logger } from "../log";
import { executeJob, type ExecuteOptions, type JobHandler } from "./execute-job";
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

/** Ms until a queued job's next try (docs/adr/025), 0 when it may run now. */
export function msUntilRetry(job: Job, now = Date.now()): number {
  return job.retry ? Math.max(0, Date.parse(job.retry.at) - now) : 0;
}

/** The embedded default: jobs run in this process; their checkpoints live in the job store. */
export function createJobRunner(
  options: {
    store: JobStore;
    handlers: Record<JobKind, JobHandler>;
    logger: Logger;
  } & Pick<ExecuteOptions, "now" | "retryDelayMs">,
): JobRunner {
  const { store, logger } = options;
  // A job is here from its start until it ends, waits for its next try included, so that
  // `resumeUnfinished` never runs it twice.
  const running = new Map<string, Promise<unknown>>();
  const clock = () => (options.now?.() ?? new Date()).getTime();
  const waiting = new Set<NodeJS.Timeout>();
  const abort = new AbortController();

  function run(job: StoredJob): void {
    const task = executeJob(job, { ...options, signal: abort.signal })
      .then((outcome) => {
        if (outcome === "retry" && !abort.signal.aborted) later(job);
        else running.delete(job.id);
      })
      .catch((error: unknown) => {
        running.delete(job.id);
        logger.error({ job: job.id, err: error }, "job bookkeeping failed");
      });
    running.set(job.id, task);
  }

  /** Runs `job` at its `retry.at`; a stop leaves it queued in the store for the next start. */
  function later(job: StoredJob): void {
    const timer = setTimeout(
      () => {
        waiting.delete(timer);
        run(job);
      },
      msUntilRetry(job, clock()),
    );
    waiting.add(timer);
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
      // Held as running from now, so that a second call does not take them too; each runs at its
      // next try's time, at once when it has none.
      for (const job of unfinished) {
        running.set(job.id, Promise.resolve());
        later(job);
      }
      return unfinished.length;
    },
    async stop() {
      abort.abort();
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
      await Promise.allSettled([...running.values()]);
    },
  };
}
