import { parseTime, toUnixSeconds } from "../../time";

/**
 * Intercom sends Unix seconds in REST and ISO-8601 strings inside webhook contact items
 * (reference/intercom-api.md §4.4). Both become ISO strings for Hull; zero and negative epochs mean
 * "never" in Intercom's payloads and are dropped, like anything that is not a time.
 */
export function toIsoDate(value: unknown): string | undefined {
  if (typeof value === "number" && !(value > 0)) return undefined;
  const date = parseTime(value);
  return date === undefined ? undefined : isoString(date);
}

export { toUnixSeconds };

const DAY_MS = 86_400_000;
/** Days (since the epoch) whose "YYYY-MM-DDT" is kept; the map is emptied when it is full. */
const MAX_DAYS = 4096;
const dayPrefixes = new Map<number, string>();

const pad2 = (value: number) => (value < 10 ? `0${value}` : `${value}`);
const pad3 = (value: number) =>
  value < 10 ? `00${value}` : value < 100 ? `0${value}` : `${value}`;

/**
 * `date.toISOString()` (`YYYY-MM-DDTHH:mm:ss.sssZ`, UTC) of a valid Date, the same string, with
 * each day's calendar date formatted once: V8's toISOString takes ~0.4 µs and a contact has 8
 * timestamps, a fetch hot spot (bench/README.md, issue 18). A UTC day is always 86,400,000 ms
 * (JavaScript time has no leap seconds), so the time of day is plain arithmetic. Years outside
 * 0000–9999 (written with a sign and six digits) are left to toISOString. Throws RangeError for
 * an invalid Date, as toISOString does.
 */
export function isoString(date: Date): string {
  const ms = date.getTime();
  const day = Math.floor(ms / DAY_MS);
  const prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    const iso = date.toISOString();
    if (iso.length === 24) {
      if (dayPrefixes.size >= MAX_DAYS) dayPrefixes.clear();
      dayPrefixes.set(day, iso.slice(0, 11));
    }
    return iso;
  }
  const inDay = ms - day * DAY_MS;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  return `${prefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(inDay % 1000)}Z`;
}
