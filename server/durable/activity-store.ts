/**
 * The activity log's entries and the store behind them (a journal under DATA_DIR, or Redis),
 * plus the pure rules both stores share: tiers, bounds, filters, ids. ADR 017.
 */

/** What an entry is about; the dashboard filters by it. */
export type ActivityKind =
  "connection" | "settings" | "fetch" | "extract" | "user" | "event" | "tag" | "webhook" | "error";

export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  "connection",
  "settings",
  "fetch",
  "extract",
  "user",
  "event",
  "tag",
  "webhook",
  "error",
];

/** How it ended: sent or done (`ok`), left out on purpose (`skipped`), refused or broken (`failed`). */
export type ActivityOutcome = "ok" | "skipped" | "failed" | "waiting";

/** Who an entry is about, by the identifiers a person searches for. */
export interface ActivityPerson {
  email?: string;
  /** Hull's user id. */
  hull_id?: string;
  /** Intercom's contact id. */
  intercom_id?: string;
  external_id?: string;
}

/** One line of the timeline. Never holds a token or a secret (the façade also redacts). */
export interface ActivityEntry {
  /** Sortable: `<ms since epoch, 13 digits>-<sequence>-<process tag>`; newer sorts after older. */
  id: string;
  /** ISO time. */
  at: string;
  kind: ActivityKind;
  outcome?: ActivityOutcome;
  /** What happened, as a sentence. */
  message: string;
  person?: ActivityPerson;
  /** Why (a skip's rule, Intercom's or Hull's refusal). */
  reason?: string;
  /** What a person can do about it. */
  hint?: string;
  /** Who did it, when known (an Intercom admin's email, "Hull", "schedule"). */
  by?: string;
  /** Small facts: counts, a duration in seconds, a topic, the settings fields changed. */
  details?: Record<string, string | number | boolean | string[]>;
}

export type NewActivityEntry = Omit<ActivityEntry, "id" | "at">;

/** A page request: entries strictly older than `before` (an entry id), newest first. */
export interface ActivityQuery {
  kind?: ActivityKind;
  /** Matched, case-insensitively, against the person's identifiers, the message and the reason. */
  q?: string;
  /** Only entries that ended one of these ways. */
  outcomes?: readonly ActivityOutcome[];
  before?: string;
  limit: number;
}

/**
 * Where entries and hourly counters live. Entries are kept per connector in two tiers (see
 * `tierOf`), each bounded: the oldest entries of a full tier are dropped.
 */
export interface ActivityStore {
  /** Adds entries and adds `counts` to the counters of the hour starting at `hour` (ms). */
  append(
    connectorId: string,
    entries: readonly ActivityEntry[],
    counts: Readonly<Record<string, number>>,
    hour: number,
  ): Promise<void>;
  /** Up to `query.limit` entries matching the query, newest first. */
  page(connectorId: string, query: ActivityQuery): Promise<ActivityEntry[]>;
  /** The counters of the hours starting at or after `sinceHour` (ms), added up. */
  counters(connectorId: string, sinceHour: number): Promise<Record<string, number>>;
}

/** How many entries a connector keeps per tier by default. */
export const DEFAULT_BOUNDS: Readonly<Record<ActivityTier, number>> = {
  people: 5000,
  runs: 1000,
  setup: 500,
};

/**
 * Per-person entries (a user sent or skipped, a webhook, an event, a tag) come in bursts of
 * thousands; fetches run every five minutes and errors come in bursts during an outage; a
 * connection or a settings change happens a few times a year and matters longest. Each tier has
 * its own bound, so neither a webhook storm nor weeks of scheduled fetches push out who changed
 * the settings.
 */
export type ActivityTier = "people" | "runs" | "setup";

export const ACTIVITY_TIERS: readonly ActivityTier[] = ["people", "runs", "setup"];

const PERSON_KINDS: ReadonlySet<ActivityKind> = new Set(["user", "event", "tag", "webhook"]);

/**
 * The tier an entry is kept in. An entry of a person's kind that names no person is a summary
 * ("1,200 users that waited … went out"): it is kept with the runs, so the thousands of
 * per-person entries (and the webhook echoes of our own writes) that follow it cannot push it out.
 */
export function tierOf(entry: Pick<ActivityEntry, "kind" | "person">): ActivityTier {
  if (PERSON_KINDS.has(entry.kind)) return entry.person ? "people" : "runs";
  return entry.kind === "connection" || entry.kind === "settings" ? "setup" : "runs";
}

/** The tiers that can hold entries of `kind` (a person's kind: its people and its summaries). */
export function tiersOf(kind: ActivityKind): ActivityTier[] {
  if (PERSON_KINDS.has(kind)) return ["people", "runs"];
  return [tierOf({ kind })];
}

const HOUR_MS = 3_600_000;

/** The start (ms) of the hour holding `ms`. */
export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** The first hour counted in a window of `hours` ending at `now` (the current hour included). */
export const windowStart = (now: number, hours: number) => hourOf(now) - (hours - 1) * HOUR_MS;

/** Whether an entry passes a query's kind and search filters (not `before`, not `limit`). Pure. */
export function matches(
  entry: ActivityEntry,
  query: Pick<ActivityQuery, "kind" | "q" | "outcomes">,
): boolean {
  if (query.kind && entry.kind !== query.kind) return false;
  if (query.outcomes && !query.outcomes.includes(entry.outcome ?? "ok")) return false;
  const needle = query.q?.trim().toLowerCase();
  if (!needle) return true;
  const person = entry.person ?? {};
  return [
    person.email,
    person.hull_id,
    person.intercom_id,
    person.external_id,
    entry.message,
    entry.reason,
    entry.by,
  ].some((value) => typeof value === "string" && value.toLowerCase().includes(needle));
}

/** Newest first by id (ids sort by time, then by sequence). */
export const newestFirst = (a: ActivityEntry, b: ActivityEntry) =>
  a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

/** Adds counter maps; keys are data, so the result has no prototype. */
export function addCounts(
  into: Record<string, number>,
  counts: Readonly<Record<string, number>>,
): Record<string, number> {
  for (const [name, by] of Object.entries(counts)) into[name] = (into[name] ?? 0) + by;
  return into;
}

export const emptyCounts = () => Object.create(null) as Record<string, number>;
