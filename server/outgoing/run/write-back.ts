import { intercomAnonymousId } from "../../../common/identity";
import type { FirehoseEntry } from "../../clients/hull/types";
import { INTERCOM_TRAITS, knownIntercomId } from "../hull-input/intercom-traits";
import type { UserUpdate } from "../hull-input/user-update";
import type { TagResult } from "../intercom/tag-contacts";
import { tagNamesAfter } from "../mapping/segments-to-tags";
import type { SyncedContact } from "./sync-user";

const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

/**
 * What Hull learns about one user once it is sent (DESIGN.md §4): the Intercom id and role (so
 * the next sync needs no lookup), the alias `intercom:<id>`, the tag names after the connector's
 * own tag writes, and why an archived contact is left out. Pure: the caller writes the entries
 * (one firehose write per batch). They come back as a user:update the loop guard skips.
 * `now` is an ISO 8601 time for `intercom/archived_at`.
 */
export function writeBackEntries(
  update: UserUpdate,
  synced: SyncedContact,
  tags: TagResult | undefined,
  now: string,
): FirehoseEntry[] {
  const { user } = update;
  const claims = { id: user.id };
  if (synced.archived) {
    return [
      {
        type: "traits",
        claims,
        body: {
          [INTERCOM_TRAITS.id]: synced.archived.contactId,
          [INTERCOM_TRAITS.archived]: now,
          [INTERCOM_TRAITS.skippedReason]: synced.outcome.skipped,
        },
      },
    ];
  }
  const traits: Record<string, unknown> = {};
  const names = tagNamesAfter(
    synced.wholePicture ? [] : user[INTERCOM_TRAITS.tags],
    tags?.applied ?? [],
    tags?.removed ?? [],
  );
  if (names) traits[INTERCOM_TRAITS.tags] = names;
  const contact = synced.contact;
  const entries: FirehoseEntry[] = [];
  if (contact) {
    if (knownIntercomId(user) !== contact.id) traits[INTERCOM_TRAITS.id] = contact.id;
    const isLead = contact.role === "lead";
    if (user[INTERCOM_TRAITS.isLead] !== isLead) traits[INTERCOM_TRAITS.isLead] = isLead;
    // Sent now: the reason it was once left out no longer holds.
    if (isSet(user[INTERCOM_TRAITS.skippedReason])) traits[INTERCOM_TRAITS.skippedReason] = null;
    if (contact.unarchived) traits[INTERCOM_TRAITS.archived] = null;
    const alias = intercomAnonymousId(contact.id);
    if (Object.keys(traits).length > 0 && !user.anonymous_ids?.includes(alias)) {
      entries.push({ type: "alias", claims, body: { anonymous_id: alias } });
    }
  }
  if (Object.keys(traits).length === 0) return [];
  return [{ type: "traits", claims, body: traits }, ...entries];
}
