// What the fetch baselines write for one Intercom contact: the SDK script (sdk-fetch.ts) and the
// raw floor (raw-fetch.ts) do the same work, so they share it. No side effects: both scripts are
// child processes that answer their parent on import.

/** Intercom fields copied as they are into Hull's `intercom/` attribute group. */
const PLAIN = ["email", "phone", "name", "owner_id", "browser", "browser_language", "os"] as const;
/** Intercom timestamps (Unix seconds), written as ISO dates. */
const DATES = ["created_at", "updated_at", "signed_up_at", "last_seen_at"] as const;

/** The fields read; intercom-client's `Intercom.Contact` has this shape. */
export type BaselineContact = {
  id: string;
  role?: string;
  external_id?: string | null;
  email?: string | null;
  location?: { country?: string | null; city?: string | null } | null;
} & { [field in (typeof PLAIN)[number]]?: string | number | null } & {
  [field in (typeof DATES)[number]]?: number | null;
};

/** The 16 attributes a competent user would write to Hull for a contact. */
export function attributesOf(contact: BaselineContact): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    "intercom/id": contact.id,
    "intercom/external_id": contact.external_id,
    "intercom/is_lead": contact.role === "lead",
  };
  for (const field of PLAIN) attributes[`intercom/${field}`] = contact[field] ?? null;
  for (const field of DATES) {
    const seconds = contact[field];
    attributes[`intercom/${field}`] = seconds ? new Date(seconds * 1000).toISOString() : null;
  }
  attributes["intercom/location_country"] = contact.location?.country ?? null;
  attributes["intercom/location_city"] = contact.location?.city ?? null;
  return attributes;
}
