import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createIdCodec } from "../../../../sandbox/intercom/ids.js";
import {
  matchesQuery,
  parseQuery,
  resolveDates,
  type Query,
} from "../../../../sandbox/intercom/store/contact-query.js";
import { ContactStore } from "../../../../sandbox/intercom/store/contact-store.js";
import { searchContacts } from "../../../../sandbox/intercom/store/search-contacts.js";

const noCustomTypes = () => undefined;

function storeWithBlocks() {
  const store = new ContactStore(createIdCodec(9), 9);
  store.addGenerated(300, "user", 1_767_000_000);
  store.addGenerated(200, "lead", 1_767_000_000);
  return store;
}

function bruteForce(store: ContactStore, query: Query): string[] {
  return [...store.seqsAfter(-1)]
    .map((seq) => store.get(seq)!)
    .filter((r) => matchesQuery(r, query))
    .map((r) => r.id);
}

function searchAll(store: ContactStore, query: Query): { ids: string[]; total: number } {
  const ids: string[] = [];
  let after = -1;
  for (;;) {
    const page = searchContacts(store, { query, after, perPage: 70, now: 0, lagMs: 0 });
    ids.push(...page.records.map((r) => r.id));
    if (page.nextAfter === undefined) return { ids, total: page.totalCount };
    after = page.nextAfter;
  }
}

describe("searchContacts(store, input)", () => {
  it("finds exactly what a full scan finds for day-cut updated_at ranges, role and written contacts", () => {
    const store = storeWithBlocks();
    const written = store.get(10)!;
    store.write({ ...written, updated_at: 1_767_000_001 }, 0);
    store.remove(20);
    const low = store.get(0)!.updated_at;
    const high = store.get(299)!.updated_at;
    fc.assert(
      fc.property(
        fc.integer({ min: low - 10, max: high + 10 }),
        fc.constantFrom(">", "<", "="),
        fc.option(fc.constantFrom("user", "lead"), { nil: undefined }),
        fc.constantFrom("UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham"),
        (value, operator, role, timezone) => {
          const filters: unknown[] = [{ field: "updated_at", operator, value }];
          if (role) filters.push({ field: "role", operator: "=", value: role });
          const query = resolveDates(
            parseQuery({ operator: "AND", value: filters }, noCustomTypes),
            timezone,
            noCustomTypes,
          );
          const expected = bruteForce(store, query);
          const { ids, total } = searchAll(store, query);
          expect(ids).toEqual(expected);
          expect(total).toBe(expected.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("parseQuery refuses deep nesting and big groups", () => {
    const leaf = { field: "role", operator: "=", value: "user" };
    expect(() =>
      parseQuery(
        {
          operator: "AND",
          value: [{ operator: "OR", value: [{ operator: "AND", value: [leaf] }] }],
        },
        noCustomTypes,
      ),
    ).toThrow(/nesting/);
    expect(() =>
      parseQuery({ operator: "OR", value: Array(16).fill(leaf) }, noCustomTypes),
    ).toThrow(/15/);
  });
});
