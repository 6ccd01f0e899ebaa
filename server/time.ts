import { DateTime, IANAZone } from "luxon";
import { toUnixSeconds, type TimeInput } from "../common/time";

export { parseTime, toIsoTime, toUnixSeconds, type TimeInput } from "../common/time";

/**
 * Unix seconds of a time the code itself holds. Throws a TypeError naming the value when it is not
 * a time: a programming error, caught by tests, instead of `value: null` sent to Intercom.
 */
export function unixSecondsOf(value: TimeInput): number {
  const seconds = toUnixSeconds(value);
  if (seconds === undefined) throw new TypeError(`not a time: ${JSON.stringify(value)}`);
  return seconds;
}

/**
 * Calendar days in a named timezone (IANA, e.g. "Asia/Kolkata"), the unit in which Intercom's search
 * compares dates (official description, POST /contacts/search, "Searching for Timestamp Fields").
 * Times are Unix seconds. Undefined when `timezone` is not a valid IANA name.
 */
export function calendarDayIn(
  seconds: number,
  timezone: string,
): { start: number; next: number } | undefined {
  if (!IANAZone.isValidZone(timezone)) return undefined;
  let start = startOfDate(DateTime.fromSeconds(seconds, { zone: timezone }));
  let next = startOfDate(start.plus({ days: 1 }));
  // Where a DST change jumps back across midnight (America/Sao_Paulo until 2019), the repeated hour
  // carries the previous date but lies after the next day's start: it belongs to that day.
  while (next.toSeconds() <= seconds) [start, next] = [next, startOfDate(next.plus({ days: 1 }))];
  return { start: start.toSeconds(), next: next.toSeconds() };
}

/**
 * The first instant of the local date of `instant`. Luxon's startOf("day") keeps the instant's
 * offset, so where a DST change repeats midnight (America/Havana, Atlantic/Azores) it answers the
 * second 00:00 for instants after the change; and `plus({ days: 1 })` keeps the wall time, so after
 * a skipped midnight (America/Santiago) it lands at 01:00. Both would leave instants in no day.
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

/** The longest calendar day anywhere (a 24-hour day plus a one-hour DST shift), in seconds. */
export const LONGEST_DAY_SECONDS = 25 * 3600;
