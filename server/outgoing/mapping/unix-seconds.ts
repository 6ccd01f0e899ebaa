/**
 * Intercom wants dates as integer Unix seconds. Hull gives ISO strings, its notification form
 * "2018-10-08 16:33:15 UTC", or epoch numbers (seconds or milliseconds). Undefined = not a date.
 */
export function toUnixSeconds(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    // Epoch milliseconds are 1000 times larger than any plausible epoch seconds (year > 5000).
    return Math.floor(Math.abs(value) > 1e11 ? value / 1000 : value);
  }
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return toUnixSeconds(Number(trimmed));
  const hullForm = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/.exec(trimmed);
  const iso = hullForm ? `${hullForm[1]}T${hullForm[2]}Z` : trimmed;
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
