import type { Job, MemberExtract, SegmentOption } from "../types";
import { formatTime } from "./format";

/** "2 current members" / "1 current member" / "the current members" when Hull gave no count. */
function members(size: number | undefined): string {
  if (size === undefined) return "the current members";
  return `the ${size} current member${size === 1 ? "" : "s"}`;
}

function joinNames(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * What Save will do for segments added to the whitelist since the last save: e.g. "Saving will
 * send the 2 current members of Customers to Intercom." Undefined when no segment was added.
 */
export function saveMembersPlan(
  saved: readonly string[],
  current: readonly string[],
  segments: readonly SegmentOption[],
): string | undefined {
  const added = current.filter((id) => !saved.includes(id));
  if (added.length === 0) return undefined;
  const parts = added.map((id) => {
    const segment = segments.find((item) => item.id === id);
    return `${members(segment?.size)} of ${segment?.name ?? id}`;
  });
  return `Saving will send ${joinNames(parts)} to Intercom.`;
}

/** Hull's member count as shown beside a segment: "2 users", or undefined when unknown. */
export function segmentSizeText(size: number | undefined): string | undefined {
  return size === undefined ? undefined : `${size} user${size === 1 ? "" : "s"}`;
}

/** A segment's label in lists: "Customers · 2 users" when Hull counted them. */
export function segmentLabel(segment: SegmentOption): string {
  const size = segmentSizeText(segment.size);
  return size === undefined ? segment.name : `${segment.name} · ${size}`;
}

/** One line per extract request: what Hull is preparing, or why it could not be asked. */
export function extractOutcomeLines(extracts: readonly MemberExtract[]): {
  good: string[];
  bad: string[];
} {
  const good: string[] = [];
  const bad: string[] = [];
  for (const extract of extracts) {
    if (extract.requested) {
      good.push(
        `Hull is preparing ${members(extract.members)} of ${extract.name}; they are then sent to Intercom as a job.`,
      );
    } else {
      bad.push(extract.error ?? `The members of ${extract.name} could not be requested.`);
    }
  }
  return { good, bad };
}

/** The "send current members" jobs' progress, summed: users handled of those expected. */
export interface MembersProgress {
  /** Users handled so far by the jobs (lines of the extracts done), sent or not. */
  done: number;
  /** Users of those handled that did not reach Intercom (the jobs' `progress.errors`). */
  errors: number;
  /** Members Hull counted when asked, or the jobs' own totals once known. */
  total?: number;
  /** Every expected job has ended (done or failed). */
  finished: boolean;
  failed: number;
  /**
   * Once finished, how it went, for the bar's colour: `good` (every user sent), `partial` (some
   * not sent), `bad` (a job failed, or none of the users handled was sent).
   */
  outcome?: "good" | "partial" | "bad";
  /** Percent for a progress bar, when a total is known. */
  percent?: number;
  text: string;
}

/**
 * Sums the send-extract jobs that appeared after the request (`known`: job ids seen before it)
 * against what was asked: `expectedJobs` extracts of `expectedUsers` members (undefined when Hull
 * gave no counts). A job that ended `done` counts its users Intercom refused
 * (`progress.errors`) as not sent: "Sent 0 of 2 users to Intercom; 2 were not sent". Pure, so the
 * panel only renders it.
 */
export function membersProgress(
  jobs: readonly Job[],
  known: ReadonlySet<string>,
  expectedJobs: number,
  expectedUsers: number | undefined,
): MembersProgress {
  const mine = jobs.filter((job) => job.kind === "send-extract" && !known.has(job.id));
  const ended = mine.filter((job) => job.state === "done" || job.state === "failed");
  const failed = mine.filter((job) => job.state === "failed").length;
  const done = mine.reduce((sum, job) => sum + job.progress.fetched, 0);
  const errors = mine.reduce((sum, job) => sum + (job.progress.errors ?? 0), 0);
  const finished = mine.length >= expectedJobs && ended.length === mine.length;
  const ownTotals = finished ? mine.reduce((sum, job) => sum + (job.progress.total ?? 0), 0) : 0;
  const total = finished ? ownTotals : expectedUsers;
  const percent =
    total === undefined
      ? undefined
      : total === 0
        ? 100
        : Math.min(100, Math.round((done / total) * 100));
  const users = (count: number) => `${count} user${count === 1 ? "" : "s"}`;
  const sent = Math.max(0, done - errors);
  let text: string;
  let outcome: MembersProgress["outcome"];
  if (mine.length === 0) text = "Waiting for Hull to deliver the extract…";
  else if (!finished) {
    text = `Sending to Intercom: ${done}${total === undefined ? "" : ` of ${total}`} users…`;
    if (errors > 0) text += ` ${errors} not sent so far.`;
    // A send that met an outage waits and goes on by itself (docs/adr/025): say so, and when.
    const waiting = mine.find((job) => job.state === "queued" && job.retry);
    if (waiting?.retry) {
      text += ` ${waiting.error ?? "Hull or Intercom did not answer"}; the connector tries again by itself at ${formatTime(waiting.retry.at)}.`;
    }
  } else {
    text =
      errors > 0
        ? `Sent ${sent} of ${users(done)} to Intercom; ${errors} ${errors === 1 ? "was" : "were"} refused by Intercom or not sent (see the Activity tab).`
        : `Sent ${users(done)} to Intercom.`;
    if (failed > 0) {
      text = `${text.slice(0, -1)}; ${failed} of the jobs failed (see the Dashboard tab).`;
    }
    outcome = failed > 0 || (sent === 0 && errors > 0) ? "bad" : errors > 0 ? "partial" : "good";
  }
  return { done, errors, total, finished, failed, ...(outcome ? { outcome } : {}), percent, text };
}
