import { toIsoTime, toUnixSeconds } from "../../time";

/**
 * Intercom sends Unix seconds in REST and ISO-8601 strings inside webhook contact items
 * (reference/intercom-api.md §4.4). Both become ISO strings for Hull; zero and negative epochs mean
 * "never" in Intercom's payloads and are dropped, like anything that is not a time.
 */
export function toIsoDate(value: unknown): string | undefined {
  if (typeof value === "number" && !(value > 0)) return undefined;
  return toIsoTime(value);
}

export { toUnixSeconds };
