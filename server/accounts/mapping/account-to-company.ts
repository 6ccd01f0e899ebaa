import { accountAttributeName, withoutTraitsPrefix } from "../../../common/identity";
import type { CompanyWrite } from "../../clients/intercom/companies";
import {
  inferDataType,
  toIntercomValue,
  type IntercomDataType,
} from "../../outgoing/mapping/intercom-value";

/** A row of the outgoing account mapping: Hull account attribute → Intercom company attribute. */
export interface OutgoingAccountRow {
  hull: string;
  name: string;
  overwrite: boolean;
}

/** A Hull account report as notifications carry it: keys without prefix (`name`, `intercom/id`). */
export interface OutgoingAccount {
  id?: string;
  external_id?: string | null;
  domain?: string | null;
  name?: string | null;
  [attribute: string]: unknown;
}

/** Writable top-level fields of `create_or_update_company_request` (2.14) and their types. */
export const COMPANY_FIELDS: Readonly<Record<string, IntercomDataType>> = {
  name: "string",
  plan: "string",
  size: "integer",
  website: "string",
  industry: "string",
  remote_created_at: "date",
  monthly_spend: "integer",
};

/** Intercom computes these or uses them as the key: a mapping row may not write them. */
const NOT_WRITABLE = new Set([
  "id",
  "type",
  "company_id",
  "app_id",
  "created_at",
  "updated_at",
  "session_count",
  "user_count",
]);

export type KnownValue = { known: true; value: unknown } | { known: false };
/** What Intercom holds for a company attribute (standard field or custom attribute name). */
export type CompanyValueLookup = (name: string, custom: boolean) => KnownValue;

export interface CompanyMapping {
  /** The upsert body: `company_id` and only the attributes to write. */
  company: CompanyWrite;
  /** Custom company attributes Intercom lacks, with the type to create them with. */
  missing: { name: string; dataType: IntercomDataType }[];
  /** Attributes whose Intercom value must be read first (overwrite off, value unknown). */
  unknown: string[];
  warnings: string[];
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === "";

/**
 * The `company_id` an account is upserted by: its `external_id`, else its `domain` (Hull makes
 * many accounts from a domain alone; docs/adr/020). Undefined: the account cannot be a company.
 */
export function companyIdOf(account: OutgoingAccount): string | undefined {
  for (const candidate of [account.external_id, account.domain]) {
    if (typeof candidate === "string" && candidate.trim() !== "") return candidate.trim();
  }
  return undefined;
}

/** The Intercom company id Hull learnt for an account (`intercom/id`, written back by the connector). */
export function intercomCompanyIdOf(account: OutgoingAccount): string | undefined {
  const id = account["intercom/id"];
  return typeof id === "string" && id !== "" ? id : undefined;
}

function targetOf(name: string): { name: string; custom: boolean } {
  const trimmed = name.trim();
  if (trimmed.startsWith("custom_attributes.")) return { name: trimmed.slice(18), custom: true };
  return { name: trimmed, custom: !Object.hasOwn(COMPANY_FIELDS, trimmed) };
}

/**
 * The account's own `name` goes to the company's name unless a row maps `name` (written only
 * where Intercom has none, like a row without "Hull overwrites Intercom").
 */
function rowsWithName(rows: readonly OutgoingAccountRow[]): readonly OutgoingAccountRow[] {
  return rows.some((row) => targetOf(row.name).name === "name" && !targetOf(row.name).custom)
    ? rows
    : [{ hull: "name", name: "name", overwrite: false }, ...rows];
}

/**
 * Turns a Hull account and the outgoing account mapping into a company upsert (pure): standard
 * fields top level, others in `custom_attributes`, values typed like contacts' (dates in Unix
 * seconds). A row without "Hull overwrites Intercom" writes only where Intercom's value is empty
 * (the contacts' rule, DESIGN.md §5); values equal to Intercom's are left out. Undefined when the
 * account has no `external_id` nor `domain` to be a company by.
 */
export function mapAccountToCompany(input: {
  account: OutgoingAccount;
  rows: readonly OutgoingAccountRow[];
  customTypes: ReadonlyMap<string, IntercomDataType>;
  /** What Intercom holds now; `"new"` for a company Hull has not seen in Intercom yet. */
  intercom: "new" | CompanyValueLookup;
}): CompanyMapping | undefined {
  const { account, customTypes, intercom } = input;
  const companyId = companyIdOf(account);
  if (!companyId) return undefined;
  const company: CompanyWrite = { company_id: companyId };
  const custom: Record<string, string | number | boolean> = Object.create(null);
  const missing = new Map<string, IntercomDataType>();
  const unknown: string[] = [];
  const warnings: string[] = [];
  for (const row of rowsWithName(input.rows)) {
    const hullName = accountAttributeName(row.hull);
    if (!Object.hasOwn(account, hullName)) continue;
    const value = account[hullName];
    if (value === undefined || value === null) continue;
    const target = targetOf(row.name);
    if (NOT_WRITABLE.has(row.name.trim())) {
      warnings.push(`"${target.name}" is not writable in Intercom; row ${hullName} skipped`);
      continue;
    }
    const known = target.custom
      ? customTypes.get(target.name)
      : Object.hasOwn(COMPANY_FIELDS, target.name)
        ? COMPANY_FIELDS[target.name]
        : undefined;
    const type = known ?? inferDataType(target.name, value);
    const coerced = toIntercomValue(value, type);
    if (!coerced.ok) {
      warnings.push(`${hullName} → ${target.name}: ${coerced.reason} (${type} expected)`);
      continue;
    }
    if (intercom !== "new") {
      const current = intercom(target.name, target.custom);
      if (!current.known) {
        if (!row.overwrite) {
          unknown.push(target.name);
          continue;
        }
      } else if (!row.overwrite && !isEmpty(current.value)) {
        continue;
      } else if (!isEmpty(current.value)) {
        const same = toIntercomValue(current.value, type);
        if (same.ok && same.value === coerced.value) continue;
      }
    }
    if (target.custom) {
      custom[target.name] = coerced.value;
      if (!known) missing.set(target.name, type);
    } else {
      (company as unknown as Record<string, unknown>)[target.name] = coerced.value;
    }
  }
  if (Object.keys(custom).length > 0) company.custom_attributes = { ...custom };
  return {
    company,
    missing: [...missing].map(([name, dataType]) => ({ name, dataType })),
    unknown,
    warnings,
  };
}

/**
 * Intercom's company values as Hull last saw them: the account's `intercom/<field>` (written by
 * the incoming flow), and for custom attributes the attribute the incoming account mapping writes
 * them to. An attribute Hull has no key for is unknown.
 */
export function companyValuesFromAccount(
  account: OutgoingAccount,
  incomingRows: readonly { name: string; hull: string }[],
): CompanyValueLookup {
  return (name, custom) => {
    const candidates = [`intercom/${name}`];
    if (custom) {
      for (const row of incomingRows) {
        if (row.name === name) candidates.unshift(withoutTraitsPrefix(row.hull));
      }
    }
    const key = candidates.find((candidate) => Object.hasOwn(account, candidate));
    return key ? { known: true, value: account[key] } : { known: false };
  };
}

/** Intercom's values read from the company itself: everything is known. */
export function companyValuesFromCompany(company: {
  custom_attributes?: Record<string, unknown>;
  [field: string]: unknown;
}): CompanyValueLookup {
  return (name, custom) => {
    if (custom) {
      const attributes = company.custom_attributes ?? {};
      return { known: true, value: Object.hasOwn(attributes, name) ? attributes[name] : undefined };
    }
    const value = company[name];
    if (name === "plan" && typeof value === "object" && value !== null)
      return { known: true, value: (value as { name?: unknown }).name };
    return { known: true, value };
  };
}

export interface SegmentRef {
  id: string;
  name: string;
}

/** The tag name of an account segment: its name, trimmed (tag names are case-insensitive). */
export function companyTagName(segment: SegmentRef): string {
  return segment.name.trim();
}

/**
 * Which account segment tags a company gets and loses (pure). `current`: the account's segments;
 * `left`: segments the account just left (`changes.account_segments.left`); `companyTags`: the
 * tag names the company has (from Intercom's answer to the upsert), when known. A tag goes on for
 * every current segment the company lacks it for (all of them when its tags are unknown: tagging
 * is idempotent), and comes off for every segment left.
 */
export function companyTagChanges(input: {
  current: readonly SegmentRef[];
  left: readonly SegmentRef[];
  companyTags?: readonly string[];
}): { apply: SegmentRef[]; remove: SegmentRef[] } {
  const has = input.companyTags && new Set(input.companyTags.map((name) => name.toLowerCase()));
  const named = (segment: SegmentRef) => companyTagName(segment) !== "";
  const currentIds = new Set(input.current.map((segment) => segment.id));
  return {
    apply: input.current
      .filter(named)
      .filter((segment) => !has || !has.has(companyTagName(segment).toLowerCase())),
    // Always untagged on leave: a tag Hull thinks absent may be there after all (a segment
    // renamed since Hull last saw the company's tags), and untagging is idempotent.
    remove: input.left.filter(named).filter((segment) => !currentIds.has(segment.id)),
  };
}
