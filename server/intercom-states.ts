import { parseTime } from "./time";
/**
 * The Intercom states of a contact as Hull holds them: ONE attribute per state, written by the
 * incoming flow (webhooks) and read by the outgoing flow (filter, upsert), so both sides speak of
 * the same thing (issue 15 class 1). A state is on while its attribute holds a date.
 *
 * - deleted: `contact.deleted` / `user.deleted`. Intercom has no such contact any more.
 * - archived: `contact.archived`; cleared by `contact.unarchived` (as Intercom delivers it, a
 *   recorded capture; intercom-api.md §4.2 reads `contact.unarchive`, also taken). Intercom keeps the contact but hides it: GET answers 404 and a create
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

/**
 * The attribute holding the last `updated_at` Intercom gave for the contact, written whenever the
 * incoming flow maps the contact itself (a webhook's item, a fetched page): the latest time
 * Intercom showed it live. Deletion and archive notifications write only their mark.
 */
export const LIVE_AT_ATTRIBUTE = "intercom/updated_at";

/**
 * The states on for a Hull user (keys without the `traits_` prefix): a state is on while its
 * attribute holds a date no older than the contact's LIVE_AT_ATTRIBUTE, compared in whole
 * seconds (a mark is the notification's time, Unix seconds; `updated_at` may carry ms). A contact Intercom showed
 * live after the mark (created again with the same email after a deletion, a fetch that read it)
 * is live, whatever the mark says; a notification of the older life arriving late does not undo a
 * newer mark (its `updated_at` is older), and a tie keeps the mark, so nothing deleted is sent
 * back on a guess. An unreadable date keeps the mark too.
 */
export function intercomStatesOf(user: Record<string, unknown>): Set<IntercomState> {
  const states = new Set<IntercomState>();
  const liveAt = dateOf(user[LIVE_AT_ATTRIBUTE]);
  for (const [state, attribute] of Object.entries(INTERCOM_STATE_ATTRIBUTES)) {
    if (!isSet(user[attribute])) continue;
    const markedAt = dateOf(user[attribute]);
    const liveSince =
      liveAt !== undefined &&
      markedAt !== undefined &&
      Math.floor(liveAt / 1000) > Math.floor(markedAt / 1000);
    if (!liveSince) states.add(state as IntercomState);
  }
  return states;
}

/** Ms since the epoch of any time form `parseTime` reads; undefined when it is not a time. */
function dateOf(value: unknown): number | undefined {
  return parseTime(value)?.getTime();
}
