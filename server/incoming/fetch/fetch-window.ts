import type { IntercomContact, SearchQuery } from "../../clients/intercom/types";
import { calendarDayIn, LONGEST_DAY_SECONDS, toUnixSeconds } from "../../time";

/**
 * The window of a fetch, in full Unix seconds. Intercom's search only compares dates by calendar day
 * in the workspace's timezone (official description, POST /contacts/search, "Searching for Timestamp
 * Fields": `>` starts at the next day, `<` ends before the day), so the query asks for whole days
 * that cover the window and the contacts are then kept by their full `updated_at`.
 */
export interface FetchWindow {
  /** Exclusive lower bound of updated_at, Unix seconds, when bounded. */
  after?: number;
  /** Exclusive upper bound of updated_at, Unix seconds, when bounded. */
  before?: number;
}

/**
 * The search for one kind of contact that covers `window` whole-day-wise.
 *
 * - Lower bound: the first second needed is `after + 1`. Searching `updated_at > v` returns from the
 *   start of the day after v's day, so v is the last second of the day before: with the workspace's
 *   timezone known, `startOfDay(after + 1) - 1` (nothing earlier than that day is read); without it,
 *   `after + 1 - 25 h`, which lies in an earlier day than `after + 1` in every timezone, as no day is
 *   longer than 25 hours.
 * - Upper bound, likewise: `updated_at < w` returns up to the start of w's day, so w is the first
 *   second of the day after the last needed second (`before - 1`).
 * - Incremental windows are read in `updated_at` order (the description: "sorting uses the full
 *   value"), oldest first.
 */
export function buildFetchQuery(
  role: "user" | "lead",
  window: FetchWindow,
  timezone?: string,
): { query: SearchQuery; sort?: { field: "updated_at"; order: "ascending" } } {
  const filters: SearchQuery[] = [{ field: "role", operator: "=", value: role }];
  if (window.after !== undefined) {
    const first = window.after + 1;
    const day = timezone ? calendarDayIn(first, timezone) : undefined;
    const value = day ? day.start - 1 : first - LONGEST_DAY_SECONDS;
    filters.push({ field: "updated_at", operator: ">", value });
  }
  if (window.before !== undefined) {
    const last = window.before - 1;
    const day = timezone ? calendarDayIn(last, timezone) : undefined;
    const value = day ? day.next : last + LONGEST_DAY_SECONDS;
    filters.push({ field: "updated_at", operator: "<", value });
  }
  const query = filters.length === 1 ? filters[0]! : { operator: "AND" as const, value: filters };
  return window.after === undefined
    ? { query }
    : { query, sort: { field: "updated_at", order: "ascending" } };
}

/**
 * The window of an incremental fetch: from the last cursor minus an overlap (a contact updated in the
 * same second as the cursor, or indexed late by Intercom's search, is read again), or, on a fresh
 * install without a cursor, from `lookbackSeconds` before now. Bounds are Unix seconds.
 */
export function incrementalWindow(
  cursorSeconds: number | undefined,
  nowSeconds: number,
  overlapSeconds: number,
  lookbackSeconds: number,
): FetchWindow & { from: number } {
  const from =
    cursorSeconds === undefined ? nowSeconds - lookbackSeconds : cursorSeconds - overlapSeconds;
  // `after` is exclusive: one second less keeps contacts updated exactly at `from`.
  return { from, after: from - 1 };
}

/** What a run decided about one page of search results. */
export interface PageSelection {
  /** Contacts to write to Hull, in page order. */
  write: IntercomContact[];
  /** The newest updated_at (Unix seconds) among the page's contacts inside the window, or the given one. */
  newest: number | undefined;
}

/**
 * Picks, from one page of a day-wide search, the contacts to write: inside the window by their full
 * `updated_at`, and not already in Hull with these values — written unchanged by the previous run
 * (`previousEdge`) or earlier in this run (`edge`). Records every contact of the window it saw in
 * `edge` (contact id → updated_at seconds), so each version of a contact is written once.
 */
export function selectContacts(
  contacts: readonly IntercomContact[],
  window: FetchWindow,
  previousEdge: Readonly<Record<string, number>>,
  edge: Record<string, number>,
  newest: number | undefined,
): PageSelection {
  const write: IntercomContact[] = [];
  for (const contact of contacts) {
    const updatedAt = toUnixSeconds(contact.updated_at);
    if (updatedAt !== undefined) {
      if (window.after !== undefined && updatedAt <= window.after) continue;
      if (window.before !== undefined && updatedAt >= window.before) continue;
      if (newest === undefined || updatedAt > newest) newest = updatedAt;
      const known = edge[contact.id];
      if (known !== undefined && known >= updatedAt) continue;
      edge[contact.id] = updatedAt;
      if (alreadyWritten(previousEdge, contact.id, updatedAt)) continue;
    }
    write.push(contact);
  }
  return { write, newest };
}

/**
 * Which contacts of the overlap were already written by the previous run, unchanged since:
 * they cost nothing in Hull this time. Keyed by contact id, valued by updated_at seconds.
 */
export function alreadyWritten(
  edge: Readonly<Record<string, number>>,
  id: string,
  updatedAt: number | undefined,
): boolean {
  // Own keys only: a contact id such as "constructor" must not find Object.prototype's.
  return updatedAt !== undefined && Object.hasOwn(edge, id) && edge[id] === updatedAt;
}

/** Keeps only contacts within `overlapSeconds` of the newest updated_at: the next run's overlap. */
export function trimEdge(
  edge: Record<string, number>,
  newest: number,
  overlapSeconds: number,
  maxEntries = 5000,
): Record<string, number> {
  const kept = Object.entries(edge).filter(([, updatedAt]) => updatedAt >= newest - overlapSeconds);
  // No prototype: the keys are Intercom's contact ids.
  return Object.assign(
    Object.create(null),
    kept.length > maxEntries ? {} : Object.fromEntries(kept),
  );
}
