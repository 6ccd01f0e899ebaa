import { calendarDayOf } from "../calendar-day.js";
import { parameterInvalid } from "../errors.js";
import type { ContactRecord } from "./contact-record.js";

/**
 * The contact search language as the official description documents it (POST /contacts/search:
 * "Accepted Fields", "Accepted Operators", "Searching for Timestamp Fields"; intercom-api.md §1.1).
 *
 * A parsed query keeps the caller's operators. `resolveDates` then turns every date filter into a
 * range of Unix seconds in the workspace's timezone, using the internal operators ">=", "<" and
 * "between" ([start, next) of one calendar day), which the matcher and the generated-contact index
 * understand; callers never send "between" (the parser refuses it).
 */
export type Filter = { field: string; operator: string; value: unknown };
export type Group = { operator: "AND" | "OR"; value: Query[] };
export type Query = Filter | Group;

export type FieldType = "string" | "integer" | "date" | "boolean" | "tag" | "segment";

/** The "Accepted Fields" table of the official description, with each field's type. */
const fieldTypes: Record<string, FieldType> = {
  id: "string",
  role: "string",
  name: "string",
  avatar: "string",
  owner_id: "integer",
  email: "string",
  email_domain: "string",
  phone: "string",
  external_id: "string",
  created_at: "date",
  signed_up_at: "date",
  updated_at: "date",
  last_seen_at: "date",
  last_contacted_at: "date",
  last_replied_at: "date",
  last_email_opened_at: "date",
  last_email_clicked_at: "date",
  language_override: "string",
  browser: "string",
  browser_language: "string",
  os: "string",
  "location.country": "string",
  "location.region": "string",
  "location.city": "string",
  unsubscribed_from_emails: "boolean",
  marked_email_as_spam: "boolean",
  has_hard_bounced: "boolean",
  ios_last_seen_at: "date",
  ios_app_version: "string",
  ios_device: "string",
  ios_app_device: "string",
  ios_os_version: "string",
  ios_app_name: "string",
  ios_sdk_version: "string",
  android_last_seen_at: "date",
  android_app_version: "string",
  android_device: "string",
  android_app_name: "string",
  // Spelled so in the official table; the contact model says android_sdk_version. Both accepted.
  andoid_sdk_version: "string",
  android_sdk_version: "string",
  segment_id: "segment",
  tag_id: "tag",
};

/** Operators valid for each type ("Accepted Operators" table; tag_id: only = and !=). */
const operatorsFor: Record<FieldType, string[]> = {
  string: ["=", "!=", "IN", "NIN", "~", "!~", "^", "$"],
  integer: ["=", "!=", "IN", "NIN", "<", ">", "<=", ">="],
  date: ["=", "<", ">"],
  boolean: ["=", "!=", "IN", "NIN"],
  tag: ["=", "!="],
  segment: ["=", "!=", "IN", "NIN"],
};
const allOperators = new Set(Object.values(operatorsFor).flat());

/** How the parser learns the type of `custom_attributes.<name>` (Date custom attributes are dates). */
export type CustomAttributeType = (name: string) => FieldType | undefined;

/** The type of a searchable field, or undefined when it is not searchable. */
export function fieldTypeOf(field: string, customType: CustomAttributeType): FieldType | undefined {
  if (Object.hasOwn(fieldTypes, field)) return fieldTypes[field];
  const custom = /^custom_attributes\.([^.]+)$/.exec(field);
  // An attribute not described (yet) is searched as the description's default, String.
  return custom ? (customType(custom[1]) ?? "string") : undefined;
}

function checkValue(field: string, type: FieldType, operator: string, value: unknown): void {
  const one = (item: unknown): boolean => {
    switch (type) {
      case "date":
        return typeof item === "number" && Number.isInteger(item);
      case "integer":
        return typeof item === "number" && Number.isFinite(item);
      case "boolean":
        return typeof item === "boolean";
      default:
        // "=" and "!=" with null search for contacts without a value.
        return (
          typeof item === "string" || (item === null && (operator === "=" || operator === "!="))
        );
    }
  };
  const list = operator === "IN" || operator === "NIN";
  if (list !== Array.isArray(value))
    throw parameterInvalid(
      `operator ${operator} ${Array.isArray(value) ? "does not take" : "needs"} an array value`,
    );
  const items = list ? (value as unknown[]) : [value];
  if (!items.every(one)) {
    const expected =
      type === "date"
        ? "a Unix timestamp (integer)"
        : type === "tag" || type === "segment"
          ? "a string"
          : `a ${type}`;
    throw parameterInvalid(`${field} accepts ${expected} as value, not ${JSON.stringify(value)}`);
  }
}

/**
 * Checks the shape, fields, operators and value types; returns the query typed, or throws a 400
 * `parameter_invalid` naming what is wrong ("the value you search for has to match the accepted
 * type, otherwise the query will fail"; date operators other than =, <, > "return an error").
 */
export function parseQuery(input: unknown, customType: CustomAttributeType, depth = 0): Query {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw parameterInvalid("query must be an object");
  }
  const node = input as Record<string, unknown>;
  if (node.operator === "AND" || node.operator === "OR") {
    if (depth >= 2) throw parameterInvalid("query nesting is limited to 2 levels");
    if (!Array.isArray(node.value) || node.value.length === 0) {
      throw parameterInvalid(`${node.operator} needs a non-empty array of filters as value`);
    }
    if (node.value.length > 15) throw parameterInvalid("a query group holds at most 15 filters");
    return {
      operator: node.operator,
      value: node.value.map((child) => parseQuery(child, customType, depth + 1)),
    };
  }
  const { field, operator, value } = node;
  if (typeof field !== "string" || field === "") throw parameterInvalid("filter field is required");
  const type = fieldTypeOf(field, customType);
  if (!type) throw parameterInvalid(`'${field}' is not a searchable field`);
  if (typeof operator !== "string" || !allOperators.has(operator)) {
    throw parameterInvalid(`'${String(operator)}' is not a valid operator`);
  }
  if (!operatorsFor[type].includes(operator)) {
    throw parameterInvalid(
      type === "date"
        ? `operator ${operator} is not supported on Date fields such as ${field}: use =, < or >`
        : `operator ${operator} does not apply to ${field}`,
    );
  }
  checkValue(field, type, operator, value);
  return { field, operator, value };
}

/**
 * Replaces each date filter by the range of seconds it matches: the value is truncated to its
 * calendar day in `timezone`; "=" is that whole day, ">" starts at the next day, "<" ends before
 * that day (official description, "Searching for Timestamp Fields").
 */
export function resolveDates(
  query: Query,
  timezone: string,
  customType: CustomAttributeType,
): Query {
  if (!("field" in query))
    return {
      operator: query.operator,
      value: query.value.map((q) => resolveDates(q, timezone, customType)),
    };
  if (fieldTypeOf(query.field, customType) !== "date") return query;
  const day = calendarDayOf(query.value as number, timezone);
  if (query.operator === ">") return { field: query.field, operator: ">=", value: day.next };
  if (query.operator === "<") return { field: query.field, operator: "<", value: day.start };
  return { field: query.field, operator: "between", value: [day.start, day.next] };
}

function fieldValue(record: ContactRecord, field: string): unknown {
  if (field.startsWith("custom_attributes.")) {
    const name = field.slice("custom_attributes.".length);
    // Own keys only: a query naming "constructor" must not find Object.prototype's.
    return Object.hasOwn(record.custom_attributes, name) ? record.custom_attributes[name] : null;
  }
  switch (field) {
    case "email_domain":
      return record.email?.split("@")[1] ?? null;
    case "tag_id":
      return record.tags.map((tag) => tag.id);
    case "segment_id":
      return []; // the stand-in keeps no segments: no contact is in any
    case "location.country":
      return record.location.country;
    case "location.region":
      return record.location.region;
    case "location.city":
      return record.location.city;
    default:
      return (record as unknown as Record<string, unknown>)[field] ?? null;
  }
}

const norm = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);

function matchesFilter(record: ContactRecord, filter: Filter): boolean {
  const actual = fieldValue(record, filter.field);
  const value = filter.value;
  if (Array.isArray(actual)) {
    // tag_id, segment_id: "=" means "is in", IN "is in any".
    const has = (item: unknown) => actual.includes(item);
    if (filter.operator === "IN") return (value as unknown[]).some(has);
    if (filter.operator === "NIN") return !(value as unknown[]).some(has);
    return filter.operator === "!=" ? !has(value) : has(value);
  }
  const a = norm(actual);
  switch (filter.operator) {
    case "=":
      return a === norm(value);
    case "!=":
      return a !== norm(value);
    case "IN":
      return (value as unknown[]).some((item) => norm(item) === a);
    case "NIN":
      return !(value as unknown[]).some((item) => norm(item) === a);
    case "~":
      return typeof a === "string" && a.includes(String(norm(value)));
    case "!~":
      return !(typeof a === "string" && a.includes(String(norm(value))));
    case "^":
      return typeof a === "string" && a.startsWith(String(norm(value)));
    case "$":
      return typeof a === "string" && a.endsWith(String(norm(value)));
    case "<":
      return typeof a === "number" && a < (value as number);
    case ">":
      return typeof a === "number" && a > (value as number);
    case "<=":
      return typeof a === "number" && a <= (value as number);
    case ">=":
      return typeof a === "number" && a >= (value as number);
    case "between": {
      const [from, to] = value as [number, number];
      return typeof a === "number" && a >= from && a < to;
    }
    default:
      return false;
  }
}

export function matchesQuery(record: ContactRecord, query: Query): boolean {
  if ("field" in query) return matchesFilter(record, query);
  return query.operator === "AND"
    ? query.value.every((child) => matchesQuery(record, child))
    : query.value.some((child) => matchesQuery(record, child));
}

/** Filters that every match must satisfy: the query itself, or the members of a top-level AND. */
export function requiredFilters(query: Query): Filter[] {
  if ("field" in query) return [query];
  if (query.operator === "OR") return [];
  return query.value.filter((child): child is Filter => "field" in child);
}
