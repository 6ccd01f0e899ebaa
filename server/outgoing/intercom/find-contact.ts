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

/** The id of a live duplicate a 409 names; undefined for an archived one or another error. */
export function conflictingContactId(error: unknown): string | undefined {
  const conflict = conflictingContact(error);
  return conflict && !conflict.archived ? conflict.id : undefined;
}

export function isNotFound(error: unknown): boolean {
  return notFound(error);
}
