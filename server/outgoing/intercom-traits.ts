import type { OutgoingUser } from "./user-update";

/**
 * The Hull attributes (group `intercom/`, DESIGN.md §4) that say what Intercom holds for a user.
 * The incoming flow writes them; the outgoing flow reads them so it need not ask Intercom again.
 */
export const INTERCOM_TRAITS = {
  id: "intercom/id",
  isLead: "intercom/is_lead",
  tags: "intercom/tags",
  /** Any of these set means Intercom reported the contact deleted or archived. */
  deleted: ["intercom/deleted_at", "intercom/deleted", "intercom/archived"],
} as const;

const text = (value: unknown) =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;

export function knownIntercomId(user: OutgoingUser): string | undefined {
  return text(user[INTERCOM_TRAITS.id]);
}

export function isKnownLead(user: OutgoingUser): boolean {
  return user[INTERCOM_TRAITS.isLead] === true;
}

export function isDeletedInIntercom(user: OutgoingUser): boolean {
  return INTERCOM_TRAITS.deleted.some((name) => {
    const value = user[name];
    return value !== undefined && value !== null && value !== false && value !== "";
  });
}

/** Tag names Hull last saw on the contact, when the incoming flow recorded them. */
export function knownTagNames(user: OutgoingUser): Set<string> | undefined {
  const tags = user[INTERCOM_TRAITS.tags];
  if (!Array.isArray(tags)) return undefined;
  return new Set(tags.filter((tag) => typeof tag === "string").map((tag) => tag.toLowerCase()));
}

export function hullEmail(user: OutgoingUser): string | undefined {
  return text(user.email);
}

export function hullExternalId(user: OutgoingUser): string | undefined {
  return text(user.external_id);
}
