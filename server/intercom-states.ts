/**
 * The Intercom states of a contact as Hull holds them: ONE attribute per state, written by the
 * incoming flow (webhooks) and read by the outgoing flow (filter, upsert), so both sides speak of
 * the same thing (issue 15 class 1). A state is on while its attribute holds a date.
 *
 * - deleted: `contact.deleted` / `user.deleted`. Intercom has no such contact any more.
 * - archived: `contact.archived`; cleared by `contact.unarchive` (topic name as Intercom lists it,
 *   intercom-api.md §4.2). Intercom keeps the contact but hides it: GET answers 404 and a create
 *   with its email or external_id answers 409 "An archived contact matching those details
 *   already exists with id=…" (§2.4).
 */
export const INTERCOM_STATE_ATTRIBUTES = {
  deleted: "intercom/deleted_at",
  archived: "intercom/archived_at",
} as const;

export type IntercomState = keyof typeof INTERCOM_STATE_ATTRIBUTES;

/** Why the outgoing flow last left a user out (a sentence), so the Hull user shows it. */
export const SKIPPED_REASON_ATTRIBUTE = "intercom/skipped_reason";

const isSet = (value: unknown) =>
  value !== undefined && value !== null && value !== false && value !== "";

/** The states whose attribute is set on a Hull user (keys without the `traits_` prefix). */
export function intercomStatesOf(user: Record<string, unknown>): Set<IntercomState> {
  const states = new Set<IntercomState>();
  for (const [state, attribute] of Object.entries(INTERCOM_STATE_ATTRIBUTES)) {
    if (isSet(user[attribute])) states.add(state as IntercomState);
  }
  return states;
}
