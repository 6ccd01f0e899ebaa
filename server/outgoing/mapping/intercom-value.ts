import { isDateKey, LIST_SEPARATOR, toUnixSeconds } from "../../../common/intercom-typing";

/** "String CDAs hold at most 255 characters" (intercom-api.md §1.2). */
export const TEXT_LIMIT = 255;
const CUT_MARK = " [...]";

export type IntercomDataType = "string" | "integer" | "float" | "boolean" | "date";

export type Coerced =
  { ok: true; value: string | number | boolean; cut?: boolean } | { ok: false; reason: string };

/** Cuts text to Intercom's limit, marking the cut as Hull's classic connector did (" [...]"). */
export function cutText(text: string, limit = TEXT_LIMIT): { value: string; wasCut: boolean } {
  if (text.length <= limit) return { value: text, wasCut: false };
  return { value: text.slice(0, limit - CUT_MARK.length) + CUT_MARK, wasCut: true };
}

/** Arrays joined with "," and objects as JSON: Intercom attributes hold no structures. */
function asText(value: unknown): string {
  if (Array.isArray(value)) {
    return value
      .filter((item) => item !== null && item !== undefined)
      .map((item) => (typeof item === "object" ? JSON.stringify(item) : String(item)))
      .join(LIST_SEPARATOR.attribute);
  }
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/**
 * Makes a Hull value valid for an Intercom attribute of `type`. Undefined type = the attribute
 * does not exist yet and will be created with the type {@link inferDataType} gives.
 */
export function toIntercomValue(value: unknown, type: IntercomDataType): Coerced {
  switch (type) {
    case "date": {
      const seconds = toUnixSeconds(value);
      return seconds === undefined
        ? { ok: false, reason: `${JSON.stringify(value)} is not a date` }
        : { ok: true, value: seconds };
    }
    case "integer": {
      const number = asNumber(value);
      return number === undefined
        ? { ok: false, reason: `${JSON.stringify(value)} is not a number` }
        : { ok: true, value: Math.round(number) };
    }
    case "float": {
      const number = asNumber(value);
      return number === undefined
        ? { ok: false, reason: `${JSON.stringify(value)} is not a number` }
        : { ok: true, value: number };
    }
    case "boolean":
      if (typeof value === "boolean") return { ok: true, value };
      if (value === "true" || value === "false") return { ok: true, value: value === "true" };
      return { ok: false, reason: `${JSON.stringify(value)} is not a boolean` };
    case "string": {
      const { value: text, wasCut } = cutText(asText(value));
      return wasCut ? { ok: true, value: text, cut: true } : { ok: true, value: text };
    }
  }
}

/**
 * The type to create a missing custom attribute with, from its Intercom name and the value: a
 * date under a date key (`*_at`, `*_date`) whatever its form, epoch milliseconds included
 * (common/intercom-typing.ts); else the value's own type.
 */
export function inferDataType(name: string, value: unknown): IntercomDataType {
  if (
    isDateKey(name, "attribute") &&
    typeof value !== "boolean" &&
    toUnixSeconds(value) !== undefined
  ) {
    return "date";
  }
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "float";
  return "string";
}

/** Intercom's data_type names, read leniently (datetime reads back as date). */
export function readDataType(type: string | undefined): IntercomDataType | undefined {
  if (type === "datetime") return "date";
  return type === "string" ||
    type === "integer" ||
    type === "float" ||
    type === "boolean" ||
    type === "date"
    ? type
    : undefined;
}
