import { IntercomError, parameterInvalid } from "../errors.js";
import type { ContactRecord } from "./contact-record.js";
import type { ContactStore } from "./contact-store.js";
import { matchesQuery, requiredFilters, type Filter, type Query } from "./contact-query.js";
import {
  generatedCreatedAt,
  generatedUpdatedAt,
  type GeneratedBlock,
} from "./generated-contacts.js";

export interface SearchInput {
  query: Query;
  /** Position to continue after (-1 = start). */
  after: number;
  /** Sorted searches: the sort value of the record at `after` (from the cursor). */
  afterKey?: string | number | null;
  perPage: number;
  sort?: { field: string; order: "ascending" | "descending" };
  now: number;
  lagMs: number;
}

export interface SearchResult {
  records: ContactRecord[];
  /** Position of the last record returned, when more follow. */
  nextAfter?: number;
  /** Sorted searches: the sort value of that record, for the cursor. */
  nextKey?: string | number | null;
  totalCount: number;
}

const monotoneFields: Record<string, (block: GeneratedBlock, index: number) => number> = {
  updated_at: generatedUpdatedAt,
  created_at: generatedCreatedAt,
};

/**
 * Runs a search over the store. Generated contacts' timestamps grow with their index, so range
 * filters on updated_at/created_at cut each generated block by binary search instead of a scan.
 */
export function searchContacts(store: ContactStore, input: SearchInput): SearchResult {
  const required = requiredFilters(input.query);
  const pinpointed = pinpoint(store, required);
  const narrow = (block: GeneratedBlock) => narrowBlock(block, required);
  const visible = (seq: number) => {
    const record = store.searchView(seq, input.now, input.lagMs);
    return record && !record.archived && matchesQuery(record, input.query) ? record : undefined;
  };
  const candidates = (after: number): Iterable<number> =>
    pinpointed ? pinpointed.filter((seq) => seq > after) : store.candidatesAfter(after, narrow);

  if (input.sort) return sortedPage(candidates(-1), visible, input);

  const records: ContactRecord[] = [];
  let nextAfter: number | undefined;
  for (const seq of candidates(input.after)) {
    const record = visible(seq);
    if (!record) continue;
    if (records.length === input.perPage) {
      nextAfter = records[records.length - 1].seq;
      break;
    }
    records.push(record);
  }
  const totalCount = pinpointed
    ? pinpointed.filter((seq) => visible(seq)).length
    : countMatches(store, input, required, visible);
  return { records, nextAfter, totalCount };
}

/**
 * A page of a sorted search, continued after the (sort value, seq) of the previous page's last
 * record — search-after, as the shape of Intercom's cursors suggests — so a record that changes
 * while a walk is under way moves in the order without shifting the others past the cursor.
 * Sorting uses the full value (official description, "Searching for Timestamp Fields").
 */
function sortedPage(
  seqs: Iterable<number>,
  visible: (seq: number) => ContactRecord | undefined,
  input: SearchInput,
): SearchResult {
  const { field, order } = input.sort!;
  const all: ContactRecord[] = [];
  for (const seq of seqs) {
    const record = visible(seq);
    if (record) all.push(record);
  }
  const key = (record: ContactRecord) =>
    ((record as unknown as Record<string, unknown>)[field] ?? null) as string | number | null;
  const direction = order === "ascending" ? 1 : -1;
  // Missing values first when ascending; equal values by position, so the order is total.
  const compare = (
    ka: string | number | null,
    sa: number,
    kb: string | number | null,
    sb: number,
  ): number => {
    if (ka === kb) return sa - sb;
    if (ka === null) return -direction;
    if (kb === null) return direction;
    return ka < kb ? -direction : direction;
  };
  all.sort((a, b) => compare(key(a), a.seq, key(b), b.seq));
  const from =
    input.after < 0
      ? 0
      : (() => {
          const index = all.findIndex(
            (record) => compare(key(record), record.seq, input.afterKey ?? null, input.after) > 0,
          );
          return index < 0 ? all.length : index;
        })();
  const records = all.slice(from, from + input.perPage);
  const more = from + input.perPage < all.length;
  const last = records[records.length - 1];
  return {
    records,
    nextAfter: more && last ? last.seq : undefined,
    nextKey: more && last ? key(last) : undefined,
    totalCount: all.length,
  };
}

export const sortableFields = [
  "created_at",
  "updated_at",
  "signed_up_at",
  "last_seen_at",
  "email",
  "name",
];

export function parseSort(input: unknown): SearchInput["sort"] {
  if (input === undefined) return undefined;
  const sort = input as { field?: unknown; order?: unknown };
  if (typeof sort !== "object" || sort === null || typeof sort.field !== "string") {
    throw parameterInvalid("sort needs a field");
  }
  if (!sortableFields.includes(sort.field))
    throw parameterInvalid(`cannot sort by '${sort.field}'`);
  const order = sort.order ?? "descending";
  if (order !== "ascending" && order !== "descending") {
    throw new IntercomError(
      400,
      "invalid_sort_order",
      "sort order must be ascending or descending",
    );
  }
  return { field: sort.field, order };
}

/** Exact-match lookups (id, email, external_id) give the candidates directly. */
function pinpoint(store: ContactStore, required: Filter[]): number[] | undefined {
  for (const filter of required) {
    if (filter.operator !== "=" || typeof filter.value !== "string") continue;
    if (filter.field === "id") {
      const seq = store.seqOfId(filter.value);
      return seq === undefined ? [] : [seq];
    }
    if (filter.field === "external_id") {
      const record = store.findByExternalId(filter.value);
      return record ? [record.seq] : [];
    }
    if (filter.field === "email")
      return store.findByEmail(filter.value).map((record) => record.seq);
  }
  return undefined;
}

/** A numeric bound, or the [start, next) of a resolved date filter ("between"). */
const isRangeValue = (filter: Filter) =>
  typeof filter.value === "number" || filter.operator === "between";

/** The seq range of a block that can satisfy the range filters on monotone fields. */
function narrowBlock(block: GeneratedBlock, required: Filter[]): [number, number] {
  let lo = 0;
  let hi = block.count;
  for (const filter of required) {
    const valueAt = monotoneFields[filter.field];
    if (!valueAt || !isRangeValue(filter)) continue;
    const firstIndex = (test: (v: number) => boolean) => {
      let a = 0;
      let b = block.count;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (test(valueAt(block, mid))) b = mid;
        else a = mid + 1;
      }
      return a;
    };
    if (filter.operator === "between") {
      const [from, to] = filter.value as [number, number];
      lo = Math.max(
        lo,
        firstIndex((v) => v >= from),
      );
      hi = Math.min(
        hi,
        firstIndex((v) => v >= to),
      );
      continue;
    }
    const x = filter.value as number;
    if (filter.operator === ">")
      lo = Math.max(
        lo,
        firstIndex((v) => v > x),
      );
    if (filter.operator === ">=")
      lo = Math.max(
        lo,
        firstIndex((v) => v >= x),
      );
    if (filter.operator === "<")
      hi = Math.min(
        hi,
        firstIndex((v) => v >= x),
      );
    if (filter.operator === "<=")
      hi = Math.min(
        hi,
        firstIndex((v) => v > x),
      );
    if (filter.operator === "=") {
      lo = Math.max(
        lo,
        firstIndex((v) => v >= x),
      );
      hi = Math.min(
        hi,
        firstIndex((v) => v > x),
      );
    }
  }
  return [block.start + lo, block.start + Math.max(lo, hi)];
}

/** A query decided by block position alone: timestamp ranges and role, nothing per contact. */
function decidedByRange(query: Query, required: Filter[]): boolean {
  const all = "field" in query ? [query] : query.operator === "AND" ? query.value : [];
  return (
    all.length > 0 &&
    all.length === required.length &&
    required.every(
      (filter) =>
        (filter.field in monotoneFields && isRangeValue(filter) && filter.operator !== "!=") ||
        (filter.field === "role" && filter.operator === "="),
    ) &&
    required.every((filter) => !["IN", "NIN"].includes(filter.operator))
  );
}

function countMatches(
  store: ContactStore,
  input: SearchInput,
  required: Filter[],
  visible: (seq: number) => ContactRecord | undefined,
): number {
  if (!decidedByRange(input.query, required)) {
    let count = 0;
    for (const seq of store.candidatesAfter(-1, (block) => narrowBlock(block, required))) {
      if (visible(seq)) count++;
    }
    return count;
  }
  // Arithmetic over untouched generated contacts, evaluation for the few held in memory.
  const roleFilter = required.find((filter) => filter.field === "role");
  const special = new Set([...store.hiddenSeqs(), ...store.writtenSeqs()]);
  let count = 0;
  for (const block of store.generatedBlocks()) {
    if (roleFilter && roleFilter.value !== block.role) continue;
    const [from, to] = narrowBlock(block, required);
    count += to - from;
    for (const seq of special) if (seq >= from && seq < to) count--;
  }
  for (const seq of store.writtenSeqs()) if (visible(seq)) count++;
  return count;
}
