// Shared value rules for what goes to the Messenger: Intercom stores only flat scalars (plus two
// rich object shapes in event metadata), and dates as Unix seconds (intercom-api.md §1.3, peers.md §8).

export type Scalar = string | number | boolean;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_KEY = /(_at|_date)$/;
// Unix seconds stay below this until the year 5138; a larger number under a date key is milliseconds.
const MAX_SECONDS = 1e11;

/** Unix seconds for a Date, an ISO-8601 date-time string, or a millisecond count under a date key. */
export function toSeconds(key: string, value: unknown): number | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
  if (typeof value === "string" && ISO_DATE_TIME.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
  if (typeof value === "number" && DATE_KEY.test(key) && value > MAX_SECONDS) {
    return Math.floor(value / 1000);
  }
  return undefined;
}

/** A scalar Intercom accepts, or undefined when the value has no flat form (objects, functions, NaN). */
export function toScalar(key: string, value: unknown): Scalar | undefined {
  const seconds = toSeconds(key, value);
  if (seconds !== undefined) return seconds;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    // Intercom has no list type: the legacy connector joined arrays (peers.md §8).
    const items = value.map((item) => toScalar(key, item)).filter((item) => item !== undefined);
    return items.length > 0 ? items.join(", ") : undefined;
  }
  return undefined;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
