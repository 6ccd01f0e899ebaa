import { unixSeconds, type Clock } from "./clock.js";
import { parseCompanyInput, type CompanyInput } from "./company-input.js";
import { IntercomError, parameterInvalid, parameterMissing } from "./errors.js";
import type { IdCodec } from "./ids.js";
import type { AttributeStore } from "./store/attribute-store.js";
import { cloneCompany, type CompanyRecord } from "./store/company-record.js";
import type { ContactRecord } from "./store/contact-record.js";
import type { Tag, TagStore } from "./store/tag-store.js";
import type { Notify } from "./workspace.js";

/** "Contact has reached the maximum of 1000 company associations" (description, attach 400). */
export const MAX_COMPANIES_PER_CONTACT = 1000;

export const companyNotFound = () =>
  new IntercomError(404, "company_not_found", "Company Not Found");

export interface CompanyBookDeps {
  ids: IdCodec;
  clock: Clock;
  notify: Notify;
  attributes: AttributeStore;
  tags: TagStore;
  /** A live contact by id, or throws 404 "User Not Found" (Workspace.getContact). */
  contact(id: string): ContactRecord;
  /** The company's REST view, for notifications (company-view.ts). */
  companyItem(record: CompanyRecord): Record<string, unknown>;
  /** The contact's webhook view, for company.contact.* notifications. */
  contactItem(record: ContactRecord): Record<string, unknown>;
}

/**
 * One workspace's companies (intercom-api.md §1.5; official description, Companies tag): upsert by
 * `company_id`, update by Intercom id, delete, tags, and the contact ↔ company links. Notifies the
 * company topics intercom-api.md §4.2 names: company.created, company.updated, company.deleted,
 * company.contact.attached, company.contact.detached. Throws IntercomError with Intercom's codes;
 * validation happens before anything is written.
 */
export class CompanyBook {
  private records = new Map<number, CompanyRecord>();
  private bySeqOfId = new Map<string, number>();
  private byCompanyId = new Map<string, number>();
  private nextSeq = 0;
  /** Contact id → company ids in the order attached; company id → contact ids. */
  private companiesOfContact = new Map<string, string[]>();
  private contactsOfCompany = new Map<string, Set<string>>();
  private planIds = new Map<string, string>();

  constructor(private readonly deps: CompanyBookDeps) {}

  private now(): number {
    return unixSeconds(this.deps.clock());
  }

  /** Every company, oldest first (a copy of each). */
  all(): CompanyRecord[] {
    return [...this.records.values()].map(cloneCompany);
  }

  /** A company by its sequence number (scroll pages), undefined once deleted. */
  bySeq(seq: number): CompanyRecord | undefined {
    const record = this.records.get(seq);
    return record && cloneCompany(record);
  }

  count(): number {
    return this.records.size;
  }

  /** A company by Intercom id, or throws 404 company_not_found. */
  get(id: string): CompanyRecord {
    const seq = this.bySeqOfId.get(id);
    const record = seq === undefined ? undefined : this.records.get(seq);
    if (!record) throw companyNotFound();
    return cloneCompany(record);
  }

  findByCompanyId(companyId: string): CompanyRecord | undefined {
    const seq = this.byCompanyId.get(companyId);
    const record = seq === undefined ? undefined : this.records.get(seq);
    return record && cloneCompany(record);
  }

  /** Companies whose name is exactly `name` (names are not unique in Intercom). */
  findByName(name: string): CompanyRecord[] {
    return this.all().filter((record) => record.name === name);
  }

  /** How many live contacts the company has (the view's `user_count`). */
  userCount(id: string): number {
    return this.contactsOfCompany.get(id)?.size ?? 0;
  }

  /** The plan object of the view: `{}` without a plan, as the description's examples show. */
  planView(record: CompanyRecord): Record<string, unknown> {
    if (record.plan === null) return {};
    let id = this.planIds.get(record.plan);
    if (!id) {
      id = String(269_315 + this.planIds.size);
      this.planIds.set(record.plan, id);
    }
    return { type: "plan", id, name: record.plan };
  }

  /**
   * POST /companies: creates the company with that `company_id`, or updates the one that has it.
   * A body without `company_id` is refused (400 parameter_not_found): the stand-in does not invent
   * one (ADR 019).
   */
  upsert(body: unknown): { record: CompanyRecord; created: boolean } {
    const input = parseCompanyInput(body, this.deps.attributes, "create");
    if (input.company_id === undefined) throw parameterMissing("company_id is required");
    const seq = this.byCompanyId.get(input.company_id);
    if (seq !== undefined) {
      return { record: this.apply(this.records.get(seq)!, input), created: false };
    }
    const now = this.now();
    const newSeq = this.nextSeq++;
    const record: CompanyRecord = {
      seq: newSeq,
      id: this.deps.ids.idFor(newSeq),
      company_id: input.company_id,
      name: input.name ?? null,
      plan: input.plan ?? null,
      size: input.size ?? null,
      website: input.website ?? null,
      industry: input.industry ?? null,
      monthly_spend: Math.trunc(input.monthly_spend ?? 0),
      remote_created_at: input.remote_created_at ?? null,
      created_at: now,
      updated_at: now,
      custom_attributes: withoutNulls(input.custom_attributes),
      tags: [],
    };
    this.records.set(newSeq, record);
    this.bySeqOfId.set(record.id, newSeq);
    this.byCompanyId.set(record.company_id, newSeq);
    this.deps.notify("company.created", this.deps.companyItem(record));
    return { record: cloneCompany(record), created: true };
  }

  /** PUT /companies/{id}: updates by Intercom id; `company_id` cannot change (400). */
  update(id: string, body: unknown): CompanyRecord {
    const record = this.get(id);
    const input = parseCompanyInput(body, this.deps.attributes, "update");
    return this.apply(this.records.get(record.seq)!, input);
  }

  private apply(stored: CompanyRecord, input: CompanyInput): CompanyRecord {
    const after: CompanyRecord = {
      ...stored,
      name: input.name ?? stored.name,
      plan: input.plan ?? stored.plan,
      size: input.size ?? stored.size,
      website: input.website ?? stored.website,
      industry: input.industry ?? stored.industry,
      monthly_spend:
        input.monthly_spend === undefined ? stored.monthly_spend : Math.trunc(input.monthly_spend),
      remote_created_at: input.remote_created_at ?? stored.remote_created_at,
      custom_attributes: withoutNulls({ ...stored.custom_attributes, ...input.custom_attributes }),
      updated_at: this.now(),
    };
    this.records.set(after.seq, after);
    this.deps.notify("company.updated", this.deps.companyItem(after));
    return cloneCompany(after);
  }

  /**
   * DELETE /companies/{id}: the company goes and its contacts are detached (the contacts stay),
   * then `company.deleted` is notified (description, deleteCompany).
   */
  delete(id: string): CompanyRecord {
    const record = this.get(id);
    for (const contactId of this.contactsOfCompany.get(id) ?? []) {
      this.unlink(contactId, id);
    }
    this.records.delete(record.seq);
    this.bySeqOfId.delete(record.id);
    this.byCompanyId.delete(record.company_id);
    this.deps.notify("company.deleted", { type: "company", id: record.id, deleted: true });
    return record;
  }

  /** Company ids of a contact, in the order attached. */
  idsOf(contactId: string): string[] {
    return [...(this.companiesOfContact.get(contactId) ?? [])];
  }

  /** Contact ids of a company, in the order attached. */
  contactIdsOf(companyId: string): string[] {
    return [...(this.contactsOfCompany.get(companyId) ?? [])];
  }

  /**
   * POST /contacts/{id}/companies `{id}`: attaches; attaching twice changes nothing. 400
   * parameter_not_found "company not specified" without an id, 404 not_found for the contact, 404
   * company_not_found, 400 contact_company_limit_exceeded past 1000 (description, attach).
   */
  attach(contactId: string, body: unknown): CompanyRecord {
    const companyId = (body as { id?: unknown } | null | undefined)?.id;
    if (typeof companyId !== "string" || companyId === "")
      throw parameterMissing("company not specified");
    const contact = this.deps.contact(contactId);
    const company = this.get(companyId);
    const current = this.companiesOfContact.get(contact.id) ?? [];
    if (current.includes(company.id)) return company;
    if (current.length >= MAX_COMPANIES_PER_CONTACT) {
      throw new IntercomError(
        400,
        "contact_company_limit_exceeded",
        `Contact has reached the maximum of ${MAX_COMPANIES_PER_CONTACT} company associations`,
      );
    }
    this.companiesOfContact.set(contact.id, [...current, company.id]);
    const contacts = this.contactsOfCompany.get(company.id) ?? new Set<string>();
    contacts.add(contact.id);
    this.contactsOfCompany.set(company.id, contacts);
    this.deps.notify("company.contact.attached", this.linkItem(company, contact));
    return this.get(company.id);
  }

  /** DELETE /contacts/{id}/companies/{company_id}: detaches; detaching a non-member changes nothing. */
  detach(contactId: string, companyId: string): CompanyRecord {
    const contact = this.deps.contact(contactId);
    const company = this.get(companyId);
    if (this.unlink(contact.id, company.id)) {
      this.deps.notify("company.contact.detached", this.linkItem(company, contact));
    }
    return this.get(company.id);
  }

  /** The item of company.contact.* notifications (shape inferred, ADR 019). */
  linkItem(company: CompanyRecord, contact: ContactRecord): Record<string, unknown> {
    return {
      type: "contact_company",
      created_at: this.now(),
      company: this.deps.companyItem(company),
      contact: this.deps.contactItem(contact),
    };
  }

  private unlink(contactId: string, companyId: string): boolean {
    const current = this.companiesOfContact.get(contactId) ?? [];
    if (!current.includes(companyId)) return false;
    const rest = current.filter((id) => id !== companyId);
    if (rest.length > 0) this.companiesOfContact.set(contactId, rest);
    else this.companiesOfContact.delete(contactId);
    this.contactsOfCompany.get(companyId)?.delete(contactId);
    return true;
  }

  /** A deleted contact leaves its companies (their user_count drops). */
  forgetContact(contactId: string): void {
    for (const companyId of this.idsOf(contactId)) this.unlink(contactId, companyId);
  }

  /** A merged lead's companies move to the user it was merged into. */
  moveContact(fromId: string, intoId: string): void {
    const moving = this.idsOf(fromId);
    this.forgetContact(fromId);
    const into = this.companiesOfContact.get(intoId) ?? [];
    for (const companyId of moving) {
      if (into.includes(companyId) || into.length >= MAX_COMPANIES_PER_CONTACT) continue;
      into.push(companyId);
      const contacts = this.contactsOfCompany.get(companyId) ?? new Set<string>();
      contacts.add(intoId);
      this.contactsOfCompany.set(companyId, contacts);
    }
    if (into.length > 0) this.companiesOfContact.set(intoId, into);
  }

  /**
   * POST /tags `{name, companies: [{id} | {company_id}, untag?]}` (intercom-api.md §1.4): tags or
   * untags each company with the tag named (created if not found). Every company is resolved
   * first, so an unknown one (404 company_not_found) tags nothing.
   */
  tagCompanies(name: string, items: unknown): Tag {
    if (!Array.isArray(items) || items.length === 0)
      throw parameterInvalid("invalid tag parameters: companies must be a non-empty array");
    const targets = items.map((item) => {
      if (typeof item !== "object" || item === null || Array.isArray(item))
        throw parameterInvalid("invalid tag parameters: each company must be an object");
      const { id, company_id: companyId, untag } = item as Record<string, unknown>;
      if (untag !== undefined && typeof untag !== "boolean")
        throw parameterInvalid("invalid tag parameters: untag must be a boolean");
      let record: CompanyRecord | undefined;
      if (typeof id === "string") record = this.get(id);
      else if (typeof companyId === "string") record = this.findByCompanyId(companyId);
      else throw parameterInvalid("invalid tag parameters: each company needs id or company_id");
      if (!record) throw companyNotFound();
      return { seq: record.seq, untag: untag === true };
    });
    const { tag } = this.deps.tags.upsert(name);
    for (const target of targets) {
      const stored = this.records.get(target.seq)!;
      const has = stored.tags.some((applied) => applied.id === tag.id);
      if (target.untag && has) {
        stored.tags = stored.tags.filter((applied) => applied.id !== tag.id);
      } else if (!target.untag && !has) {
        stored.tags = [...stored.tags, { id: tag.id, applied_at: this.now() }];
      }
    }
    return tag;
  }
}

function withoutNulls(
  values: CompanyInput["custom_attributes"],
): CompanyRecord["custom_attributes"] {
  const out: CompanyRecord["custom_attributes"] = {};
  for (const [key, value] of Object.entries(values ?? {})) if (value !== null) out[key] = value;
  return out;
}
