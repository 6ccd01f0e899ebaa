/**
 * ONE typing rule for what reaches Intercom, shared by the browser plugin (client/mapping) and
 * the server (server/outgoing/mapping) so a Hull value is typed the same on both paths
 * (issue 15 class 3). Pure: no I/O, no Node or DOM APIs, small enough for ship.js.
 *
 * - A value is a date only under one of Intercom's date keys, and is then sent in Unix seconds.
 *   Data attributes: names ending `_at` (Intercom's Messenger and the 1.x API read `*_at` Unix
 *   timestamps as dates, intercom-api.md §5) or `_date` (Hull's own naming rule, hull-platform.md
 *   §2.8). Event metadata: keys ending `_date` ("metadata keys ending in _date are dates, as Unix
 *   timestamps", intercom-api.md §1.3). Elsewhere a value keeps its type: `birthday:
 *   "1990-05-17T00:00:00Z"` stays that string.
 * - A date is read from a Date, an ISO-8601 string (UTC when it names no offset), Hull's
 *   "YYYY-MM-DD HH:MM:SS UTC", or epoch seconds or milliseconds (a number or a digit string,
 *   negative before 1970); a count above 1e11 is milliseconds, since Unix seconds stay below it
 *   until the year 5138.
 * - Nested keys are joined with "_": Intercom allows no "." in attribute or metadata names.
 */
import { toUnixSeconds } from "./time";

export type KeyKind = "attribute" | "metadata";

/** Joins a nested key to its parent: `{plan: {name}}` becomes `plan_name`. */
export const NESTED_KEY_SEPARATOR = "_";

/**
 * Intercom holds no lists, so an array goes as its items joined: "," for data attributes (the
 * classic connector's rule, hull-intercom-classic.md), ", " in event metadata.
 */
export const LIST_SEPARATOR: Readonly<Record<KeyKind, string>> = {
  attribute: ",",
  metadata: ", ",
};

const DATE_KEYS: Record<KeyKind, RegExp> = {
  attribute: /(_at|_date)$/,
  metadata: /_date$/,
};

/** Whether Intercom reads a value under `key` as a date. */
export function isDateKey(key: string, kind: KeyKind): boolean {
  return DATE_KEYS[kind].test(key.trim());
}

/** Unix seconds for anything that reads as a date (the one rule, common/time.ts), else undefined. */
export { toUnixSeconds };

/**
 * The Unix seconds Intercom must get for `value` under `key`, or undefined when the value is not
 * a date there (not a date key, or not readable as a date): then it is sent as it is.
 */
export function dateSecondsFor(key: string, value: unknown, kind: KeyKind): number | undefined {
  return isDateKey(key, kind) ? toUnixSeconds(value) : undefined;
}
