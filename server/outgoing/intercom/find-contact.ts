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
