import type { IntercomApi } from "../../clients/intercom/api";
import { IntercomApiError } from "../../clients/intercom/errors";
import type { IntercomContact } from "../../clients/intercom/types";

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

/** The contact a 409 names, live or archived (IntercomApiError.conflictingContact); else undefined. */
export function conflictingContact(error: unknown): { id: string; archived: boolean } | undefined {
  return error instanceof IntercomApiError ? error.conflictingContact : undefined;
}

/**
 * The live contact Intercom's 409 on `POST /contacts` was about when its message names no id:
 * found by the user's external_id (`GET /contacts/find_by_external_id`), then by email
 * (`POST /contacts/search`, a user first). The id and the archived state come only from the 409's
 * wording, which Intercom's description does not document (its `POST /contacts` lists 200 and
 * 401 only; intercom-api.md §2.4 has the wording from Intercom's own answers), so a changed
 * wording must not refuse every person Intercom already has. By email, only a user whose
 * external_id is ours or empty counts (a lead or another customer with the email is not this
 * person). Undefined for another error or when neither finds one (an archived contact is found
 * by neither: it stays refused). Throws what the client throws.
 */
export async function unnamedDuplicate(
  api: IntercomApi,
  error: unknown,
  identity: { email?: string; externalId?: string },
): Promise<{ id: string; archived: false } | undefined> {
  if (!(error instanceof IntercomApiError) || error.upstreamStatus !== 409) return undefined;
  if (error.conflictingContact) return undefined;
  if (identity.externalId) {
    const found = await findUserByExternalId(api, identity.externalId);
    if (found) return { id: found.id, archived: false };
  }
  if (!identity.email) return undefined;
  const { data } = await api.searchContacts(
    { field: "email", operator: "=", value: identity.email },
    undefined,
    10,
  );
  const found = data.find(
    (contact) =>
      contact.role === "user" &&
      (!contact.external_id || contact.external_id === identity.externalId),
  );
  return found ? { id: found.id, archived: false } : undefined;
}

/** The id of a live duplicate a 409 names; undefined for an archived one or another error. */
export function conflictingContactId(error: unknown): string | undefined {
  const conflict = conflictingContact(error);
  return conflict && !conflict.archived ? conflict.id : undefined;
}

export function isNotFound(error: unknown): boolean {
  return notFound(error);
}
