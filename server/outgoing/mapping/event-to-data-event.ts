import type { DataEvent } from "../../clients/intercom/types";
import type { HullEvent } from "../hull-input/user-update";
import { cutText } from "./intercom-value";
import {
  dateSecondsFor,
  LIST_SEPARATOR,
  NESTED_KEY_SEPARATOR,
  toUnixSeconds,
} from "../../../common/intercom-typing";

/** "We currently limit the number of tracked metadata keys to 10 per event" (intercom-api.md §1.3). */
export const METADATA_KEY_LIMIT = 10;

/** Properties Intercom shows as a monetary amount `{amount: cents, currency}` (intercom-api.md §1.3). */
const REVENUE_KEYS = ["revenue", "price"];

type MetadataValue = string | number | { amount: number; currency: string };

export type EventMapping =
  | { ok: true; event: DataEvent; droppedKeys: string[]; cutKeys: string[] }
  | { ok: false; reason: string };

/** Named in `send_events`, and not an event Intercom itself caused (no echo back). */
export function isSendableEvent(event: HullEvent, sendEvents: readonly string[]): boolean {
  if (!sendEvents.includes(event.event)) return false;
  const contextSource = event.context?.source;
  return event.event_source !== "intercom" && contextSource !== "intercom";
}

function flatten(
  key: string,
  value: unknown,
  out: Map<string, MetadataValue>,
  cut: string[],
): void {
  if (value === null || value === undefined) return;
  // Under a date key (`*_date`) a date goes in Unix seconds, whatever its form (ms included).
  const seconds = dateSecondsFor(key, value, "metadata");
  if (seconds !== undefined) {
    out.set(key, seconds);
    return;
  }
  if (Array.isArray(value)) {
    const joined = value
      .filter((item) => item !== null && item !== undefined)
      .map((item) => (typeof item === "object" ? JSON.stringify(item) : String(item)))
      .join(LIST_SEPARATOR.metadata);
    flatten(key, joined, out, cut);
  } else if (typeof value === "object") {
    // Intercom takes no nesting and no "." in keys: {plan: {name}} becomes plan_name.
    for (const inner of Object.keys(value).sort()) {
      const nested = `${key}${NESTED_KEY_SEPARATOR}${inner}`;
      flatten(nested, (value as Record<string, unknown>)[inner], out, cut);
    }
  } else if (typeof value === "number") {
    if (Number.isFinite(value)) out.set(key, value);
  } else if (typeof value === "boolean") {
    out.set(key, String(value));
  } else {
    const { value: short, wasCut } = cutText(String(value));
    if (wasCut) cut.push(key);
    out.set(key, short);
  }
}

function monetaryAmount(properties: Record<string, unknown>) {
  for (const key of REVENUE_KEYS) {
    const raw = properties[key];
    const amount = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof amount === "number" && Number.isFinite(amount) && amount > 0) {
      const currency =
        typeof properties.currency === "string" && properties.currency.trim() !== ""
          ? properties.currency.trim().toLowerCase()
          : "usd";
      return { amount: Math.round(amount * 100), currency };
    }
  }
  return undefined;
}

/**
 * A Hull event as Intercom's `POST /events` body: `created_at` in seconds, the contact by its
 * Intercom id (required for leads), metadata flattened to at most 10 keys in a stable order:
 * the monetary amount first, then keys alphabetically, so the same event keeps the same keys.
 */
export function mapEventToDataEvent(event: HullEvent, contactId: string): EventMapping {
  const name = event.event.trim();
  if (name === "") return { ok: false, reason: "the event has no name" };
  const createdAt = toUnixSeconds(event.created_at);
  if (createdAt === undefined) {
    return { ok: false, reason: `"${name}" has no readable created_at` };
  }
  const properties = event.properties ?? {};
  const price = monetaryAmount(properties);
  const flat = new Map<string, MetadataValue>();
  const cutKeys: string[] = [];
  for (const key of Object.keys(properties).sort()) {
    if (price && (REVENUE_KEYS.includes(key) || key === "currency")) continue;
    flatten(key, properties[key], flat, cutKeys);
  }
  const entries: [string, MetadataValue][] = [...flat.entries()];
  if (price) entries.unshift(["price", price]);
  const kept = entries.slice(0, METADATA_KEY_LIMIT);
  const metadata = Object.fromEntries(kept);
  return {
    ok: true,
    event: {
      event_name: name,
      created_at: createdAt,
      id: contactId,
      ...(kept.length > 0 ? { metadata } : {}),
    },
    droppedKeys: entries.slice(METADATA_KEY_LIMIT).map(([key]) => key),
    cutKeys,
  };
}
