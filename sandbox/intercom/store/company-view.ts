import type { CompanyRecord } from "./company-record.js";
import { isoTime } from "./contact-view.js";

/** What a view needs besides the record: counts and names the book and tag store hold. */
export interface CompanyViewContext {
  appId: string;
  userCount: number;
  plan: Record<string, unknown>;
  tagName(id: string): string;
}

/**
 * The REST company object of API 2.14 (schema `company`; Unix-second timestamps). Fields the
 * schema does not allow to be null (size, website, industry, remote_created_at, name) are left out
 * until set. The stand-in has no sessions: session_count is 0 and last_request_at absent.
 */
export function toRestCompany(
  record: CompanyRecord,
  context: CompanyViewContext,
): Record<string, unknown> {
  return {
    type: "company",
    company_id: record.company_id,
    id: record.id,
    app_id: context.appId,
    ...(record.name !== null ? { name: record.name } : {}),
    ...(record.remote_created_at !== null ? { remote_created_at: record.remote_created_at } : {}),
    created_at: record.created_at,
    updated_at: record.updated_at,
    monthly_spend: record.monthly_spend,
    session_count: 0,
    user_count: context.userCount,
    ...(record.size !== null ? { size: record.size } : {}),
    ...(record.website !== null ? { website: record.website } : {}),
    ...(record.industry !== null ? { industry: record.industry } : {}),
    tags: {
      type: "tag.list",
      tags: record.tags.map((tag) => ({ type: "tag", id: tag.id, name: context.tagName(tag.id) })),
    },
    segments: { type: "segment.list", segments: [] },
    plan: context.plan,
    custom_attributes: { ...record.custom_attributes },
  };
}

/**
 * The 1.x (legacy) `company` item of a company.created notification (intercom-api.md §4.2 lists
 * the topic with item "Company"): the REST fields with ISO-8601 timestamps, as the 1.x user items
 * captured in intercom-api.md §4.4 carry them. Shape inferred (ADR 019).
 */
export function toLegacyCompany(
  record: CompanyRecord,
  context: CompanyViewContext,
): Record<string, unknown> {
  const rest = toRestCompany(record, context);
  for (const field of ["created_at", "updated_at", "remote_created_at"]) {
    if (typeof rest[field] === "number") rest[field] = isoTime(rest[field] as number);
  }
  return rest;
}

/** The `companies` reference list a contact carries (schema contact_companies): at most 10 shown. */
export function contactCompanies(contactId: string, companyIds: readonly string[]) {
  return {
    type: "list",
    data: companyIds.slice(0, 10).map((id) => ({ id, type: "company", url: `/companies/${id}` })),
    url: `/contacts/${contactId}/companies`,
    total_count: companyIds.length,
    has_more: companyIds.length > 10,
  };
}
