import type { IntercomApi } from "../clients/intercom/api";
import { IntercomApiError } from "../clients/intercom/errors";
import type { IntercomContact } from "../clients/intercom/types";
import { hullEmail, hullExternalId } from "./intercom-traits";
import type { OutgoingUser } from "./user-update";

const notFound = (error: unknown) =>
  error instanceof IntercomApiError && error.upstreamStatus === 404;

/** A user contact by external_id; undefined when Intercom has none (leads are never found this way). */
export async function findUserByExternalId(
  api: IntercomApi,
  externalId: string,
): Promise<IntercomContact | undefined> {
  try {
    return await api.findContactByExternalId(externalId);
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

/**
 * The Intercom contact of a Hull user Hull knows no Intercom id for: by external_id, else by email
 * (search). A user contact with another external_id is someone else; a lead with the email is the
 * same person only while the Hull user has no external_id (else the lead converts elsewhere).
 */
export async function findContact(
  api: IntercomApi,
  user: OutgoingUser,
): Promise<IntercomContact | undefined> {
  const externalId = hullExternalId(user);
  if (externalId) {
    const found = await findUserByExternalId(api, externalId);
    if (found) return found;
  }
  const email = hullEmail(user);
  if (!email) return undefined;
  const { data } = await api.searchContacts(
    { field: "email", operator: "=", value: email },
    undefined,
    10,
  );
  const users = data.filter(
    (contact) =>
      contact.role === "user" && (!contact.external_id || contact.external_id === externalId),
  );
  if (users[0]) return users[0];
  return externalId ? undefined : data.find((contact) => contact.role === "lead");
}

/**
 * The contact a 409 names: "A contact matching those details already exists with id=…", or
 * "An archived contact matching those details already exists with id=…" (intercom-api.md §2.4).
 * An archived one is not a live duplicate: nothing may be written into it unless it is
 * unarchived first.
 */
export function conflictingContact(error: unknown): { id: string; archived: boolean } | undefined {
  if (!(error instanceof IntercomApiError) || error.upstreamStatus !== 409) return undefined;
  const id = /id=([0-9a-zA-Z]+)/.exec(error.message)?.[1];
  if (!id) return undefined;
  return { id, archived: /\ban archived contact\b/i.test(error.message) };
}

/** The id of a live duplicate a 409 names; undefined for an archived one or another error. */
export function conflictingContactId(error: unknown): string | undefined {
  const conflict = conflictingContact(error);
  return conflict && !conflict.archived ? conflict.id : undefined;
}

export function isNotFound(error: unknown): boolean {
  return notFound(error);
}
