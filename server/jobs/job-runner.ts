import { randomUUID } from "node:crypto";
import type { HullCredentials } from "../clients/hull/types";
import type { Logger } from "../log";
import {
  executeJob,
  retryDelayMs,
  saveOutcome,
  type ExecuteOptions,
  type JobHandler,
} from "./execute-job";
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
const isEnded = (job: Job) => job.state === "done" || job.state === "failed";

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
  } & Pick<ExecuteOptions, "now" | "retryDelayMs" | "onEnd">,
): JobRunner {
  const { store, logger } = options;
  // A job is here from its start until it ends, waits for its next try included, so that
  // `resumeUnfinished` never runs it twice.
  const running = new Map<string, Promise<unknown>>();
  const clock = () => (options.now?.() ?? new Date()).getTime();
  const waiting = new Set<NodeJS.Timeout>();
  /** Runs in a row whose state the store refused, by job id: they space the next run out. */
  const bookkeepingFailures = new Map<string, number>();
  const abort = new AbortController();

  function run(job: StoredJob): void {
    const task = executeJob(job, { ...options, signal: abort.signal }).then((outcome) => {
      bookkeepingFailures.delete(job.id);
      if (outcome === "retry" && !abort.signal.aborted) later(job, msUntilRetry(job, clock()));
      else running.delete(job.id);
    }, storeRefused(job));
    running.set(job.id, task);
  }

  /** A job that ended but whose outcome the store refused: the outcome is saved again, not the work. */
  function settle(job: StoredJob): void {
    const failure = job.error === undefined ? undefined : new Error(job.error);
    const task = saveOutcome(job, options, failure).then(() => {
      bookkeepingFailures.delete(job.id);
      running.delete(job.id);
    }, storeRefused(job));
    running.set(job.id, task);
  }

  /**
   * What follows the job store refusing a job's state (a full disk): the job stays this runner's
   * and goes on later (its work from the last saved checkpoint, or only the saving of an outcome
   * already reached), waiting longer each time, rather than sitting unfinished in the store until
   * a restart while new jobs of its kind are told one runs.
   */
  function storeRefused(job: StoredJob) {
    return (error: unknown) => {
      const failures = (bookkeepingFailures.get(job.id) ?? 0) + 1;
      bookkeepingFailures.set(job.id, failures);
      const delay = (options.retryDelayMs ?? retryDelayMs)(failures);
      logger.error(
        { connector: job.connectorId, job: job.id, err: error },
        `saving the job's state failed; trying again in ${Math.round(delay / 1000)} s`,
      );
      if (abort.signal.aborted) running.delete(job.id);
      else later(job, delay, isEnded(job) ? settle : run);
    };
  }

  /** Calls `next(job)` in `delay` ms; a stop leaves the job unfinished in the store for the next start. */
  function later(job: StoredJob, delay: number, next: (job: StoredJob) => void = run): void {
    const timer = setTimeout(() => {
      waiting.delete(timer);
      next(job);
    }, delay);
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
        later(job, msUntilRetry(job, clock()));
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
