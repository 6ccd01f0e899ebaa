/**
 * The activity log's wording, in one place: each builder turns what a flow knows into one
 * timeline entry (what happened, who, why, what to do). Pure, so a call site stays one line:
 * `deps.activity.record(connectorId, userSkippedEntry(skipped))`.
 */
import type { SkipCode } from "./outgoing/filter/should-sync-user";
import type { ActivityLog, ActivityPerson, NewActivityEntry } from "./activity";
import type { ExecuteOptions, JobOutcome } from "./jobs/execute-job";
import type { StoredJob } from "./jobs/types";

/** The identifiers of a Hull user report or an Intercom item that a person searches by. */
export function personOf(user: {
  id?: unknown;
  email?: unknown;
  external_id?: unknown;
  "intercom/id"?: unknown;
}): ActivityPerson {
  const text = (value: unknown) =>
    typeof value === "string" && value.length > 0 ? value : undefined;
  const person: ActivityPerson = {};
  if (text(user.email)) person.email = text(user.email);
  if (text(user.id)) person.hull_id = text(user.id);
  if (text(user.external_id)) person.external_id = text(user.external_id);
  if (text(user["intercom/id"])) person.intercom_id = text(user["intercom/id"]);
  return person;
}

const SKIP_HINTS: Partial<Record<SkipCode, string>> = {
  "no-segments": "Pick the segments to send in Settings → Synchronized segments.",
  "not-in-segment":
    "Add one of this user's segments to Settings → Synchronized segments, or use Hull's “Send to Intercom”.",
  archived:
    "Turn on “Unarchive contacts” in Settings to send it, or unarchive the contact in Intercom.",
  deleted: "Turn off “Ignore users deleted in Intercom” in Settings to create the contact again.",
  "no-identifier": "Give the user an email or an external_id in Hull.",
};

/**
 * What a person can do about a skip, by the filter's code (`outgoing/filter/should-sync-user.ts`);
 * undefined when nothing is to be done (the loop guard, nothing changed).
 */
export function hintForSkip(code: SkipCode): string | undefined {
  return SKIP_HINTS[code];
}

/** A user the outgoing filter left out. */
export function userSkippedEntry(
  skipped: { userId: string; code?: SkipCode; reason: string },
  person: ActivityPerson = {},
): NewActivityEntry {
  const hint = skipped.code && hintForSkip(skipped.code);
  return {
    kind: "user",
    outcome: "skipped",
    message: "User not sent to Intercom",
    person: { hull_id: skipped.userId, ...person },
    reason: skipped.reason,
    ...(hint ? { hint } : {}),
  };
}

/** The outcome of one user the outgoing flow sent (`outgoing/sync-user.ts`'s UserOutcome). */
export function userOutcomeEntry(
  outcome: {
    userId: string;
    contactId?: string;
    created: boolean;
    unchanged?: boolean;
    events: number;
    tagged: number;
    untagged: number;
    problems: string[];
    warnings: string[];
    skipped?: string;
    skipCode?: SkipCode;
  },
  person: ActivityPerson = {},
): NewActivityEntry {
  const who = {
    hull_id: outcome.userId,
    ...(outcome.contactId ? { intercom_id: outcome.contactId } : {}),
    ...person,
  };
  if (outcome.skipped)
    return userSkippedEntry(
      { userId: outcome.userId, code: outcome.skipCode, reason: outcome.skipped },
      who,
    );
  const details: Record<string, number | string[]> = {};
  if (outcome.events > 0) details.events = outcome.events;
  if (outcome.tagged > 0) details.tags_applied = outcome.tagged;
  if (outcome.untagged > 0) details.tags_removed = outcome.untagged;
  if (outcome.warnings.length > 0) details.warnings = outcome.warnings;
  const withDetails = Object.keys(details).length > 0 ? { details } : {};
  if (outcome.problems.length > 0) {
    return {
      kind: "user",
      outcome: "failed",
      message: "Intercom refused the user",
      person: who,
      reason: outcome.problems.join("; "),
      hint: "Fix the value in Hull or the attribute mapping in Settings; the user is sent again on its next change.",
      ...withDetails,
    };
  }
  const parts = [
    outcome.created
      ? "Contact created in Intercom"
      : outcome.unchanged
        ? "No attribute of the contact changed in Intercom"
        : "Contact updated in Intercom",
  ];
  if (outcome.events > 0) parts.push(`${outcome.events} event(s) sent`);
  if (outcome.tagged > 0) parts.push(`${outcome.tagged} tag(s) applied`);
  if (outcome.untagged > 0) parts.push(`${outcome.untagged} tag(s) removed`);
  return { kind: "user", outcome: "ok", message: parts.join(" · "), person: who, ...withDetails };
}

/**
 * The events and segment tags of one sent user, as entries of their own (kinds `event` and `tag`,
 * so the dashboard's filter finds them): sent, applied and removed, or not sent because the
 * contact was refused. None when the user had neither.
 */
export function eventAndTagEntries(
  outcome: {
    userId: string;
    contactId?: string;
    events: number;
    tagged: number;
    untagged: number;
    eventsFailed?: number;
    tagsFailed?: number;
  },
  person: ActivityPerson = {},
): NewActivityEntry[] {
  const who = {
    hull_id: outcome.userId,
    ...(outcome.contactId ? { intercom_id: outcome.contactId } : {}),
    ...person,
  };
  const entries: NewActivityEntry[] = [];
  if (outcome.events > 0) {
    entries.push({
      kind: "event",
      outcome: "ok",
      message: `${outcome.events} event(s) sent to Intercom`,
      person: who,
      details: { events: outcome.events },
    });
  }
  if (outcome.eventsFailed) {
    entries.push({
      kind: "event",
      outcome: "failed",
      message: `${outcome.eventsFailed} event(s) not sent`,
      person: who,
      reason: "Intercom refused the contact, so its events cannot be attached to it",
      hint: "See this user's entry for Intercom's reason.",
    });
  }
  if (outcome.tagged > 0 || outcome.untagged > 0) {
    entries.push({
      kind: "tag",
      outcome: "ok",
      message: `Segment tags: ${outcome.tagged} applied, ${outcome.untagged} removed`,
      person: who,
      details: { applied: outcome.tagged, removed: outcome.untagged },
    });
  }
  if (outcome.tagsFailed) {
    entries.push({
      kind: "tag",
      outcome: "failed",
      message: `${outcome.tagsFailed} segment tag(s) not applied`,
      person: who,
      reason: "Intercom refused the contact, so it cannot be tagged",
      hint: "See this user's entry for Intercom's reason.",
    });
  }
  return entries;
}

/** An Intercom notification and what became of it. */
export function webhookEntry(
  topic: string,
  item: Record<string, unknown>,
  outcome: "written" | "queued" | "ignored",
): NewActivityEntry {
  // A contact topic's item is the contact; a 1.x conversation names its `user`, a 2.x one lists
  // its `contacts` (reference/intercom-api.md, webhooks).
  const listed = (item.contacts as { contacts?: unknown[] } | undefined)?.contacts?.[0];
  const contact = (
    item.type === "contact" ? item : (item.user ?? item.contact ?? listed ?? {})
  ) as Record<string, unknown>;
  const person: ActivityPerson = {};
  if (typeof contact.email === "string" && contact.email) person.email = contact.email;
  if (typeof contact.id === "string" && contact.id) person.intercom_id = contact.id;
  if (typeof contact.external_id === "string" && contact.external_id)
    person.external_id = contact.external_id;
  const said = {
    written: "written to Hull",
    queued: "kept for Hull (Hull is slow or down; it is replayed)",
    ignored: "nothing to write",
  }[outcome];
  return {
    kind: "webhook",
    outcome: outcome === "queued" ? "waiting" : outcome === "ignored" ? "skipped" : "ok",
    message: `Intercom ${topic}: ${said}`,
    ...(Object.keys(person).length > 0 ? { person } : {}),
    details: { topic },
  };
}

const JOB_NAMES: Record<string, string> = {
  "fetch-users": "users",
  "fetch-leads": "leads",
  "send-extract": "users from Hull's “Send to Intercom”",
  "send-account-extract": "accounts from Hull's “Send to Intercom”",
};

/** What an extract job's records are, by its kind. */
const recordsOf = (job: StoredJob) => (job.kind === "send-account-extract" ? "accounts" : "users");

/**
 * A fetch or an extract that ended (`done`), failed for good (`failed`) or will try again
 * (`retry`, docs/adr/025), as the runner decided: counts, duration, the error and what to do.
 * A job that ended `done` with records that did not get through (`progress.errors`: users or
 * accounts Intercom refused or that could not be sent, records Hull refused) is not a success:
 * its outcome is `failed` and its message says how many got through of how many.
 */
export function jobEntry(
  job: StoredJob,
  outcome: Exclude<JobOutcome, "paused">,
  error?: unknown,
): NewActivityEntry {
  const what =
    job.kind === "send-extract" && job.params.segment_id
      ? "the current members of a segment"
      : (JOB_NAMES[job.kind] ?? job.kind);
  const started = job.started_at ? Date.parse(job.started_at) : Date.now();
  const duration_s = Math.max(0, Math.round((Date.now() - started) / 1000));
  const { fetched, written } = job.progress;
  const errors = job.progress.errors ?? 0;
  const details: Record<string, number | string> = { duration_s, mode: job.mode, read: fetched };
  if (job.params.segment_id) details.segment_id = job.params.segment_id;
  if (written !== undefined) details.written = written;
  if (errors > 0) details.errors = errors;
  const kind =
    job.kind === "send-extract" || job.kind === "send-account-extract" ? "extract" : "fetch";
  if (outcome === "done") return doneEntry(job, { kind, what, duration_s, details, errors });
  const reason = error instanceof Error ? error.message : (job.error ?? String(error));
  if (outcome === "retry") {
    return {
      kind,
      outcome: "waiting",
      message: `${kind === "extract" ? "Sending" : "Fetching"} ${what} stopped after ${fetched} records, and will go on`,
      reason,
      hint: "Nothing to do: the connector tries again by itself from where it stopped, waiting longer each time; it gives up after a day without progress.",
      details,
    };
  }
  return {
    kind,
    outcome: "failed",
    message: `${kind === "extract" ? "Sending" : "Fetching"} ${what} failed after ${fetched} records`,
    reason,
    hint:
      kind === "fetch"
        ? "Check the Intercom connection in the Dashboard and start the fetch again: it resumes from where it stopped."
        : `Send the ${recordsOf(job)} again from Hull once the cause is fixed.`,
    details,
  };
}

/** `jobEntry` for a job that ended `done`: ok only when none of its records failed. */
function doneEntry(
  job: StoredJob,
  facts: {
    kind: "extract" | "fetch";
    what: string;
    duration_s: number;
    details: Record<string, number | string>;
    errors: number;
  },
): NewActivityEntry {
  const { kind, what, duration_s, details, errors } = facts;
  const { fetched, written } = job.progress;
  if (kind === "extract") {
    const records = recordsOf(job);
    if (errors === 0) {
      return {
        kind,
        outcome: "ok",
        message: `Sent ${what}: ${fetched} handled in ${duration_s} s`,
        details,
      };
    }
    const sent = Math.max(0, fetched - errors);
    return {
      kind,
      outcome: "failed",
      message: `Sent ${what}: ${sent} of ${fetched} ${records} sent to Intercom, ${errors} not sent, in ${duration_s} s`,
      reason: `Intercom refused ${errors === fetched ? "every one" : `${errors}`} of the ${fetched} ${records}, or they could not be sent`,
      hint: `The ${records === "users" ? "user" : "error"} entries before this one give Intercom's reason for each: fix the value in Hull or the mapping in Settings, then send them again.`,
      details,
    };
  }
  const verb = `${job.mode === "full" ? "Full" : "Incremental"} fetch of ${what}: ${fetched} read from Intercom${written === undefined ? "" : `, ${written} written to Hull`}`;
  if (errors === 0) return { kind, outcome: "ok", message: `${verb} in ${duration_s} s`, details };
  return {
    kind,
    outcome: "failed",
    message: `${verb}, ${errors} refused by Hull, in ${duration_s} s`,
    reason: `Hull refused ${errors} record${errors === 1 ? "" : "s"} of the fetch`,
    hint: 'See "Records Hull refused" on the Dashboard: fix the record or the mapping, then Retry.',
    details,
  };
}

/**
 * The runners' `onEnd`: records how each job ended in the activity log, as the runner decided it
 * (so a job is never logged "will go on" and then failed without a word). Not a pause at
 * shutdown, and not a scheduled incremental fetch that found nothing and had nothing refused
 * (every five minutes, it would bury the rest).
 */
export function recordJobEnds(activity: ActivityLog): NonNullable<ExecuteOptions["onEnd"]> {
  return (job, outcome, error) => {
    if (outcome === "paused") return;
    if (
      outcome === "done" &&
      job.mode === "incremental" &&
      !(job.progress.written ?? job.progress.fetched) &&
      !job.progress.errors
    )
      return;
    activity.record(job.connectorId, jobEntry(job, outcome, error));
  };
}

/** Intercom connected, by the admin who authorized it. */
export function connectedEntry(workspace: {
  app_id: string;
  name?: string;
  region?: string;
  admin?: { email?: string; name?: string };
}): NewActivityEntry {
  return {
    kind: "connection",
    outcome: "ok",
    message: `Intercom workspace ${workspace.name ?? workspace.app_id} connected${workspace.region ? ` (${workspace.region})` : ""}`,
    ...(workspace.admin?.email || workspace.admin?.name
      ? { by: workspace.admin.email ?? workspace.admin.name }
      : {}),
    details: { app_id: workspace.app_id },
  };
}

/**
 * The workspace → connector link was missing from the registry and was restored from Hull's
 * settings (docs/adr/030): webhooks sent while it was missing were answered and dropped.
 */
export function workspaceLinkRestoredEntry(appId: string): NewActivityEntry {
  return {
    kind: "connection",
    outcome: "ok",
    message: `The link from Intercom workspace ${appId} to this connector was missing and has been restored`,
    reason:
      "The connector's Redis or data folder was emptied since Intercom was connected, so Intercom's webhooks did not find this connector.",
    hint: "Changes Intercom sent while the link was missing did not reach Hull: run “Fetch all users” and “Fetch all leads” on the Dashboard to catch up.",
    details: { app_id: appId },
  };
}

/** Intercom disconnected: from the dashboard, or because the app was uninstalled. */
export function disconnectedEntry(by: string): NewActivityEntry {
  return {
    kind: "connection",
    outcome: "ok",
    message: "Intercom disconnected",
    by,
    hint: "Click “Continue with Intercom” in the Dashboard to connect again.",
  };
}

/** Settings saved, naming the fields whose value changed. */
export function settingsEntry(changed: string[], by?: string): NewActivityEntry {
  return {
    kind: "settings",
    outcome: "ok",
    message:
      changed.length === 0
        ? "Settings saved (nothing changed)"
        : `Settings changed: ${changed.join(", ")}`,
    ...(by ? { by } : {}),
    details: { fields: changed },
  };
}

/** The names of the settings whose value differs between two private_settings objects. Pure. */
export function changedSettings(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  names: readonly string[],
): string[] {
  return names.filter(
    (name) => JSON.stringify(before?.[name] ?? null) !== JSON.stringify(after?.[name] ?? null),
  );
}

/**
 * Hull was asked for an extract of a segment's current members (docs/adr/018), after a settings
 * save added the segment or from "Send current members". `members` is Hull's count when asked.
 */
export function memberExtractRequestedEntry(
  segment: { id: string; name: string },
  members?: number,
): NewActivityEntry {
  const who =
    members === undefined
      ? "the current members"
      : `the ${members} current member${members === 1 ? "" : "s"}`;
  return {
    kind: "extract",
    outcome: "ok",
    message: `Asked Hull for ${who} of ${segment.name}; they are sent to Intercom when Hull delivers them`,
    details: { segment_id: segment.id, ...(members === undefined ? {} : { members }) },
  };
}

/**
 * Hull could not be asked for a segment's current members (Hull down or refusing): nothing of
 * that segment was sent, and the settings save that caused it still stands.
 */
export function memberExtractFailedEntry(
  segment: { id: string; name: string },
  reason: string,
): NewActivityEntry {
  return {
    kind: "extract",
    outcome: "failed",
    message: `The current members of ${segment.name} were not sent: Hull could not be asked for them`,
    reason,
    hint: "Use “Send current members” in Settings once Hull answers again.",
    details: { segment_id: segment.id },
  };
}
