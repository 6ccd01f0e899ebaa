import { parameterInvalid } from "../errors.js";
import type { ContactRecord } from "./contact-record.js";

/** The search query language subset (intercom-api.md §1.1 "Search"). */
export type Filter = { field: string; operator: string; value: unknown };
export type Group = { operator: "AND" | "OR"; value: Query[] };
export type Query = Filter | Group;

const stringOps = ["~", "!~", "^", "$"];
const numberOps = ["<", ">", "<=", ">="];
const commonOps = ["=", "!=", "IN", "NIN"];
const numericFields = new Set([
  "created_at",
  "updated_at",
  "signed_up_at",
  "last_seen_at",
  "owner_id",
]);
const plainFields = new Set([
  "id",
  "role",
  "email",
  "email_domain",
  "external_id",
  "name",
  "phone",
  "tag_id",
  "unsubscribed_from_emails",
  "location.country",
  "location.city",
  ...numericFields,
]);

/** Checks the shape and returns it typed, or throws a 400 naming what is wrong. */
export function parseQuery(input: unknown, depth = 0): Query {
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
      value: node.value.map((child) => parseQuery(child, depth + 1)),
    };
  }
  const { field, operator, value } = node;
  if (typeof field !== "string" || field === "") throw parameterInvalid("filter field is required");
  if (!plainFields.has(field) && !/^custom_attributes\.[^.]+$/.test(field)) {
    throw parameterInvalid(`'${field}' is not a searchable field`);
  }
  if (
    typeof operator !== "string" ||
    ![...commonOps, ...stringOps, ...numberOps].includes(operator)
  ) {
    throw parameterInvalid(`'${String(operator)}' is not a valid operator`);
  }
  if ((operator === "IN" || operator === "NIN") !== Array.isArray(value)) {
    throw parameterInvalid(
      `operator ${operator} ${Array.isArray(value) ? "does not take" : "needs"} an array value`,
    );
  }
  if (stringOps.includes(operator) && typeof value !== "string") {
    throw parameterInvalid(`operator ${operator} needs a string value`);
  }
  if (numberOps.includes(operator) && typeof value !== "number") {
    throw parameterInvalid(`operator ${operator} needs a number value`);
  }
  if (numericFields.has(field) && stringOps.includes(operator)) {
    throw parameterInvalid(`operator ${operator} does not apply to ${field}`);
  }
  return { field, operator, value };
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
    case "location.country":
      return record.location.country;
    case "location.city":
      return record.location.city;
    default:
      return (record as unknown as Record<string, unknown>)[field] ?? null;
  }
}

const norm = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);

function matchesFilter(record: ContactRecord, filter: Filter): boolean {
  const actual = fieldValue(record, filter.field);
  if (Array.isArray(actual)) {
    // tag_id: "=" means "has this tag".
    const has = actual.includes(filter.value);
    return filter.operator === "!=" ? !has : has;
  }
  const value = filter.value;
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
