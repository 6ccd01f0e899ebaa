import type { AttributeValue, UserClaims } from "../../clients/hull/types";
import { isIdentifier } from "../../hull-entry-rules";
import { arrayAt, isObject, objectAt, stringAt, type Json } from "./read";
import { toIsoDate } from "./timestamps";
import { intercomAnonymousId, withoutTraitsPrefix } from "../../../common/identity";

export interface IncomingRow {
  name: string;
  hull: string;
}

/** What one Intercom contact becomes in Hull. */
export interface HullUserWrite {
  claims: UserClaims;
  attributes: Record<string, AttributeValue>;
  /** More anonymous ids that belong to the same person (a lead's contact id). */
  aliases: string[];
  role: "user" | "lead";
}

type Kind = "date" | "plain";

/** Intercom field path → attribute in Hull's `intercom/` group. Modern (2.x) fields first, then 1.x. */
const STANDARD_FIELDS: readonly [path: string, hull: string, kind?: Kind][] = [
  ["id", "id"],
  ["email", "email"],
  ["phone", "phone"],
  ["name", "name"],
  ["owner_id", "owner_id"],
  ["created_at", "created_at", "date"],
  ["updated_at", "updated_at", "date"],
  ["signed_up_at", "signed_up_at", "date"],
  ["last_seen_at", "last_seen_at", "date"],
  ["last_replied_at", "last_replied_at", "date"],
  ["last_contacted_at", "last_contacted_at", "date"],
  ["last_email_opened_at", "last_email_opened_at", "date"],
  ["last_email_clicked_at", "last_email_clicked_at", "date"],
  ["browser", "browser"],
  ["browser_version", "browser_version"],
  ["browser_language", "browser_language"],
  ["os", "os"],
  ["language_override", "language_override"],
  ["has_hard_bounced", "has_hard_bounced"],
  ["marked_email_as_spam", "marked_email_as_spam"],
  ["unsubscribed_from_emails", "unsubscribed_from_emails"],
  ["location.country", "location_country"],
  ["location.region", "location_region"],
  ["location.city", "location_city"],
  ["location.country_code", "location_country_code"],
  ["location.continent_code", "location_continent_code"],
  ["avatar.image_url", "avatar"],
  ["utm_source", "utm_source"],
  ["utm_medium", "utm_medium"],
  ["utm_campaign", "utm_campaign"],
  ["utm_content", "utm_content"],
  ["utm_term", "utm_term"],
  ["referrer", "referrer"],
  // Intercom 1.x items (legacy webhooks).
  ["last_request_at", "last_seen_at", "date"],
  ["session_count", "session_count"],
  ["pseudonym", "pseudonym"],
  ["last_seen_ip", "last_seen_ip"],
  ["location_data.city_name", "location_city"],
  ["location_data.region_name", "location_region"],
  ["location_data.country_name", "location_country"],
  ["location_data.country_code", "location_country_code"],
  ["location_data.continent_code", "location_continent_code"],
  ["location_data.timezone", "location_timezone"],
];

// Paths split and attribute names built once: splitting each path, and building each
// `intercom/<name>` string (then finding it among V8's internalised names), for every field of
// every contact were fetch hot spots (bench/README.md, issue 18).
const STANDARD_PATHS = STANDARD_FIELDS.map(
  ([path, hull, kind]) => [path.split("."), `intercom/${hull}`, kind] as const,
);

/** Returned by `lookup` for a path the item lacks (distinct from a field present as undefined). */
const MISSING: unique symbol = Symbol("missing");

// The value itself or MISSING, not a `{found, value}` pair: one object per field of every
// contact was garbage a fetch paid for (bench/README.md, issue 18). A field is read first and
// asked for with `in` only when it reads undefined (absent, or present as undefined): a parsed
// payload holds no undefined, so a present field costs one property read, not two.
function lookup(item: Json, parts: readonly string[]): unknown {
  let current: unknown = item;
  for (const part of parts) {
    if (!isObject(current)) return MISSING;
    const value = current[part];
    if (value === undefined && !(part in current)) return MISSING;
    current = value;
  }
  return current;
}

function normalise(value: unknown, kind: Kind | undefined): unknown {
  if (value === null) return null;
  if (kind === "date") return toIsoDate(value) ?? null;
  return typeof value === "object" ? undefined : value;
}

/** A lead in a 2.x item has role "lead"; 1.x lead items are typed "contact"/"lead" or flagged anonymous. */
export function roleOf(item: Json, hint?: "user" | "lead"): "user" | "lead" {
  const role = stringAt(item, "role");
  if (role === "lead" || role === "user") return role;
  if (hint) return hint;
  const type = stringAt(item, "type");
  return type === "lead" || type === "contact" || item.anonymous === true ? "lead" : "user";
}

/** Names of the custom attributes on a contact, for the attribute catalogue. */
export function customAttributeNames(item: unknown): string[] {
  const custom = objectAt(item, "custom_attributes");
  return custom ? Object.keys(custom) : [];
}

function tagNames(item: Json): string[] | undefined {
  const modern = arrayAt(objectAt(item, "tags"), "data");
  const legacy = arrayAt(objectAt(item, "tags"), "tags");
  const tags = modern.length > 0 ? modern : legacy;
  const names = tags.map((tag) => stringAt(tag, "name"));
  // 2.x contacts list tag ids only; write names only when Intercom gave them all.
  return names.every((name): name is string => name !== undefined) ? names : undefined;
}

/**
 * Claims, attributes and aliases for an Intercom contact (DESIGN.md §4). A user is
 * `intercom:<id>` plus email and external_id; a lead is `intercom:<external_id>` (the Messenger's
 * visitor id, which ship.js aliases) plus email, aliased `intercom:<id>` so it stays one profile
 * after it converts. Lead values are setIfNull: a lead never overwrites what a user set.
 */
export function mapContactToHullUser(
  item: unknown,
  options: { roleHint?: "user" | "lead"; incomingAttributes: readonly IncomingRow[] },
): HullUserWrite | undefined {
  if (!isObject(item)) return undefined;
  const id = stringAt(item, "id");
  if (!id) return undefined;
  const role = roleOf(item, options.roleHint);
  const email = stringAt(item, "email")?.trim().toLowerCase();
  // 2.x `external_id`; 1.x `user_id` (for 1.x leads that is the visitor UUID too).
  // A blank one identifies nobody (hull-entry-rules.ts): it must not become a shared lead identity.
  const externalId = [stringAt(item, "external_id"), stringAt(item, "user_id")].find(isIdentifier);

  // Keys come from Intercom's and the settings' names: no prototype to write "__proto__" into.
  const attributes: Record<string, AttributeValue> = Object.create(null);
  for (const [path, key, kind] of STANDARD_PATHS) {
    const value = lookup(item, path);
    if (value === MISSING) continue;
    const normalised = normalise(value, kind);
    if (normalised !== undefined) attributes[key] = normalised;
  }
  // The 2.14 description and its examples give `avatar` as {type, image_url}; intercom-client
  // 7.0.3 types it as the URL itself. The description is followed, and a URL is read too.
  if (typeof item.avatar === "string") attributes["intercom/avatar"] = item.avatar;
  if (externalId)
    attributes[role === "user" ? "intercom/external_id" : "intercom/visitor_id"] = externalId;
  attributes["intercom/is_lead"] = role === "lead";
  const tags = tagNames(item);
  if (tags) attributes["intercom/tags"] = tags;

  const custom = objectAt(item, "custom_attributes") ?? {};
  for (const { name, hull } of options.incomingAttributes) {
    if (!Object.hasOwn(custom, name)) continue;
    const value = custom[name];
    if (value === undefined || (typeof value === "object" && value !== null)) continue;
    attributes[withoutTraitsPrefix(hull)] = value;
  }

  const name = stringAt(item, "name");
  if (name) attributes.name = { operation: "setIfNull", value: name };

  if (role === "lead") {
    for (const [key, value] of Object.entries(attributes)) {
      if (!isObject(value)) attributes[key] = { operation: "setIfNull", value };
    }
    const visitor = intercomAnonymousId(externalId ?? id);
    return {
      role,
      claims: { anonymous_id: visitor, ...(email ? { email } : {}) },
      attributes,
      aliases: visitor === intercomAnonymousId(id) ? [] : [intercomAnonymousId(id)],
    };
  }
  return {
    role,
    claims: {
      anonymous_id: intercomAnonymousId(id),
      ...(email ? { email } : {}),
      ...(externalId ? { external_id: externalId } : {}),
    },
    attributes,
    aliases: [],
  };
}
