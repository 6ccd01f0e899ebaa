import {
  INTERCOM_STATE_ATTRIBUTES,
  intercomStatesOf,
  SKIPPED_REASON_ATTRIBUTE,
  type IntercomState,
} from "../../intercom-states";
import type { OutgoingUser } from "./user-update";

/**
 * The Hull attributes (group `intercom/`, DESIGN.md §4) that say what Intercom holds for a user.
 * The incoming flow writes them; the outgoing flow reads them so it need not ask Intercom again.
 */
export const INTERCOM_TRAITS = {
  id: "intercom/id",
  isLead: "intercom/is_lead",
  tags: "intercom/tags",
  ...INTERCOM_STATE_ATTRIBUTES,
  skippedReason: SKIPPED_REASON_ATTRIBUTE,
} as const;

const text = (value: unknown) =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;

export function knownIntercomId(user: OutgoingUser): string | undefined {
  return text(user[INTERCOM_TRAITS.id]);
}

export function isKnownLead(user: OutgoingUser): boolean {
  return user[INTERCOM_TRAITS.isLead] === true;
}

/** The Intercom states Hull holds for the user (deleted, archived), named as the incoming flow writes them. */
export function intercomStates(user: OutgoingUser): Set<IntercomState> {
  return intercomStatesOf(user);
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
