import type { SearchQuery } from "../../clients/intercom/types";

export interface FetchWindow {
  /** Unix seconds, exclusive lower bound, when the fetch is bounded. */
  after?: number;
  /** Unix seconds, exclusive upper bound. */
  before?: number;
}

/** The search for one kind of contact in a window of updated_at (both bounds optional). */
export function buildFetchQuery(role: "user" | "lead", window: FetchWindow): SearchQuery {
  const filters: SearchQuery[] = [{ field: "role", operator: "=", value: role }];
  if (window.after !== undefined)
    filters.push({ field: "updated_at", operator: ">", value: window.after });
  if (window.before !== undefined)
    filters.push({ field: "updated_at", operator: "<", value: window.before });
  return filters.length === 1 ? filters[0]! : { operator: "AND", value: filters };
}

/**
 * The window of an incremental fetch: from the last cursor minus an overlap, so a contact updated
 * in the same second as the cursor (or seen late by Intercom's search) is not missed. The first
 * incremental fetch looks back one day.
 */
export function incrementalWindow(
  cursorSeconds: number | undefined,
  nowSeconds: number,
  overlapSeconds: number,
): FetchWindow {
  const from = cursorSeconds === undefined ? nowSeconds - 86_400 : cursorSeconds - overlapSeconds;
  // ">" is exclusive: one second less keeps contacts updated exactly at the edge.
  return { after: from - 1 };
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
