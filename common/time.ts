/**
 * One reading of "a point in time" for the whole connector and the browser plugin (pure: no I/O,
 * no Node or DOM APIs, small enough for ship.js; server/time.ts adds what needs timezones). Every
 * form the code meets is taken:
 * - a `Date` (our own clock, `now()`),
 * - Unix seconds or Unix milliseconds, as numbers or numeric strings (Intercom REST sends seconds;
 *   Hull and browsers send milliseconds; any magnitude above 1e11 is milliseconds, since seconds stay
 *   below 1e11 until the year 5138),
 * - ISO-8601 strings (Intercom webhook items, reference/intercom-api.md §4.4; our stored cursors);
 *   a date-time without an offset is UTC, never the host's timezone,
 * - Hull's notification form "2018-10-08 16:33:15 UTC" (reference/hull-platform.md).
 *
 * Values from outside (`unknown`) go through `parseTime`, which answers undefined for "not a time".
 * Values the code makes itself are typed `TimeInput` and go through `unixSecondsOf`, which throws on
 * an invalid value, so a missing time can never travel silently into a request as `null`.
 */
export type TimeInput = Date | number | string;

const MS_THRESHOLD = 1e11;
const HULL_FORM = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/;
const NO_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

function fromEpoch(value: number): Date | undefined {
  if (!Number.isFinite(value)) return undefined;
  const date = new Date(Math.abs(value) > MS_THRESHOLD ? value : value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Whether year-month-day (month 1–12) is a day of the Gregorian calendar. */
function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Any time form above → a valid Date; undefined for anything that is not a time (never throws). */
export function parseTime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value);
  if (typeof value === "number") return fromEpoch(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (NUMERIC.test(trimmed)) return fromEpoch(Number(trimmed));
  // Hull's form and an ISO date-time without an offset are UTC: Date.parse would read the latter in
  // the host's timezone, so the same value would mean another instant on another machine.
  const utc = HULL_FORM.exec(trimmed) ?? NO_OFFSET.exec(trimmed);
  const iso = utc ? `${utc[1]}T${utc[2]}Z` : trimmed;
  // Only calendar dates: Date.parse also reads "next tuesday 2"-like text in some engines, and
  // rolls an impossible day over ("2025-02-30" is March 2nd), so the day must exist in its month.
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!day || !isCalendarDay(Number(day[1]), Number(day[2]), Number(day[3]))) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** Any time form → whole Unix seconds (rounded down); undefined when it is not a time. */
export function toUnixSeconds(value: unknown): number | undefined {
  const date = parseTime(value);
  return date === undefined ? undefined : Math.floor(date.getTime() / 1000);
}

/** Any time form → an ISO-8601 string in UTC; undefined when it is not a time. */
export function toIsoTime(value: unknown): string | undefined {
  return parseTime(value)?.toISOString();
}
