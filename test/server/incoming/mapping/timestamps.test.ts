import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoString, toIsoDate } from "../../../../server/incoming/mapping/timestamps";

// Every valid time value: ±100,000,000 days around the epoch (ECMA-262 §21.4.1.31).
const LIMIT_MS = 8.64e15;

describe("isoString(date): toISOString's string, each day's date formatted once", () => {
  it("equals toISOString for any valid time, the first time its day is seen and after", () => {
    fc.assert(
      fc.property(fc.integer({ min: -LIMIT_MS, max: LIMIT_MS }), (ms) => {
        const date = new Date(ms);
        expect(isoString(date)).toBe(date.toISOString());
        expect(isoString(date)).toBe(date.toISOString());
        // The same day's midnight, read from the kept date.
        const sameDay = new Date(ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000));
        expect(isoString(sameDay)).toBe(sameDay.toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ["the epoch", 0],
    ["the last millisecond before it", -1],
    ["a day's last millisecond", Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ["a day's first", Date.UTC(2024, 2, 1)],
    ["the year 0", Date.parse("0000-01-01T00:00:00.000Z")],
    ["year 9999's last millisecond", Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    ["year 10000 (signed six-digit year)", Date.UTC(10_000, 0, 1, 12)],
    ["a year before 0", Date.parse("-000001-06-01T10:00:00.000Z")],
    ["the latest time", LIMIT_MS],
    ["the earliest time", -LIMIT_MS],
  ])("equals toISOString at %s, twice", (_, ms) => {
    const date = new Date(ms);
    expect(isoString(date)).toBe(date.toISOString());
    expect(isoString(new Date(ms))).toBe(date.toISOString());
  });

  it("keeps reading times right after its kept days were emptied", () => {
    const start = Date.UTC(2000, 0, 1, 6, 7, 8, 9);
    for (let day = 0; day < 5000; day++) {
      const date = new Date(start + day * 86_400_000);
      expect(isoString(date)).toBe(date.toISOString());
    }
    const again = new Date(start + 86_400_000 * 4999 + 3_600_000);
    expect(isoString(again)).toBe(again.toISOString());
  });
});

describe("toIsoDate(value)", () => {
  it("writes Intercom's Unix seconds as toISOString does, and drops zero and negatives", () => {
    expect(toIsoDate(1_539_016_395)).toBe("2018-10-08T16:33:15.000Z");
    expect(toIsoDate(1_539_016_395)).toBe("2018-10-08T16:33:15.000Z");
    expect(toIsoDate(1_539_016_396)).toBe("2018-10-08T16:33:16.000Z");
    expect(toIsoDate("2018-10-08T22:03:15.240+05:30")).toBe("2018-10-08T16:33:15.240Z");
    expect(toIsoDate(0)).toBeUndefined();
    expect(toIsoDate(-5)).toBeUndefined();
    expect(toIsoDate("never")).toBeUndefined();
  });
});
