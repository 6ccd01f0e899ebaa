// Shared value rules for what goes to the Messenger: Intercom stores only flat scalars (plus two
// rich object shapes in event metadata), and dates as Unix seconds (intercom-api.md §1.3, peers.md §8).
import { dateSecondsFor, LIST_SEPARATOR, type KeyKind } from "../../common/intercom-typing";

export type Scalar = string | number | boolean;

/**
 * A scalar Intercom accepts under `key`, or undefined when the value has no flat form (objects,
 * functions, NaN). Typed by the rule the server shares (common/intercom-typing.ts): a date only
 * under a date key of `kind`, in Unix seconds; anything else keeps its type.
 */
export function toScalar(key: string, value: unknown, kind: KeyKind): Scalar | undefined {
  const seconds = dateSecondsFor(key, value, kind);
  if (seconds !== undefined) return seconds;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (Array.isArray(value)) {
    // Intercom has no list type: the legacy connector joined arrays (peers.md §8).
    const items = value
      .map((item) => toScalar(key, item, kind))
      .filter((item) => item !== undefined);
    return items.length > 0 ? items.join(LIST_SEPARATOR[kind]) : undefined;
  }
  return undefined;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
