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
  const day = DateTime.fromSeconds(seconds, { zone: timezone }).startOf("day");
  return { start: day.toSeconds(), next: day.plus({ days: 1 }).toSeconds() };
}

/** True for a timezone name Intercom could hold (IANA, e.g. "America/Los_Angeles", "UTC"). */
export function isTimezone(name: unknown): name is string {
  return typeof name === "string" && IANAZone.isValidZone(name);
}
