import { NESTED_KEY_SEPARATOR } from "../../common/intercom-typing";
import { isPlainObject, toScalar, type Scalar } from "./metadata-value";

/** What Hull.js emits as `hull.track`: one object `{event, params}` (hull-platform.md §1.4). */
export interface HullTrackPayload {
  event?: unknown;
  params?: unknown;
}

/** Intercom's two structured metadata values: a rich link and a price in cents (intercom-api.md §1.3). */
export type RichValue = { url: string; value: string } | { amount: number; currency: string };
export type Metadata = Record<string, Scalar | RichValue>;

export interface MessengerEvent {
  name: string;
  metadata: Metadata;
}

/** Intercom keeps only the first 10 metadata keys of an event (intercom-api.md §1.3). */
export const MAX_METADATA_KEYS = 10;

function richValue(value: Record<string, unknown>): RichValue | undefined {
  const keys = Object.keys(value).sort().join(",");
  if (keys === "url,value" && typeof value.url === "string" && typeof value.value === "string") {
    return { url: value.url, value: value.value };
  }
  if (
    keys === "amount,currency" &&
    Number.isInteger(value.amount) &&
    typeof value.currency === "string"
  ) {
    return { amount: value.amount as number, currency: value.currency };
  }
  return undefined;
}

/** Flattens nested objects into `_`-joined keys, in property order, stopping at `limit` keys. */
function flatten(source: Record<string, unknown>, prefix: string, out: Metadata, limit: number) {
  for (const [key, value] of Object.entries(source)) {
    if (Object.keys(out).length >= limit) return;
    const path = prefix ? `${prefix}${NESTED_KEY_SEPARATOR}${key}` : key;
    if (isPlainObject(value)) {
      const rich = richValue(value);
      if (rich) out[path] = rich;
      else flatten(value, path, out, limit);
      continue;
    }
    const scalar = toScalar(path, value, "metadata");
    if (scalar !== undefined) out[path] = scalar;
  }
}

/** Flat metadata Intercom accepts: nested keys joined with "_", dates in seconds, at most 10 keys. */
export function toMetadata(params: unknown): Metadata {
  const metadata: Metadata = Object.create(null); // keys are the site's event properties
  if (isPlainObject(params)) flatten(params, "", metadata, MAX_METADATA_KEYS);
  return metadata;
}

/**
 * Maps a Hull.js `hull.track` payload to `trackEvent` arguments, or null when it must not be
 * mirrored: Hull.js auto-tracks its own `hull.*` events (login, logout, share…), which are not
 * site activity (hull-platform.md §1.4 gotchas).
 * @example mapTrackToMessenger({event: "Viewed product", params: {price: 14}}) // {name, metadata}
 */
export function mapTrackToMessenger(
  payload: HullTrackPayload | null | undefined,
): MessengerEvent | null {
  const name = typeof payload?.event === "string" ? payload.event.trim() : "";
  if (name === "" || name.startsWith("hull.")) return null;
  return { name, metadata: toMetadata(payload?.params) };
}
