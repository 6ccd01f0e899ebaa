import type { UserRecord } from "./user-record.js";

/** The value a segment condition or an extract query compares, by flat attribute name. */
export function attributeValue(user: UserRecord, name: string): unknown {
  const key = name.startsWith("traits_") ? name.slice("traits_".length) : name;
  if (key === "id") return user.id;
  if (key === "external_id") return user.external_id;
  if (key === "anonymous_ids") return user.anonymous_ids;
  return Object.hasOwn(user.attributes, key) ? user.attributes[key] : undefined;
}

/** Sandbox segments are conjunctions of equalities: `{ "intercom/is_lead": true, plan: "pro" }`. */
export function segmentMatches(user: UserRecord, query: Record<string, unknown>): boolean {
  return Object.entries(query).every(
    ([name, expected]) =>
      JSON.stringify(attributeValue(user, name) ?? null) === JSON.stringify(expected),
  );
}
