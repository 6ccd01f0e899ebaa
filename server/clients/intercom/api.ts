import { createCompaniesApi } from "./companies";
import type { IntercomHttp } from "./http-client";
import type {
  ContactList,
  ContactWrite,
  DataAttribute,
  DataEvent,
  IntercomAdmin,
  IntercomContact,
  IntercomTag,
  SearchQuery,
} from "./types";

/** Intercom's maximum page size for contacts. */
export const PAGE_SIZE = 150;

/** Typed calls for the endpoints the connector uses, nothing more. */
export function createIntercomApi(http: IntercomHttp) {
  const contactPath = (id: string) => `/contacts/${encodeURIComponent(id)}`;
  return {
    me: () => http<IntercomAdmin>("GET", "/me"),
    listContacts: (startingAfter?: string, perPage = PAGE_SIZE) =>
      http<ContactList>("GET", "/contacts", {
        query: { per_page: perPage, starting_after: startingAfter },
      }),
    /**
     * `sort` orders by a field's full value. 2.14's description and intercom-client 7.0.3's
     * SearchRequest omit it (2.16's has it); Intercom accepts it on older versions: Airbyte's
     * source-intercom sends `sort {field: updated_at, order: ascending}` with `Intercom-Version:
     * 2.11` (reference/peers.md §4). Correctness never depends on it (ADR 008).
     */
    searchContacts: (
      query: SearchQuery,
      startingAfter?: string,
      perPage = PAGE_SIZE,
      sort?: { field: string; order: "ascending" | "descending" },
    ) =>
      http<ContactList>("POST", "/contacts/search", {
        body: {
          query,
          pagination: {
            per_page: perPage,
            ...(startingAfter ? { starting_after: startingAfter } : {}),
          },
          ...(sort ? { sort } : {}),
        },
      }),
    getContact: (id: string) => http<IntercomContact>("GET", contactPath(id)),
    findContactByExternalId: (externalId: string) =>
      http<IntercomContact>(
        "GET",
        `/contacts/find_by_external_id/${encodeURIComponent(externalId)}`,
      ),
    createContact: (contact: ContactWrite) =>
      http<IntercomContact>("POST", "/contacts", { body: contact }),
    updateContact: (id: string, contact: ContactWrite) =>
      http<IntercomContact>("PUT", contactPath(id), { body: contact }),
    /** `POST /contacts/{id}/unarchive` (intercom-api.md §1.1): the contact is live again. */
    unarchiveContact: (id: string) =>
      http<{ id: string; archived: boolean }>("POST", `${contactPath(id)}/unarchive`),
    mergeContacts: (leadId: string, userId: string) =>
      http<IntercomContact>("POST", "/contacts/merge", { body: { from: leadId, into: userId } }),
    createEvent: (event: DataEvent) => http<unknown>("POST", "/events", { body: event }),
    listTags: async () => (await http<{ data: IntercomTag[] }>("GET", "/tags")).data,
    createTag: (name: string) => http<IntercomTag>("POST", "/tags", { body: { name } }),
    renameTag: (id: string, name: string) =>
      http<IntercomTag>("POST", "/tags", { body: { id, name } }),
    /**
     * `POST /tags {name, users:[{id}]}` (tag_multiple_users_request, official description 2.14):
     * tags many contacts by Intercom id in one request, creating the tag by name if needed;
     * answers the tag. A contact Intercom does not have fails the request (404 "User Not Found").
     */
    tagContacts: (name: string, contactIds: readonly string[]) =>
      http<IntercomTag>("POST", "/tags", {
        body: { name, users: contactIds.map((id) => ({ id })) },
      }),
    tagContact: (contactId: string, tagId: string) =>
      http<IntercomTag>("POST", `${contactPath(contactId)}/tags`, { body: { id: tagId } }),
    untagContact: (contactId: string, tagId: string) =>
      http<IntercomTag>("DELETE", `${contactPath(contactId)}/tags/${encodeURIComponent(tagId)}`),
    listDataAttributes: async () =>
      (
        await http<{ data: DataAttribute[] }>("GET", "/data_attributes", {
          query: { model: "contact" },
        })
      ).data,
    createDataAttribute: (attribute: { name: string; data_type: string; description?: string }) =>
      http<DataAttribute>("POST", "/data_attributes", { body: { ...attribute, model: "contact" } }),
    /** Companies, their contacts, tags and attributes (server/accounts/). */
    ...createCompaniesApi(http),
  };
}

export type IntercomApi = ReturnType<typeof createIntercomApi>;
