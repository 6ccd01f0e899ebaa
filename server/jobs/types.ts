import type { HullCredentials } from "../clients/hull/types";

export type JobKind =
  "fetch-users" | "fetch-leads" | "fetch-companies" | "send-extract" | "send-account-extract";

/** Kinds of which a connector runs one at a time (a second click says one is running). */
export const EXCLUSIVE_KINDS: ReadonlySet<JobKind> = new Set([
  "fetch-users",
  "fetch-leads",
  "fetch-companies",
]);
export type JobState = "queued" | "running" | "done" | "failed";

export interface JobProgress {
  /** Contacts read from Intercom (a fetch), or records handled (an extract). */
  fetched: number;
  /** Contacts written to Hull, when a job writes fewer than it reads (incremental fetches). */
  written?: number;
  total?: number;
  rate_per_s?: number;
  eta_s?: number;
  errors: number;
}

/** A long piece of work with a checkpoint, so a restart resumes where it stopped. */
export interface Job {
  id: string;
  connectorId: string;
  kind: JobKind;
  /** full: every contact of the kind; incremental: changed since the last cursor. */
  mode: "full" | "incremental";
  state: JobState;
  /**
   * A fetch's window (seconds since epoch); an extract's download `url`, and `segment_id` when
   * Hull's callback names the segment the extract is of (the current members the connector asked
   * for, docs/adr/018): every line of it is then a member of that segment.
   */
  params: { updated_after?: number; updated_before?: number; url?: string; segment_id?: string };
  /** Whatever the job needs to resume: a page cursor, the newest updated_at seen, ... */
  checkpoint: Record<string, unknown>;
  progress: JobProgress;
  started_at?: string;
  finished_at?: string;
  error?: string;
  /**
   * Set while a job waits to try again after a transient failure (Hull or Intercom unreachable,
   * a 5xx, a rate limit; docs/adr/025): tries so far, when the first failed, when the next runs
   * (ISO times). Cleared when the job finishes.
   */
  retry?: { attempts: number; since: string; at: string };
}

export interface StoredJob extends Job {
  credentials: HullCredentials;
}

/** The public view of a job, for the dashboard and GET /jobs: no credentials, no checkpoint internals. */
export function describeJob(job: Job) {
  const duration = job.started_at
    ? ((job.finished_at ? Date.parse(job.finished_at) : Date.now()) - Date.parse(job.started_at)) /
      1000
    : undefined;
  return {
    id: job.id,
    kind: job.kind,
    mode: job.mode,
    state: job.state,
    progress: job.progress,
    started_at: job.started_at,
    finished_at: job.finished_at,
    duration_s: duration === undefined ? undefined : Math.round(duration),
    error: job.error,
    retry: job.retry && { attempts: job.retry.attempts, at: job.retry.at },
  };
}
