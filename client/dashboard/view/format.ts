import type { Job, Region, StatusLevel } from "../types";

const numberFormat = new Intl.NumberFormat("en-US");

export const formatCount = (value: number) => numberFormat.format(value);

/** "45 s", "3 min", "2 h 5 min": short enough for a 360 px iframe. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  const minutes = Math.round(total / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "users_updated" → "Users updated", "webhooksReceived" → "Webhooks received". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const REGIONS: Record<Region, string> = {
  US: "United States",
  EU: "Europe",
  AU: "Australia",
};

export const regionLabel = (region: string) =>
  region in REGIONS ? `${REGIONS[region as Region]} (${region})` : region;

const STATUS: Record<StatusLevel, { label: string; tone: Tone }> = {
  ok: { label: "Healthy", tone: "good" },
  warning: { label: "Warning", tone: "warn" },
  error: { label: "Error", tone: "bad" },
  setupRequired: { label: "Setup required", tone: "info" },
};

export type Tone = "good" | "warn" | "bad" | "info" | "neutral";

export const statusBadge = (status: string) =>
  STATUS[status as StatusLevel] ?? { label: status, tone: "neutral" as Tone };

export interface JobView {
  /** 0..100 when the total is known, otherwise undefined (an indeterminate bar). */
  percent?: number;
  stateLabel: string;
  tone: Tone;
  /** "1,200 of 5,000 contacts · 150/s · about 30 s left" */
  summary: string;
  errors?: string;
}

/**
 * What a fetch job's card shows, computed from the job alone. A job `done` with
 * `progress.errors` is shown "Done, with errors" in the warning tone, not as a success.
 */
export function describeJob(job: Job): JobView {
  const { fetched, written, total, rate_per_s, eta_s, errors } = job.progress;
  const percent =
    total !== undefined && total > 0
      ? Math.min(100, Math.round((fetched / total) * 100))
      : job.state === "done"
        ? 100
        : undefined;
  const noun = job.kind === "fetch-companies" ? "companies" : "contacts";
  const parts = [
    total !== undefined
      ? `${formatCount(fetched)} of ${formatCount(total)} ${noun}`
      : `${formatCount(fetched)} ${noun}`,
  ];
  if (written !== undefined && written !== fetched) {
    parts[0] += " read";
    parts.push(`${formatCount(written)} written to Hull`);
  }
  if (job.state === "running" && rate_per_s !== undefined) {
    parts.push(`${formatCount(Math.round(rate_per_s))}/s`);
  }
  if (job.state === "running" && eta_s !== undefined) {
    // The last page is written and the cursor saved after the count reaches the total: say so,
    // not "about 0 s left".
    const finishing = Math.round(eta_s) < 1 || (total !== undefined && fetched >= total);
    parts.push(finishing ? "finishing…" : `about ${formatDuration(eta_s)} left`);
  }
  if (job.state === "done" && job.duration_s !== undefined) {
    parts.push(`in ${formatDuration(job.duration_s)}`);
  }
  const retry = job.state === "queued" ? job.retry : undefined;
  if (retry) {
    const tries = retry.attempts === 1 ? "1 try" : `${retry.attempts} tries`;
    parts.push(`${tries} so far, the next at ${formatTime(retry.at)}`);
  }
  const states = {
    queued: { stateLabel: "Queued", tone: "info" },
    running: { stateLabel: "Running", tone: "info" },
    done: { stateLabel: "Done", tone: "good" },
    failed: { stateLabel: "Failed", tone: "bad" },
  } as const;
  // The state is the server's word: an unknown one ("constructor" too) is shown as it is.
  const state = Object.hasOwn(states, job.state)
    ? states[job.state]
    : { stateLabel: job.state, tone: "neutral" as const };
  // A job that ended with records refused (by Hull for a fetch, by Intercom for a send) is not
  // a plain success: its bar and badge say so beside the count of errors.
  const refused = job.state === "done" && errors > 0;
  // A job waiting for its next try after a transient failure (docs/adr/025) goes on by itself.
  return {
    percent,
    stateLabel: retry ? "Will try again" : refused ? "Done, with errors" : state.stateLabel,
    tone: retry || refused ? "warn" : state.tone,
    summary: parts.join(" · "),
    errors: errors > 0 ? `${formatCount(errors)} ${errors === 1 ? "error" : "errors"}` : undefined,
  };
}

/** The most recent job of each kind: started last wins, unstarted (queued) jobs count as newest. */
export function latestJobs(jobs: Job[]): Map<string, Job> {
  const latest = new Map<string, Job>();
  for (const job of jobs) {
    const current = latest.get(job.kind);
    if (!current || startedAt(job) >= startedAt(current)) latest.set(job.kind, job);
  }
  return latest;
}

const startedAt = (job: Job) =>
  job.started_at ? Date.parse(job.started_at) || 0 : Number.MAX_SAFE_INTEGER;

/** A timestamp for people: "25 Nov 2025, 14:03"; unknown strings are shown as they are. */
export function formatTime(value: string | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}
