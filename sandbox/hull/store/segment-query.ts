import { isRecord } from "../errors.js";
import { reportKey } from "./user-report.js";

/**
 * Segments are shown to connectors with an Elasticsearch-like query, as Hull's are, so that a
 * connector can pass `segment.query` back to the extract API unchanged (hull-platform.md §2.6).
 */
export function toSearchQuery(conditions: Record<string, unknown>): Record<string, unknown> {
  return {
    bool: {
      filter: Object.entries(conditions).map(([name, value]) => ({
        term: { [reportKey(name)]: value },
      })),
    },
  };
}

/** Reads an extract query back into equality conditions: `{}` (everyone), the search form, or a flat map. */
export function fromSearchQuery(query: unknown): Record<string, unknown> | string {
  if (query === undefined || query === null) return {};
  if (!isRecord(query)) return "query must be an object";
  if (!("bool" in query)) {
    const nested = Object.values(query).some((value) => isRecord(value));
    return nested ? "only {} or a segment's query are supported" : query;
  }
  const bool = query.bool;
  const filter = isRecord(bool) ? bool.filter : undefined;
  if (!Array.isArray(filter)) return "query.bool.filter must be an array of term filters";
  const conditions: Record<string, unknown> = {};
  for (const clause of filter) {
    if (!isRecord(clause) || !isRecord(clause.term)) return "only term filters are supported";
    Object.assign(conditions, clause.term);
  }
  return conditions;
}
