// What the fetch baselines write for one Intercom contact: the SDK script (sdk-fetch.ts) and the
// raw floor (raw-fetch.ts) do the same work, so they share it. No side effects: both scripts are
// child processes that answer their parent on import.
//
// They write the same attributes as the connector does for a user contact of API 2.x (ADR 024):
// a baseline writing fewer would be compared on less work. test/bench/contact-attributes.test.ts
// checks the two agree on the stand-in's contacts.

/** Intercom fields copied as they are into Hull's `intercom/` attribute group. */
const PLAIN = [
  "email",
  "phone",
  "name",
  "owner_id",
  "browser",
  "browser_version",
  "browser_language",
  "os",
  "language_override",
  "has_hard_bounced",
  "marked_email_as_spam",
  "unsubscribed_from_emails",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_content",
  "utm_term",
  "referrer",
] as const;
/** Intercom timestamps (Unix seconds), written as ISO dates. */
const DATES = [
  "created_at",
  "updated_at",
  "signed_up_at",
  "last_seen_at",
  "last_replied_at",
  "last_contacted_at",
  "last_email_opened_at",
  "last_email_clicked_at",
] as const;
const LOCATION = ["country", "region", "city", "country_code", "continent_code"] as const;

type Scalar = string | number | boolean | null;

/** The fields read; intercom-client's `Intercom.Contact` has this shape. */
export type BaselineContact = {
  id: string;
  role?: string;
  email?: string | null;
  external_id?: string | null;
  /** An object in API responses (the 2.14 description); intercom-client 7.0.3 types it a URL. */
  avatar?: { image_url?: string | null } | string | null;
  location?: { [field in (typeof LOCATION)[number]]?: string | null } | null;
  tags?: { data?: object[] } | null;
} & { [field in (typeof PLAIN)[number]]?: Scalar } & {
  [field in (typeof DATES)[number]]?: number | null;
};

/** The attributes the connector writes to Hull for a user contact, written plainly. */
export function attributesOf(contact: BaselineContact): Record<string, unknown> {
  const attributes: Record<string, unknown> = { "intercom/id": contact.id };
  for (const field of PLAIN) {
    if (field in contact) attributes[`intercom/${field}`] = contact[field];
  }
  for (const field of DATES) {
    if (!(field in contact)) continue;
    const seconds = contact[field];
    attributes[`intercom/${field}`] = seconds ? new Date(seconds * 1000).toISOString() : null;
  }
  for (const field of LOCATION) {
    if (contact.location && field in contact.location)
      attributes[`intercom/location_${field}`] = contact.location[field];
  }
  const avatar = contact.avatar;
  if (typeof avatar === "string") attributes["intercom/avatar"] = avatar;
  else if (avatar && "image_url" in avatar) attributes["intercom/avatar"] = avatar.image_url;
  if (contact.external_id) attributes["intercom/external_id"] = contact.external_id;
  attributes["intercom/is_lead"] = contact.role === "lead";
  // Contacts list their tags' ids only; names are written when Intercom gave them all.
  const names = (contact.tags?.data ?? []).map((tag) => (tag as { name?: unknown }).name);
  if (names.every((name) => typeof name === "string")) attributes["intercom/tags"] = names;
  if (contact.name) attributes.name = { operation: "setIfNull", value: contact.name };
  return attributes;
}
