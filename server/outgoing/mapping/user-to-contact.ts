import { withoutTraitsPrefix } from "../../../common/identity";
import type { ContactWrite, IntercomContact } from "../../clients/intercom/types";
import type { ConnectorSettings } from "../../settings";
import type { OutgoingUser } from "../hull-input/user-update";
import {
  inferDataType,
  toIntercomValue,
  type Coerced,
  type IntercomDataType,
} from "./intercom-value";

type OutgoingRow = ConnectorSettings["outgoingAttributes"][number];
type IncomingRow = ConnectorSettings["incomingAttributes"][number];
type Scalar = string | number | boolean;

/** Writable top-level fields of Intercom's create/update contact request (2.14) and their types. */
export const STANDARD_FIELDS: Readonly<Record<string, IntercomDataType>> = {
  email: "string",
  phone: "string",
  name: "string",
  avatar: "string",
  signed_up_at: "date",
  last_seen_at: "date",
  owner_id: "integer",
  unsubscribed_from_emails: "boolean",
};

/** Intercom computes these or uses them for identity: a mapping row may not write them. */
const NOT_WRITABLE = new Set([
  "id",
  "type",
  "role",
  "external_id",
  "user_id",
  "workspace_id",
  "email_domain",
  "created_at",
  "updated_at",
]);

export type KnownValue = { known: true; value: unknown } | { known: false };
/** What Intercom holds for an attribute (standard field or custom attribute name). */
export type IntercomValueLookup = (name: string, custom: boolean) => KnownValue;

export interface AttributeMappingInput {
  user: OutgoingUser;
  rows: readonly OutgoingRow[];
  /** Custom attributes Intercom has, with their types. */
  customTypes: ReadonlyMap<string, IntercomDataType>;
  /** What Intercom holds now; `"new"` for a contact about to be created (all empty). */
  intercom: "new" | IntercomValueLookup;
}

export interface AttributeMapping {
  /** Top-level fields and `custom_attributes`, only what must be written. */
  contact: ContactWrite;
  /** Custom attributes Intercom lacks, with the type to create them with. */
  missing: { name: string; dataType: IntercomDataType }[];
  /** Intercom attributes whose current value must be read first (overwrite off, value unknown). */
  unknown: string[];
  warnings: string[];
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === "";

function targetOf(name: string): { name: string; custom: boolean } {
  const trimmed = name.trim();
  if (trimmed.startsWith("custom_attributes.")) return { name: trimmed.slice(18), custom: true };
  // Own keys only: a row named "constructor" is a custom attribute, not an inherited member.
  return { name: trimmed, custom: !Object.hasOwn(STANDARD_FIELDS, trimmed) };
}

/**
 * Turns the outgoing mapping rows into the attributes of a contact write (DESIGN.md §5): standard
 * fields top level, others in `custom_attributes`, values made valid for Intercom. A row without
 * "Hull overwrites Intercom" writes only where Intercom's value is empty; the classic connector
 * ignored the flag for custom attributes (hull-intercom-classic.md §2.10), we honour it for all.
 * Values equal to Intercom's are left out, so an unchanged user costs no request.
 */
export function mapUserToContact(input: AttributeMappingInput): AttributeMapping {
  const { user, rows, customTypes, intercom } = input;
  const contact: ContactWrite = {};
  // Names come from the settings (a person's input): no prototype to inherit or write into.
  const custom: Record<string, Scalar> = Object.create(null);
  const missing = new Map<string, IntercomDataType>();
  const unknown: string[] = [];
  const warnings: string[] = [];

  for (const row of rows) {
    const hullName = withoutTraitsPrefix(row.hull);
    const value = user[hullName];
    if (value === undefined || value === null) continue;
    const target = targetOf(row.name);
    if (NOT_WRITABLE.has(row.name.trim())) {
      warnings.push(`"${target.name}" is not writable in Intercom; row ${hullName} skipped`);
      continue;
    }
    const known = target.custom
      ? customTypes.get(target.name)
      : Object.hasOwn(STANDARD_FIELDS, target.name)
        ? STANDARD_FIELDS[target.name]
        : undefined;
    const type = known ?? inferDataType(target.name, value);
    const coerced = toIntercomValue(value, type);
    if (!coerced.ok) {
      warnings.push(`${hullName} → ${target.name}: ${coerced.reason} (${type} expected)`);
      continue;
    }
    if (target.name === "avatar" && !/^https?:\/\//.test(String(coerced.value))) {
      warnings.push(`${hullName} → avatar: Intercom takes an http(s) URL`);
      continue;
    }
    if (coerced.cut) warnings.push(`${hullName} → ${target.name}: cut to 255 characters`);

    if (intercom !== "new") {
      const current = intercom(target.name, target.custom);
      if (!current.known) {
        // Needed to decide "only where empty", or to skip an unchanged value.
        if (!row.overwrite) {
          unknown.push(target.name);
          continue;
        }
      } else if (!row.overwrite && !isEmpty(current.value)) {
        continue;
      } else if (sameValue(current.value, coerced, type)) {
        continue;
      }
    }
    if (target.custom) {
      custom[target.name] = coerced.value;
      if (!known) missing.set(target.name, type);
    } else {
      (contact as Record<string, unknown>)[target.name] = coerced.value;
    }
  }
  if (Object.keys(custom).length > 0) contact.custom_attributes = custom;
  return {
    contact,
    missing: [...missing].map(([name, dataType]) => ({ name, dataType })),
    unknown,
    warnings,
  };
}

function sameValue(current: unknown, next: Coerced & { ok: true }, type: IntercomDataType) {
  if (isEmpty(current)) return false;
  const normalised = toIntercomValue(current, type);
  return normalised.ok && normalised.value === next.value;
}

/**
 * Intercom's values as Hull last saw them: `intercom/<field>` for standard fields, and for custom
 * attributes the Hull attribute the incoming mapping writes them to (or `intercom/<name>`).
 * An attribute Hull has no key for is unknown, and must be read from Intercom.
 */
export function intercomValuesFromHull(
  user: OutgoingUser,
  incomingRows: readonly IncomingRow[],
): IntercomValueLookup {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(user, key);
  return (name, custom) => {
    const candidates = [`intercom/${name}`];
    if (custom) {
      for (const row of incomingRows) {
        if (row.name !== name) continue;
        const hull = withoutTraitsPrefix(row.hull);
        candidates.unshift(hull.startsWith("intercom/") ? hull : `intercom/${hull}`);
      }
    }
    const key = candidates.find(has);
    return key ? { known: true, value: user[key] } : { known: false };
  };
}

/** Intercom's values read from the contact itself: everything is known. */
export function intercomValuesFromContact(contact: IntercomContact): IntercomValueLookup {
  return (name, custom) => {
    if (custom) {
      // Own keys only: Intercom's JSON is a plain object, "toString" must not find a function.
      const attributes = contact.custom_attributes ?? {};
      return { known: true, value: Object.hasOwn(attributes, name) ? attributes[name] : undefined };
    }
    const value = contact[name];
    if (name === "avatar" && typeof value === "object" && value !== null) {
      return { known: true, value: (value as { image_url?: unknown }).image_url };
    }
    return { known: true, value };
  };
}
