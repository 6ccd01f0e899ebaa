import { IntercomError, parameterInvalid } from "./errors.js";
import type { AttributeStore } from "./store/attribute-store.js";

/** The writable contact fields of create_contact_request / update_contact_request (API 2.14). */
export interface ContactInput {
  role?: "user" | "lead";
  external_id?: string | null;
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  avatar?: string | null;
  signed_up_at?: number | null;
  last_seen_at?: number | null;
  owner_id?: number | null;
  unsubscribed_from_emails?: boolean | null;
  custom_attributes?: Record<string, string | number | boolean | null>;
}

type Check = (value: unknown) => boolean;
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
const isString: Check = (value) => typeof value === "string";
const isInt: Check = (value) => typeof value === "number" && Number.isInteger(value);
const isBool: Check = (value) => typeof value === "boolean";

const fields: Record<string, [Check, string]> = {
  role: [(value) => value === "user" || value === "lead", "'user' or 'lead'"],
  external_id: [nullable(isString), "a string"],
  email: [nullable(isString), "a string"],
  phone: [nullable(isString), "a string"],
  name: [nullable(isString), "a string"],
  avatar: [
    nullable((value) => isString(value) && /^https?:\/\//.test(value as string)),
    "an http(s) URL",
  ],
  signed_up_at: [nullable(isInt), "Unix seconds (integer)"],
  last_seen_at: [nullable(isInt), "Unix seconds (integer)"],
  owner_id: [nullable(isInt), "an integer"],
  unsubscribed_from_emails: [nullable(isBool), "a boolean"],
  custom_attributes: [
    nullable((value) => typeof value === "object" && !Array.isArray(value)),
    "an object",
  ],
};

/** How a custom attribute value of each data type is checked (contacts and companies alike). */
export const customChecks: Record<string, [Check, string]> = {
  string: [
    (value) => isString(value) && (value as string).length <= 255,
    "a string of at most 255 characters",
  ],
  integer: [isInt, "an integer"],
  float: [(value) => typeof value === "number", "a number"],
  boolean: [isBool, "a boolean"],
  date: [isInt, "a date in Unix seconds"],
};

/** Validates a contact write; every problem is a 400 in Intercom's shape, found before anything is written. */
export function parseContactInput(body: unknown, attributes: AttributeStore): ContactInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw parameterInvalid("Request body must be a JSON object");
  }
  const input = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    // Own keys only: a body key such as "constructor" is an unknown field, not a 500.
    const rule = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (!rule) throw parameterInvalid(`'${key}' is not a contact field`);
    if (!rule[0](value))
      throw new IntercomError(400, "parameter_invalid", `${key} must be ${rule[1]}`);
  }
  if (
    typeof input.email === "string" &&
    input.email !== "" &&
    !/^[^@\s]+@[^@\s]+$/.test(input.email)
  ) {
    throw parameterInvalid("email is not a valid email address");
  }
  const custom = (input.custom_attributes ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(custom)) {
    const attribute = attributes.active(name);
    if (!attribute) {
      throw new IntercomError(
        400,
        "parameter_not_found",
        `Custom attribute '${name}' does not exist`,
      );
    }
    const [check, expected] = customChecks[attribute.data_type];
    if (value !== null && !check(value)) {
      throw parameterInvalid(`Custom attribute '${name}' must be ${expected}`);
    }
  }
  return input as ContactInput;
}
