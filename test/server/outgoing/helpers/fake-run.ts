/**
 * In-process fakes for the outgoing orchestration tests: a recording Intercom client that keeps
 * contacts, tags and events in memory and answers as Intercom does for the cases the connector
 * relies on (409 "already exists with id=" on a duplicate create, intercom-api.md §2.4; 404 for an
 * unknown contact; `POST /tags {name, users}` all or nothing), and a recording firehose. No HTTP:
 * the tests run in milliseconds. The real stand-in is checked against Intercom's description and
 * SDK elsewhere (test/conformance/intercom); this fake only has to be faithful to what is asserted.
 */
import { createActivityLog } from "../../../../server/activity";
import type { FirehoseEntry } from "../../../../server/clients/hull/types";
import type { IntercomApi } from "../../../../server/clients/intercom/api";
import { IntercomApiError } from "../../../../server/clients/intercom/errors";
import type { ContactWrite, IntercomContact } from "../../../../server/clients/intercom/types";
import { createLogger } from "../../../../server/log";
import {
  createCustomAttributeCache,
  customAttributesOf,
} from "../../../../server/outgoing/intercom/custom-attributes";
import { segmentTagsOf } from "../../../../server/outgoing/intercom/segment-tags";
import type { OutgoingRun } from "../../../../server/outgoing/run/open-outgoing-run";
import type { ConnectorSettings } from "../../../../server/settings";

interface Stored extends IntercomContact {
  archived: boolean;
  tagIds: Set<string>;
}

export interface FakeIntercom {
  api: IntercomApi;
  /** "METHOD /path" of every request, in order (ids kept). */
  calls: string[];
  contacts: Map<string, Stored>;
  tags: Map<string, string>; // id → name
  events: { event_name: string; id?: string }[];
  /** Adds a contact as if a person had created it in Intercom; returns its id. */
  seed(contact: Partial<IntercomContact> & { archived?: boolean }): string;
  /** The next request whose "METHOD /path" starts with `prefix` throws `error` instead. */
  failNext(prefix: string, error: Error): void;
  tagNamesOf(contactId: string): string[];
}

export function fakeIntercom(): FakeIntercom {
  const calls: string[] = [];
  const contacts = new Map<string, Stored>();
  const tags = new Map<string, string>();
  const events: { event_name: string; id?: string }[] = [];
  const failures: { prefix: string; error: Error }[] = [];
  let next = 1;
  const newId = () => (next++).toString(16).padStart(24, "0");

  const call = (method: string, path: string) => {
    const line = `${method} ${path}`;
    calls.push(line);
    const index = failures.findIndex((failure) => line.startsWith(failure.prefix));
    if (index >= 0) throw failures.splice(index, 1)[0]!.error;
  };
  const error = (status: number, code: string, message: string, method: string, path: string) =>
    new IntercomApiError(status, code, message, method, path);
  const live = (id: string, method: string, path: string) => {
    const contact = contacts.get(id);
    if (!contact || contact.archived) throw error(404, "not_found", "User Not Found", method, path);
    return contact;
  };
  const view = (stored: Stored): IntercomContact => {
    const contact: Record<string, unknown> = { ...stored };
    delete contact.archived;
    delete contact.tagIds;
    return contact as IntercomContact;
  };
  const duplicateOf = (body: ContactWrite) =>
    [...contacts.values()].find(
      (contact) =>
        (body.external_id && contact.external_id === body.external_id) ||
        (body.email && contact.role === "user" && contact.email === body.email),
    );
  const tagByName = (name: string) => {
    for (const [id, existing] of tags)
      if (existing.toLowerCase() === name.toLowerCase()) return { type: "tag" as const, id, name };
    const id = String(tags.size + 100);
    tags.set(id, name);
    return { type: "tag" as const, id, name };
  };

  const api = {
    async createContact(body: ContactWrite) {
      call("POST", "/contacts");
      const duplicate = duplicateOf(body);
      if (duplicate) {
        const prefix = duplicate.archived ? "An archived contact" : "A contact";
        throw error(
          409,
          "conflict",
          `${prefix} matching those details already exists with id=${duplicate.id}`,
          "POST",
          "/contacts",
        );
      }
      const id = newId();
      const stored: Stored = {
        type: "contact",
        id,
        role: body.role === "lead" ? "lead" : "user",
        email: (body.email as string | undefined) ?? null,
        external_id: (body.external_id as string | undefined) ?? null,
        custom_attributes: { ...(body.custom_attributes as Record<string, unknown>) },
        archived: false,
        tagIds: new Set(),
      };
      contacts.set(id, stored);
      return view(stored);
    },
    async updateContact(id: string, body: ContactWrite) {
      call("PUT", `/contacts/${id}`);
      const contact = live(id, "PUT", `/contacts/${id}`);
      const { custom_attributes: custom, ...rest } = body as Record<string, unknown>;
      Object.assign(contact, rest);
      contact.custom_attributes = {
        ...contact.custom_attributes,
        ...(custom as Record<string, unknown>),
      };
      return view(contact);
    },
    async getContact(id: string) {
      call("GET", `/contacts/${id}`);
      return view(live(id, "GET", `/contacts/${id}`));
    },
    /** Only `{field: "email", operator: "=", value}`, the one search the upsert makes. */
    async searchContacts(query: { field?: string; operator: string; value: unknown }) {
      call("POST", "/contacts/search");
      const data = [...contacts.values()]
        .filter((contact) => !contact.archived)
        .filter((contact) => query.field === "email" && contact.email === query.value)
        .map(view);
      return { type: "list" as const, data, total_count: data.length };
    },
    async findContactByExternalId(externalId: string) {
      call("GET", `/contacts/find_by_external_id/${externalId}`);
      const found = [...contacts.values()].find(
        (contact) => !contact.archived && contact.external_id === externalId,
      );
      if (!found) throw error(404, "not_found", "User Not Found", "GET", "/contacts/find");
      return view(found);
    },
    async unarchiveContact(id: string) {
      call("POST", `/contacts/${id}/unarchive`);
      const contact = contacts.get(id);
      if (!contact) throw error(404, "not_found", "User Not Found", "POST", "/unarchive");
      contact.archived = false;
      return { id, archived: false };
    },
    async mergeContacts(from: string, into: string) {
      call("POST", "/contacts/merge");
      live(from, "POST", "/contacts/merge");
      const user = live(into, "POST", "/contacts/merge");
      contacts.delete(from);
      return view(user);
    },
    async createEvent(event: { event_name: string; id?: string }) {
      call("POST", "/events");
      if (event.id) live(event.id, "POST", "/events");
      events.push(event);
      return undefined;
    },
    async createTag(name: string) {
      call("POST", "/tags");
      return tagByName(name);
    },
    async tagContacts(name: string, ids: readonly string[]) {
      call("POST", "/tags");
      const all = ids.map((id) => live(id, "POST", "/tags"));
      const tag = tagByName(name);
      for (const contact of all) contact.tagIds.add(tag.id);
      return tag;
    },
    async tagContact(contactId: string, tagId: string) {
      call("POST", `/contacts/${contactId}/tags`);
      const contact = live(contactId, "POST", "/contacts/tags");
      if (!tags.has(tagId)) throw error(404, "not_found", "Resource Not Found", "POST", "/tags");
      contact.tagIds.add(tagId);
      return { type: "tag" as const, id: tagId, name: tags.get(tagId)! };
    },
    async untagContact(contactId: string, tagId: string) {
      call("DELETE", `/contacts/${contactId}/tags/${tagId}`);
      const contact = live(contactId, "DELETE", "/contacts/tags");
      if (!contact.tagIds.delete(tagId))
        throw error(404, "not_found", "Resource Not Found", "DELETE", "/tags");
      return { type: "tag" as const, id: tagId, name: tags.get(tagId) ?? "" };
    },
    async listDataAttributes() {
      call("GET", "/data_attributes");
      return [];
    },
    async createDataAttribute() {
      call("POST", "/data_attributes");
      return {};
    },
  };

  return {
    api: api as unknown as IntercomApi,
    calls,
    contacts,
    tags,
    events,
    seed(contact) {
      const id = newId();
      contacts.set(id, {
        type: "contact",
        role: "user",
        email: null,
        external_id: null,
        custom_attributes: {},
        ...contact,
        id,
        archived: contact.archived ?? false,
        tagIds: new Set(),
      });
      return id;
    },
    failNext(prefix, failure) {
      failures.push({ prefix, error: failure });
    },
    tagNamesOf: (contactId) =>
      [...(contacts.get(contactId)?.tagIds ?? [])].map((id) => tags.get(id) ?? id),
  };
}

export interface FakeRun {
  run: OutgoingRun;
  intercom: FakeIntercom;
  /** Every entry the run wrote to Hull's firehose. */
  firehose: FirehoseEntry[];
  /** The `tag_mapping` the run saved to Hull, if it learnt any. */
  savedMappings: Record<string, string>[];
}

/** A whole outgoing run over a {@link fakeIntercom}, as openOutgoingRun would build it. */
export function fakeRun(settings: ConnectorSettings, intercom = fakeIntercom()): FakeRun {
  const firehose: FirehoseEntry[] = [];
  const savedMappings: Record<string, string>[] = [];
  const run = {
    credentials: { id: "c1", organization: "acme.hullapp.io", secret: "s" },
    settings,
    api: intercom.api,
    hull: {
      getConnector: async () => ({ id: "c1", private_settings: {} }),
      updateSettings: async (update: {
        private_settings: { tag_mapping: Record<string, string> };
      }) => {
        savedMappings.push(update.private_settings.tag_mapping);
      },
    },
    firehose: {
      write: async (_credentials: unknown, entries: FirehoseEntry[]) => {
        firehose.push(...entries);
      },
      flush: async () => undefined,
    },
    logger: createLogger("silent"),
    activity: createActivityLog(),
    customAttributes: customAttributesOf(intercom.api, {
      cache: createCustomAttributeCache(),
      workspace: "ws1",
      createMissing: settings.createMissingAttributes,
    }),
    tags: segmentTagsOf(intercom.api, settings.tagMapping),
  } as unknown as OutgoingRun;
  return { run, intercom, firehose, savedMappings };
}
