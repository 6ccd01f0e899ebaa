import { describe, expect, it } from "vitest";
import {
  calendarDayIn,
  parseTime,
  toIsoTime,
  toUnixSeconds,
  unixSecondsOf,
} from "../../server/time";
import { instantsAround, midnightTransitions } from "../helpers/midnight-transitions";

describe("toUnixSeconds(value): every kind of time the code passes", () => {
  const seconds = 1_539_016_395; // 2018-10-08T16:33:15Z
  const cases: [string, unknown, number | undefined][] = [
    ["a Date", new Date(seconds * 1000 + 999), seconds],
    ["Unix seconds", seconds, seconds],
    ["Unix milliseconds", seconds * 1000 + 123, seconds],
    ["Unix seconds as text", String(seconds), seconds],
    ["ISO-8601 in UTC", "2018-10-08T16:33:15.999Z", seconds],
    ["ISO-8601 with an offset (Intercom webhooks)", "2018-10-08T22:03:15.240+05:30", seconds],
    ["Hull's notification form", "2018-10-08 16:33:15 UTC", seconds],
    ["a date before 1973 as ISO", "1970-01-02T00:00:00Z", 86_400],
    ["ISO-8601 without an offset, read as UTC", "2018-10-08T16:33:15", seconds],
    ["an invalid Date", new Date(Number.NaN), undefined],
    ["free text", "next tuesday", undefined],
    // Kind: impossible calendar days rolled over by Date.parse (a reviewer's finding, 2026-12-01).
    ["an impossible day (February 30th)", "2025-02-30", undefined],
    ["an impossible day with a time", "2025-04-31T10:00:00Z", undefined],
    ["a 13th month", "2025-13-01T00:00:00Z", undefined],
    ["February 29th of a non-leap year", "2025-02-29 10:00:00 UTC", undefined],
    ["February 29th of a leap year", "2024-02-29T00:00:00Z", 1_709_164_800],
    ["a boolean", true, undefined],
    ["null", null, undefined],
    ["undefined", undefined, undefined],
  ];
  it.each(cases)("reads %s", (_, input, expected) => {
    expect(toUnixSeconds(input)).toBe(expected);
    expect(toIsoTime(input)).toBe(
      expected === undefined ? undefined : new Date(parseTime(input)!.getTime()).toISOString(),
    );
  });

  it("reads ISO-8601 without an offset as UTC, whatever this machine's zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      expect(toUnixSeconds("2018-10-08T16:33:15")).toBe(seconds);
      expect(toIsoTime("2018-10-08T16:33")).toBe("2018-10-08T16:33:00.000Z");
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("unixSecondsOf takes the typed forms and throws instead of answering undefined", () => {
    expect(unixSecondsOf(new Date("2026-01-10T12:00:00Z"))).toBe(1_768_046_400);
    expect(unixSecondsOf("2026-01-10T12:00:00Z")).toBe(1_768_046_400);
    expect(unixSecondsOf(1_768_046_400_000)).toBe(1_768_046_400);
    expect(() => unixSecondsOf("soon")).toThrow(TypeError);
    // @ts-expect-error: a value that is no time is refused at compile time
    expect(() => unixSecondsOf(null)).toThrow(TypeError);
  });
});

describe("an ISO-8601 time without an offset", () => {
  it("is read as UTC, whatever the host's timezone", () => {
    const saved = process.env.TZ;
    process.env.TZ = "Asia/Kolkata"; // Node re-reads TZ when it changes
    try {
      expect(toUnixSeconds("2026-01-10T12:00:00")).toBe(1_768_046_400);
      expect(toUnixSeconds("2026-01-10T12:00:00.5")).toBe(1_768_046_400);
      expect(toUnixSeconds("2026-01-10 12:00:00")).toBe(1_768_046_400);
      expect(toUnixSeconds("2026-01-10T17:30:00+05:30")).toBe(1_768_046_400);
      expect(toUnixSeconds("2026-01-10")).toBe(1_768_003_200);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe("calendarDayIn(seconds, timezone)", () => {
  it("finds local midnight, DST days included, and refuses unknown zones", () => {
    // 2026-01-10 12:00 UTC is 17:30 in Kolkata: the day began at 2026-01-09 18:30 UTC.
    expect(calendarDayIn(1_768_046_400, "Asia/Kolkata")).toEqual({
      start: Date.UTC(2026, 0, 9, 18, 30) / 1000,
      next: Date.UTC(2026, 0, 10, 18, 30) / 1000,
    });
    // 2026-03-08 is 23 hours long in Los Angeles (clocks go forward).
    const dst = calendarDayIn(Date.UTC(2026, 2, 8, 20) / 1000, "America/Los_Angeles")!;
    expect(dst.next - dst.start).toBe(23 * 3600);
    expect(calendarDayIn(0, "Mars/Olympus")).toBeUndefined();
  });
});

describe("calendarDayIn on days whose midnight a DST change skips or repeats", () => {
  it.each(midnightTransitions)(
    "cuts %s into days that follow each other (change at %i)",
    (zone, change) => {
      for (const t of instantsAround(change)) {
        const day = calendarDayIn(t, zone)!;
        expect(day.start <= t && t < day.next, `${t} in [${day.start}, ${day.next})`).toBe(true);
        // The day before ends exactly where this one starts: no instant belongs to no day or to two.
        expect(calendarDayIn(day.start - 1, zone)!.next, `day before ${t}`).toBe(day.start);
      }
    },
  );
});
