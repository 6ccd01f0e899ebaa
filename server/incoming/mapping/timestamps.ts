/**
 * Intercom sends Unix seconds in REST and ISO-8601 strings inside webhook contact items
 * (reference/intercom-api.md §4.4). Both become ISO strings for Hull; anything else is dropped.
 */
export function toIsoDate(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    // Milliseconds slip in sometimes; seconds stay below 1e11 until the year 5138.
    const ms = value < 1e11 ? value * 1000 : value;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (typeof value === "string" && value.trim() !== "") {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return toIsoDate(Number(value));
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return undefined;
}

export function toUnixSeconds(value: unknown): number | undefined {
  const iso = toIsoDate(value);
  return iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000);
}
