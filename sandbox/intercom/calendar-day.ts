import { DateTime, IANAZone } from "luxon";

/**
 * Calendar days in the workspace's timezone, the unit of every date search (official description,
 * POST /contacts/search, "Searching for Timestamp Fields": "Timestamp fields … are matched by
 * calendar day … The day boundary uses your workspace's timezone"). Times are Unix seconds.
 */
export interface CalendarDay {
  /** First second of the day (local midnight), Unix seconds. */
  start: number;
  /** First second of the next day, Unix seconds; 23 or 25 hours later across a DST change. */
  next: number;
}

/** The calendar day, in `timezone` (IANA name), that holds the instant `seconds`. */
export function calendarDayOf(seconds: number, timezone: string): CalendarDay {
  let start = startOfDate(DateTime.fromSeconds(seconds, { zone: timezone }));
  let next = startOfDate(start.plus({ days: 1 }));
  // A DST change back across midnight (America/Sao_Paulo until 2019) repeats an hour of the previous
  // date after the next day's start: it belongs to that day, so every instant is in exactly one day.
  while (next.toSeconds() <= seconds) [start, next] = [next, startOfDate(next.plus({ days: 1 }))];
  return { start: start.toSeconds(), next: next.toSeconds() };
}

/**
 * The first instant of the local date of `instant`: the earlier 00:00 where a DST change repeats
 * midnight (America/Havana), the first existing time where one skips it (America/Santiago). Luxon's
 * startOf("day") keeps the instant's offset and `plus({ days: 1 })` the wall time, so neither alone
 * gives it on those days.
 */
function startOfDate(instant: DateTime): DateTime {
  const midnight = instant.startOf("day");
  // DST changes are 30, 60 or 120 minutes long: an earlier 00:00 of the same date is that far back.
  for (const minutes of [30, 60, 120]) {
    const earlier = midnight.minus({ minutes });
    if (earlier.hasSame(midnight, "day") && earlier.toFormat("HH:mm:ss") === "00:00:00")
      return earlier;
  }
  return midnight;
}

/** True for a timezone name Intercom could hold (IANA, e.g. "America/Los_Angeles", "UTC"). */
export function isTimezone(name: unknown): name is string {
  return typeof name === "string" && IANAZone.isValidZone(name);
}
