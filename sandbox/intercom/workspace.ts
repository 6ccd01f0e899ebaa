import { isMetadataValue } from "./metadata-value.js";
import { randomUUID } from "node:crypto";
import { unixSeconds, type Clock } from "./clock.js";
import { parseContactInput, type ContactInput } from "./contact-input.js";
import { IntercomError, notFound, parameterInvalid } from "./errors.js";
import { CompanyBook } from "./company-book.js";
import { CompanyScroll } from "./company-scroll.js";
import { createIdCodec } from "./ids.js";
import { AttributeStore } from "./store/attribute-store.js";
import type { ContactRecord, Role } from "./store/contact-record.js";
import { ContactStore } from "./store/contact-store.js";
import type { CompanyRecord } from "./store/company-record.js";
import { contactCompanies, toLegacyCompany, toRestCompany } from "./store/company-view.js";
import { contactReference, toRestContact, toWebhookContact } from "./store/contact-view.js";
import { EventStore } from "./store/event-store.js";
import { TagStore, type Tag } from "./store/tag-store.js";

/** Called for every change Intercom would notify about (contact topics, §4.2). */
export type Notify = (topic: string, item: Record<string, unknown>) => void;

/**
 * One Intercom workspace: contacts, tags, data attributes and events, with Intercom's rules for
 * conflicts, roles and merges. Routes stay thin; this is where behaviour lives.
 */
export class Workspace {
  readonly contacts: ContactStore;
  readonly tags = new TagStore();
  readonly attributes: AttributeStore;
  readonly events = new EventStore();
  readonly companies: CompanyBook;
  readonly companyScroll: CompanyScroll;

  constructor(
    readonly appId: string,
    readonly seed: number,
    private readonly clock: Clock,
    private readonly notify: Notify,
  ) {
    this.contacts = new ContactStore(createIdCodec(seed), seed);
    this.attributes = new AttributeStore(clock);
    this.attributes.seedDefaults();
    // Company ids come from another seed, so they never equal a contact id.
    this.companies = new CompanyBook({
      ids: createIdCodec(seed + 0x5c0),
      clock,
      notify,
      attributes: this.attributes,
      tags: this.tags,
      contact: (id) => this.getContact(id),
      companyItem: (record) => this.restCompany(record),
      contactItem: (record) => this.webhookContact(record),
    });
    this.companyScroll = new CompanyScroll(clock);
  }

  /** The REST company object (schema `company`). */
  restCompany(record: CompanyRecord): Record<string, unknown> {
    return toRestCompany(record, this.companyViewContext(record));
  }

  /** The 1.x `company` item of a legacy company.created notification. */
  legacyCompany(record: CompanyRecord): Record<string, unknown> {
    return toLegacyCompany(record, this.companyViewContext(record));
  }

  private companyViewContext(record: CompanyRecord) {
    return {
      appId: this.appId,
      userCount: this.companies.userCount(record.id),
      plan: this.companies.planView(record),
      tagName: (id: string) => this.tags.get(id)?.name ?? "",
    };
  }

  /** The REST contact object, with the companies it is attached to. */
  restContact(record: ContactRecord): Record<string, unknown> {
    return {
      ...toRestContact(record, this.appId),
      companies: contactCompanies(record.id, this.companies.idsOf(record.id)),
    };
  }

  private now(): number {
    return unixSeconds(this.clock());
  }

  webhookContact(record: ContactRecord): Record<string, unknown> {
    return {
      ...toWebhookContact(record, this.appId),
      companies: contactCompanies(record.id, this.companies.idsOf(record.id)),
    };
  }

  /**
   * A live contact by id. An archived contact answers 404 "User Not Found" like an unknown id:
   * the REST API hides archived contacts from GET, list and search, and only archive, unarchive,
   * delete and the 409 of a create still reach them (intercom-ruby#561: `contacts.find` of an
   * archived id raises ResourceNotFound and search returns nothing; intercom-node#333: "the api
   * does not support listing archived contacts"). Every contact route (update, tags, events,
   * merge) goes through here, so none writes into an archived contact.
   */
  getContact(id: string): ContactRecord {
    const record = this.getContactIncludingArchived(id);
    if (record.archived) throw notFound("User");
    return record;
  }

  /** A contact by id, archived or not (archive, unarchive, delete, and the sandbox's own views). */
  getContactIncludingArchived(id: string): ContactRecord {
    const seq = this.contacts.seqOfId(id);
    const record = seq === undefined ? undefined : this.contacts.get(seq);
    if (!record) throw notFound("User");
    return record;
  }

  createContact(body: unknown): ContactRecord {
    const input = parseContactInput(body, this.attributes);
    const role: Role = input.role ?? "user";
    if (role === "user" && !input.email && !input.external_id) {
      throw parameterInvalid("A user needs an email or an external_id");
    }
    this.assertNoDuplicate(role, input);
    const now = this.now();
    const record = this.contacts.create(
      (seq, id) => ({
        seq,
        id,
        role,
        // Intercom gives leads a UUID external_id, the Messenger's visitor id (DESIGN.md §4).
        external_id: input.external_id ?? (role === "lead" ? randomUUID() : null),
        email: input.email ? input.email : null,
        phone: input.phone ?? null,
        name: input.name ?? null,
        avatar: input.avatar ?? null,
        owner_id: input.owner_id ?? null,
        unsubscribed_from_emails: input.unsubscribed_from_emails ?? false,
        created_at: now,
        updated_at: now,
        signed_up_at: input.signed_up_at ?? (role === "user" ? now : null),
        last_seen_at: input.last_seen_at ?? null,
        custom_attributes: withoutNulls(input.custom_attributes),
        location: { country: null, region: null, city: null },
        tags: [],
        archived: false,
      }),
      this.clock(),
    );
    this.notify(
      role === "user" ? "contact.user.created" : "contact.lead.created",
      this.webhookContact(record),
    );
    return record;
  }

  updateContact(id: string, body: unknown): ContactRecord {
    const before = this.getContact(id);
    const input = parseContactInput(body, this.attributes);
    if (input.role === "lead" && before.role === "user") {
      throw parameterInvalid("A user cannot be turned back into a lead");
    }
    const role = input.role ?? before.role;
    this.assertNoDuplicate(role, input, before.seq);
    const after: ContactRecord = {
      ...before,
      role,
      external_id: input.external_id === undefined ? before.external_id : input.external_id,
      email: input.email === undefined ? before.email : input.email || null,
      phone: input.phone === undefined ? before.phone : input.phone,
      name: input.name === undefined ? before.name : input.name,
      avatar: input.avatar === undefined ? before.avatar : input.avatar,
      owner_id: input.owner_id === undefined ? before.owner_id : input.owner_id,
      unsubscribed_from_emails: input.unsubscribed_from_emails ?? before.unsubscribed_from_emails,
      signed_up_at:
        input.signed_up_at !== undefined
          ? input.signed_up_at
          : role === "user" && before.role === "lead"
            ? this.now()
            : before.signed_up_at,
      last_seen_at: input.last_seen_at === undefined ? before.last_seen_at : input.last_seen_at,
      custom_attributes: withoutNulls({ ...before.custom_attributes, ...input.custom_attributes }),
      updated_at: this.now(),
    };
    this.contacts.write(after, this.clock());
    if (before.role === "lead" && after.role === "user") {
      this.notify("contact.lead.signed_up", this.webhookContact(after));
    }
    if ((before.email ?? "") !== (after.email ?? "")) {
      this.notify("contact.email.updated", this.webhookContact(after));
    }
    return after;
  }

  deleteContact(id: string): ContactRecord {
    const record = this.getContactIncludingArchived(id);
    this.contacts.remove(record.seq);
    this.companies.forgetContact(record.id);
    this.notify("contact.deleted", { ...contactReference(record), deleted: true });
    return record;
  }

  /**
   * Archives or unarchives (intercom-api.md §1.1). Notifies `contact.archived` with the minimal
   * item, or `contact.unarchived` with the whole contact: what Intercom delivered in January 2026
   * (zulip/zulip zerver/webhooks/intercom/fixtures/contact_unarchived.json, a recorded capture),
   * where intercom-api.md §4.2 reads the topic as `contact.unarchive`
   * (test/conformance/intercom/webhook-captures.test.ts).
   */
  setArchived(id: string, archived: boolean): ContactRecord {
    const before = this.getContactIncludingArchived(id);
    const record = { ...before, archived };
    this.contacts.write(record, this.clock());
    if (before.archived !== archived) {
      if (archived)
        this.notify("contact.archived", { ...contactReference(record), archived: true });
      else this.notify("contact.unarchived", this.webhookContact(record));
    }
    return record;
  }

  findByExternalId(externalId: string): ContactRecord {
    const record = this.contacts.findByExternalId(externalId);
    // "works for users only, not leads" (intercom-api.md §1.1); archived ones are hidden.
    if (!record || record.role !== "user" || record.archived) throw notFound("User");
    return record;
  }

  /** Merges a lead into a user; the lead disappears and its tags, data and events move over. */
  merge(body: unknown): ContactRecord {
    const { from, into } = (body ?? {}) as { from?: unknown; into?: unknown };
    if (typeof from !== "string" || typeof into !== "string") {
      throw new IntercomError(400, "parameter_not_found", "from and into are required");
    }
    const lead = this.getContact(from);
    const user = this.getContact(into);
    if (lead.role !== "lead") throw parameterInvalid("The contact to merge from must be a lead");
    if (user.role !== "user") throw parameterInvalid("The contact to merge into must be a user");
    const tagIds = new Set(user.tags.map((tag) => tag.id));
    const merged: ContactRecord = {
      ...user,
      email: user.email ?? lead.email,
      phone: user.phone ?? lead.phone,
      name: user.name ?? lead.name,
      custom_attributes: { ...lead.custom_attributes, ...user.custom_attributes },
      tags: [...user.tags, ...lead.tags.filter((tag) => !tagIds.has(tag.id))],
      updated_at: this.now(),
    };
    this.contacts.remove(lead.seq);
    this.contacts.write(merged, this.clock());
    this.events.moveAll(lead.seq, merged.seq);
    this.companies.moveContact(lead.id, merged.id);
    this.notify("contact.lead.signed_up", this.webhookContact(merged));
    return merged;
  }

  tagContact(id: string, body: unknown): { tag: Tag; appliedAt: number } {
    const record = this.getContact(id);
    const tagId = (body as { id?: unknown } | undefined)?.id;
    if (typeof tagId !== "string")
      throw new IntercomError(400, "parameter_not_found", "id is required");
    const tag = this.tags.get(tagId);
    if (!tag) throw notFound("Resource");
    const existing = record.tags.find((applied) => applied.id === tag.id);
    if (existing) return { tag, appliedAt: existing.applied_at };
    const appliedAt = this.now();
    const updated = { ...record, tags: [...record.tags, { id: tag.id, applied_at: appliedAt }] };
    this.contacts.write(updated, this.clock());
    this.notify(`contact.${record.role}.tag.created`, this.contactTagItem(updated, tag, appliedAt));
    return { tag, appliedAt };
  }

  /**
   * `POST /tags {name, users:[{id}]}` (official description: tag_multiple_users_request): finds or
   * creates the tag by name, then tags every contact. Every id is checked first, so a missing one
   * is a 404 "User Not Found" with nothing tagged (the description names that 404; it is silent
   * on partial success, and all-or-nothing is the answer a client can act on).
   */
  tagUsers(name: string, ids: readonly string[]): Tag {
    const records = ids.map((id) => this.getContact(id));
    const { tag } = this.tags.upsert(name);
    const seen = new Set<string>();
    for (const record of records) {
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      this.tagContact(record.id, { id: tag.id });
    }
    return tag;
  }

  untagContact(id: string, tagId: string): Tag {
    const record = this.getContact(id);
    const tag = this.tags.get(tagId);
    if (!tag) throw notFound("Resource");
    if (record.tags.some((applied) => applied.id === tagId)) {
      const updated = { ...record, tags: record.tags.filter((applied) => applied.id !== tagId) };
      this.contacts.write(updated, this.clock());
      this.notify(
        `contact.${record.role}.tag.deleted`,
        this.contactTagItem(updated, tag, this.now()),
      );
    }
    return tag;
  }

  /** POST /events: finds the contact by id, user_id (= external_id of a user) or email. */
  trackEvent(body: unknown): void {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw parameterInvalid("Request body must be a JSON object");
    }
    const input = body as Record<string, unknown>;
    if (typeof input.event_name !== "string" || input.event_name.trim() === "") {
      throw new IntercomError(400, "parameter_not_found", "event_name is required");
    }
    if (typeof input.created_at !== "number" || !Number.isInteger(input.created_at)) {
      throw new IntercomError(400, "parameter_not_found", "created_at is required in Unix seconds");
    }
    const metadata = input.metadata ?? {};
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
      throw parameterInvalid("metadata must be an object");
    }
    for (const [key, value] of Object.entries(metadata)) {
      if (!isMetadataValue(value))
        throw parameterInvalid(`metadata '${key}' has an unsupported value`);
    }
    const record = this.eventContact(input);
    // Only the first 10 keys are kept, in the order sent (intercom-api.md §1.3).
    const kept = Object.fromEntries(Object.entries(metadata).slice(0, 10));
    this.events.record(record.seq, {
      event_name: input.event_name,
      created_at: input.created_at,
      metadata: kept,
    });
  }

  private eventContact(input: Record<string, unknown>): ContactRecord {
    if (typeof input.id === "string") return this.getContact(input.id);
    if (typeof input.user_id === "string") return this.findByExternalId(input.user_id);
    if (typeof input.email === "string") {
      const found = this.contacts.findByEmail(input.email).filter((contact) => !contact.archived);
      const record = found.find((contact) => contact.role === "user") ?? found[0];
      if (!record) throw notFound("User");
      return record;
    }
    throw new IntercomError(400, "parameter_not_found", "one of id, user_id or email is required");
  }

  contactTagItem(record: ContactRecord, tag: Tag, createdAt: number): Record<string, unknown> {
    return {
      type: "contact_tag",
      created_at: createdAt,
      tag: { type: "tag", id: tag.id, name: tag.name },
      contact: this.webhookContact(record),
    };
  }

  private assertNoDuplicate(role: Role, input: ContactInput, selfSeq?: number): void {
    const clash = (record: ContactRecord | undefined) => record && record.seq !== selfSeq;
    let duplicate: ContactRecord | undefined;
    if (input.external_id) {
      const byExternalId = this.contacts.findByExternalId(input.external_id);
      if (clash(byExternalId)) duplicate = byExternalId;
    }
    if (!duplicate && input.email && role === "user") {
      duplicate = this.contacts
        .findByEmail(input.email)
        .find((record) => record.role === "user" && record.seq !== selfSeq);
    }
    if (duplicate) {
      const prefix = duplicate.archived ? "An archived contact" : "A contact";
      throw new IntercomError(
        409,
        "conflict",
        `${prefix} matching those details already exists with id=${duplicate.id}`,
      );
    }
  }
}

function withoutNulls(
  values: ContactInput["custom_attributes"],
): ContactRecord["custom_attributes"] {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => value !== null));
}
