// How the activity log reads: kinds, outcomes, counters and times in words. Pure.
import type { ActivityEntry, ActivityKind, ActivityOutcome } from "../types";
import type { Tone } from "./format";

export const KIND_LABELS: Record<ActivityKind, string> = {
  connection: "Connection",
  settings: "Settings",
  fetch: "Fetch",
  // Hull's manual "Send to Intercom" and a segment's current members both arrive as extracts.
  extract: "Hull extract",
  user: "User",
  event: "Event",
  tag: "Tag",
  webhook: "Webhook",
  error: "Error",
};

const OUTCOMES: Record<ActivityOutcome, { label: string; tone: Tone }> = {
  ok: { label: "Done", tone: "good" },
  skipped: { label: "Skipped", tone: "warn" },
  failed: { label: "Failed", tone: "bad" },
  waiting: { label: "Waiting", tone: "info" },
};

export const outcomeBadge = (outcome: ActivityOutcome | undefined) =>
  (outcome && Object.hasOwn(OUTCOMES, outcome) ? OUTCOMES[outcome] : undefined) ?? {
    label: "",
    tone: "neutral" as Tone,
  };

export const kindLabel = (kind: string) =>
  Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind as ActivityKind] : kind;

/** The counters the connector keeps, in words; an unknown name is shown humanized by the caller. */
export const COUNTER_LABELS: Record<string, string> = {
  "users fetched": "Users read from Intercom",
  "users written to Hull": "Users written to Hull",
  "leads fetched": "Leads read from Intercom",
  "leads written to Hull": "Leads written to Hull",
  "webhooks received": "Webhooks received",
  "webhook events": "Webhook events",
  "webhook user updates": "Webhook profile updates",
  "webhooks waiting for Hull": "Webhooks kept for Hull",
  "records Hull refused": "Records Hull refused",
  "outgoing.users.synced": "Users sent to Intercom",
  "outgoing.users.skipped": "Users not sent",
  "outgoing.users.failed": "Users Intercom refused",
  "outgoing.users.kept": "Users kept for the rate budget",
  "outgoing.pending.sent": "Kept users sent",
  "outgoing.users.warnings": "Users sent with warnings",
  "outgoing.users.skipped_archived": "Archived in Intercom",
  "outgoing.users.skipped_deleted": "Deleted in Intercom",
  "outgoing.events.sent": "Events sent",
  "outgoing.events.failed": "Events not sent",
  "outgoing.tags.applied": "Tags applied",
  "outgoing.tags.removed": "Tags removed",
  "outgoing.tags.failed": "Tags not applied",
  "outgoing.extract.users": "Users in Hull extracts",
  "outgoing.extracts.completed": "Hull extracts sent",
};

/** The counters in the order of COUNTER_LABELS, unknown names last. */
export function orderCounters(counters: Record<string, number>): [string, number][] {
  const known = Object.keys(COUNTER_LABELS);
  const rank = (name: string) => {
    const index = known.indexOf(name);
    return index < 0 ? known.length : index;
  };
  return Object.entries(counters)
    .filter(([, value]) => value > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** "just now", "45 s ago", "3 min ago", "2 h ago", "3 days ago"; `now` in ms. */
export function formatRelative(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "yesterday" : `${days} days ago`;
}

/** The exact time, to the second, with the reader's time zone: for a tooltip. */
export function formatExact(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
  });
}

/** Who an entry is about, as a person names them, and the other ids. */
export function describePerson(
  person: ActivityEntry["person"],
): { name: string; ids: string[] } | undefined {
  if (!person) return undefined;
  const name = person.email ?? person.external_id ?? person.hull_id ?? person.intercom_id;
  if (!name) return undefined;
  const ids = [
    person.external_id && person.external_id !== name ? `external_id ${person.external_id}` : "",
    person.hull_id && person.hull_id !== name ? `Hull ${person.hull_id}` : "",
    person.intercom_id && person.intercom_id !== name ? `Intercom ${person.intercom_id}` : "",
  ].filter(Boolean);
  return { name, ids };
}

// Hull's status messages speak to someone in Hull's connector list; on the dashboard itself the
// place they point to is right here.
const DASHBOARD_VOICE: [RegExp, string][] = [
  [/:? ?open the dashboard and click /i, ": click "],
  [
    / from the dashboard\.?$/i,
    ": “Start over” in the Intercom connection card, then “Continue with Intercom”.",
  ],
  [/\bin the (connector's )?dashboard\b/gi, "here"],
];

/** A status message as said to someone already on the dashboard. */
export function inDashboardVoice(message: string): string {
  let out = message;
  for (const [pattern, replacement] of DASHBOARD_VOICE) out = out.replace(pattern, replacement);
  return out;
}

/** The header's subtitle: the connector's name, unless it only repeats the title. */
export function headerSubtitle(title: string, name: string | undefined): string {
  const trimmed = (name ?? "").trim();
  return trimmed.toLowerCase() === title.toLowerCase() ? "" : trimmed;
}

/**
 * What an entry noted besides its outcome: a sent user's warnings (a custom attribute left out,
 * a contact Intercom already had, an event not sent). The overview counts "Users sent with
 * warnings"; these lines say which. Empty when there are none.
 */
export function entryNotes(entry: Pick<ActivityEntry, "details">): string[] {
  const warnings = entry.details?.warnings;
  if (Array.isArray(warnings)) return warnings.filter((item) => typeof item === "string");
  return typeof warnings === "string" && warnings ? [warnings] : [];
}
