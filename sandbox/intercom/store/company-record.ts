import type { AppliedTag } from "./contact-record.js";

/**
 * The stand-in's own record of an Intercom company (intercom-api.md §1.5, official description
 * schema `company`); REST and webhook views are built from it. `company_id` is the caller's id,
 * set once at creation and never changed ("it is not possible to update company_id").
 */
export interface CompanyRecord {
  seq: number;
  id: string;
  company_id: string;
  name: string | null;
  /** The plan's name; the view shows `{type:"plan", id, name}` or `{}` without one. */
  plan: string | null;
  size: number | null;
  website: string | null;
  industry: string | null;
  /** Whole units: the description says floats are truncated (155.98 → 155), at most 2^31-1. */
  monthly_spend: number;
  /** Unix seconds. */
  remote_created_at: number | null;
  created_at: number;
  updated_at: number;
  custom_attributes: Record<string, string | number | boolean>;
  tags: AppliedTag[];
}

export function cloneCompany(record: CompanyRecord): CompanyRecord {
  return {
    ...record,
    custom_attributes: { ...record.custom_attributes },
    tags: record.tags.map((tag) => ({ ...tag })),
  };
}
