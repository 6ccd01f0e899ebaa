import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IntercomContact, SearchQuery } from "../../../../server/clients/intercom/types";
import {
  buildFetchQuery,
  incrementalWindow,
  selectContacts,
} from "../../../../server/incoming/fetch/fetch-window";
import { calendarDayOf } from "../../../../sandbox/intercom/calendar-day";
import { instantsAround, midnightTransitions } from "../../../helpers/midnight-transitions";

const zones = [
  "UTC",
  "Asia/Kolkata",
  "America/Los_Angeles",
  "Pacific/Chatham",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
];

/**
 * What Intercom's day-cut search matches for `updated_at op value` (official description), with the
 * stand-in's calendar days (which hold on days where a DST change skips or repeats midnight).
 */
function firstMatched(value: number, zone: string): number {
  return calendarDayOf(value, zone).next;
}
function lastMatched(value: number, zone: string): number {
  return calendarDayOf(value, zone).start - 1;
}
const boundOf = (query: SearchQuery, operator: string) =>
  ("value" in query && Array.isArray(query.value) ? (query.value as SearchQuery[]) : [query])
    .map((filter) => filter as { field?: string; operator: string; value: unknown })
    .find((filter) => filter.field === "updated_at" && filter.operator === operator)
    ?.value as number;

describe("buildFetchQuery(role, window, timezone)", () => {
  const instants = fc.integer({ min: 1_577_836_800, max: 1_893_456_000 }); // 2020 to 2030

  it("with the workspace's timezone, reads from the start of the window's first day, no earlier", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), (after, zone) => {
        const { query, sort } = buildFetchQuery("user", { after }, zone);
        const first = firstMatched(boundOf(query, ">"), zone);
        expect(first).toBe(calendarDayOf(after + 1, zone).start);
        expect(sort).toEqual({ field: "updated_at", order: "ascending" });
      }),
    );
  });

  it("without it, still covers the window in every timezone, reading at most 25 hours more", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), (after, zone) => {
        const first = firstMatched(boundOf(buildFetchQuery("lead", { after }).query, ">"), zone);
        expect(first).toBeLessThanOrEqual(after + 1);
        expect(first).toBeGreaterThan(after + 1 - 25 * 3600);
      }),
    );
  });

  it("covers the upper bound through its whole last day", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), fc.boolean(), (before, zone, known) => {
        const { query, sort } = buildFetchQuery("user", { before }, known ? zone : undefined);
        const last = lastMatched(boundOf(query, "<"), zone);
        expect(last).toBeGreaterThanOrEqual(before - 1);
        if (known) expect(last).toBe(calendarDayOf(before - 1, zone).next - 1);
        expect(sort).toBeUndefined();
      }),
    );
  });

  it.each(midnightTransitions)(
    "misses nothing in %s on a day whose midnight a DST change skips or repeats (change at %i)",
    (zone, change) => {
      for (const t of instantsAround(change)) {
        const first = firstMatched(
          boundOf(buildFetchQuery("user", { after: t - 1 }, zone).query, ">"),
          zone,
        );
        expect(first, `after ${t - 1}`).toBeLessThanOrEqual(t);
        expect(first, `after ${t - 1}`).toBeGreaterThan(t - 25 * 3600);
        const last = lastMatched(
          boundOf(buildFetchQuery("user", { before: t + 1 }, zone).query, "<"),
          zone,
        );
        expect(last, `before ${t + 1}`).toBeGreaterThanOrEqual(t);
      }
    },
  );

  it("sends integers only, never null", () => {
    const { query } = buildFetchQuery(
      "user",
      { after: 1_768_046_399, before: 1_768_132_800 },
      "Asia/Kolkata",
    );
    expect(JSON.stringify(query)).not.toContain("null");
    expect(Number.isInteger(boundOf(query, ">"))).toBe(true);
    expect(Number.isInteger(boundOf(query, "<"))).toBe(true);
  });
});

describe("incrementalWindow(cursor, now, overlap, lookback)", () => {
  it("starts at the cursor minus the overlap, or looks back on a fresh install", () => {
    expect(incrementalWindow(10_000, 50_000, 300, 86_400)).toEqual({ from: 9_700, after: 9_699 });
    expect(incrementalWindow(undefined, 200_000, 300, 86_400)).toEqual({
      from: 113_600,
      after: 113_599,
    });
  });
});

describe("selectContacts(page, window, previousEdge, edge, newest)", () => {
  const contact = (id: string, updated_at: number): IntercomContact =>
    ({ type: "contact", id, role: "user", updated_at }) as IntercomContact;

  it("keeps the window by full updated_at, skips what the previous run wrote unchanged, and each version once", () => {
    const edge: Record<string, number> = {};
    const page = [
      contact("early", 99), // the same day, before the window
      contact("unchanged", 150), // written by the previous run with these values
      contact("changed", 160), // written before, changed since
      contact("new", 170),
      contact("new", 170), // the same version twice (pages shifted)
      contact("late", 400), // after the upper bound
    ];
    const selection = selectContacts(
      page,
      { after: 100, before: 300 },
      { unchanged: 150, changed: 120 },
      edge,
      undefined,
    );
    expect(selection.write.map((c) => c.id)).toEqual(["changed", "new"]);
    expect(selection.newest).toBe(170);
    expect(edge).toEqual({ unchanged: 150, changed: 160, new: 170 });

    const later = selectContacts(
      [contact("new", 170), contact("new", 180)],
      { after: 100 },
      {},
      edge,
      170,
    );
    expect(later.write.map((c) => c.updated_at)).toEqual([180]);
    expect(later.newest).toBe(180);
  });
});
