import { accountAttributeName, intercomAnonymousId } from "../../../common/identity";
import type { AccountClaims, AttributeValue } from "../../clients/hull/types";
import { isIdentifier } from "../../hull-entry-rules";
import { arrayAt, isObject, objectAt, stringAt, type Json } from "../../incoming/mapping/read";
import { toIsoDate } from "../../incoming/mapping/timestamps";

/** A row of the incoming account mapping: Intercom company custom attribute → Hull account attribute. */
export interface IncomingAccountRow {
  name: string;
  hull: string;
}

/** What one Intercom company becomes in Hull: the account's claims and its attributes. */
export interface HullAccountWrite {
  claims: AccountClaims;
  attributes: Record<string, AttributeValue>;
}

type Kind = "date" | "plain";

/** Intercom company field → attribute in the account's `intercom/` group (2.14 `company` schema). */
const STANDARD_FIELDS: readonly [path: string, hull: string, kind?: Kind][] = [
  ["id", "id"],
  ["company_id", "company_id"],
  ["name", "name"],
  ["website", "website"],
  ["industry", "industry"],
  ["size", "size"],
  ["monthly_spend", "monthly_spend"],
  ["session_count", "session_count"],
  ["user_count", "user_count"],
  ["plan.name", "plan"],
  ["created_at", "created_at", "date"],
  ["updated_at", "updated_at", "date"],
  ["remote_created_at", "remote_created_at", "date"],
  ["last_request_at", "last_request_at", "date"],
];

/**
 * The domain of a company's website (`https://www.Example.com/about` → `example.com`), or
 * undefined when it names none. Intercom does not validate `website` ("Accepts any string",
 * official description), so a bare host is read too; `www.` is dropped as Hull's own domain
 * claims carry none. A host no DNS name can be (over 253 characters, a label over 63) is none.
 */
export function domainOf(website: unknown): string | undefined {
  if (typeof website !== "string" || website.trim() === "") return undefined;
  const text = website.trim();
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`).hostname;
  } catch {
    return undefined;
  }
  host = host
    .toLowerCase()
    .replace(/^www\./, "")
    .replace(/\.$/, "");
  // A domain has a dot and is not an IP address.
  if (!host.includes(".") || /^[\d.]+$/.test(host) || host.startsWith("[")) return undefined;
  // Nor longer than a DNS name can be (RFC 1035 §2.3.4: labels of 63 bytes, 255 in all, i.e.
  // 253 characters written out): `website` is any string, and the domain becomes a Hull claim.
  if (host.length > 253 || host.split(".").some((label) => label.length > 63)) return undefined;
  return host;
}

/**
 * How Hull finds the account of an Intercom company, full or a reference
 * (`{type: "company", id}`): `anonymous_id: "intercom:<id>"` always (so a reference alone links a
 * user to the same account a full fetch fills), `external_id` = the company's `company_id` (the
 * customer's own id, which the outgoing flow writes from the account's external_id), and `domain`
 * from its website when it has one. Undefined when the item has no Intercom id.
 */
export function companyAccountClaims(company: unknown): AccountClaims | undefined {
  if (!isObject(company)) return undefined;
  const id = stringAt(company, "id");
  if (!isIdentifier(id)) return undefined;
  const externalId = stringAt(company, "company_id");
  const domain = domainOf(company.website);
  return {
    anonymous_id: intercomAnonymousId(id),
    ...(isIdentifier(externalId) ? { external_id: externalId } : {}),
    ...(domain ? { domain } : {}),
  };
}

function lookup(item: Json, path: string): { found: boolean; value: unknown } {
  let current: unknown = item;
  for (const key of path.split(".")) {
    if (!isObject(current) || !Object.hasOwn(current, key))
      return { found: false, value: undefined };
    current = current[key];
  }
  return { found: true, value: current };
}

function normalise(value: unknown, kind: Kind | undefined): unknown {
  if (value === undefined) return undefined;
  if (kind === "date") return value === null ? null : (toIsoDate(value) ?? undefined);
  if (typeof value === "object" && value !== null) return undefined;
  return value;
}

/** Tag names on a company: 2.x `{type: "tag.list", tags: [...]}`, or a list's `data`. */
function companyTagNames(company: Json): string[] | undefined {
  const tags = objectAt(company, "tags");
  if (!tags) return undefined;
  const items = [...arrayAt(tags, "tags"), ...arrayAt(tags, "data")];
  return items.flatMap((tag) => {
    const name = stringAt(tag, "name");
    return name ? [name] : [];
  });
}

/**
 * Maps an Intercom company to a Hull account write (pure): standard fields to the `intercom/`
 * group (dates as ISO-8601), tag names to `intercom/tags`, mapped custom attributes to the
 * attributes the incoming account mapping names, and the account's `name` when it has none
 * (setIfNull: a name set in Hull is kept). Undefined for an item without an Intercom id.
 */
export function mapCompanyToHullAccount(
  company: unknown,
  options: { incomingAttributes: readonly IncomingAccountRow[] },
): HullAccountWrite | undefined {
  const claims = companyAccountClaims(company);
  if (!claims || !isObject(company)) return undefined;
  // Keys come from Intercom's and the settings' names: no prototype to write "__proto__" into.
  const attributes: Record<string, AttributeValue> = Object.create(null);
  for (const [path, hull, kind] of STANDARD_FIELDS) {
    const { found, value } = lookup(company, path);
    if (!found) continue;
    const normalised = normalise(value, kind);
    if (normalised !== undefined) attributes[`intercom/${hull}`] = normalised;
  }
  const tags = companyTagNames(company);
  if (tags) attributes["intercom/tags"] = tags;
  const custom = objectAt(company, "custom_attributes") ?? {};
  for (const { name, hull } of options.incomingAttributes) {
    if (!Object.hasOwn(custom, name)) continue;
    const value = custom[name];
    if (value === undefined || (typeof value === "object" && value !== null)) continue;
    attributes[accountAttributeName(hull)] = value;
  }
  const name = stringAt(company, "name");
  if (name) attributes.name = { operation: "setIfNull", value: name };
  return { claims, attributes };
}

/**
 * The companies a contact item names: 2.x `companies: {type: "list", data: [{type: "company",
 * id, url}]}` (references only, at most 10, intercom-api.md §1.1), or a 1.x
 * `companies: {type: "company.list", companies: [{…}]}`. Items without an id are left out.
 */
export function contactCompanies(contact: unknown): Json[] {
  const list = objectAt(contact, "companies");
  if (!list) return [];
  return [...arrayAt(list, "data"), ...arrayAt(list, "companies")].filter(
    (item): item is Json => isObject(item) && isIdentifier(stringAt(item, "id")),
  );
}

/**
 * Orders Intercom ids: a longer id is the later one, then by text. Intercom's ids are 24-hex
 * ObjectIds whose first 8 digits are the creation time in seconds (the official description's
 * example company "6762f0a61bb69f9f2193bb55" has `created_at` 1734537382 = 0x6762f0a6), so the
 * greatest id is the newest company; any other id still gets one total order.
 */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The company a contact's Hull user belongs to (pure; docs/adr/020): a Hull user has one account
 * while an Intercom contact may have several companies, so of the companies the contact item
 * lists (at most 10, `contactCompanies`) the one with the greatest Intercom id, the newest, is
 * chosen. The rule reads the listed companies only, so a webhook, a fetched contact, an
 * attachment and "Fetch all companies" all choose the same one, whichever arrives last. Neither
 * the description nor the SDK gives an attachment time or says in which order the list comes,
 * so "the most recently attached" cannot be known from a contact.
 *
 * `named`: the company an attachment or a company's contact list names; it is returned in place
 * of the bare reference when it is the one chosen (it may carry `company_id` and `website`), and
 * is the choice when the contact lists no company at all (an item without the sub-list).
 * `removed`: the id of a company just detached, never chosen (nor is `named` then).
 * Undefined when no company is left.
 */
export function chosenCompany(
  contact: unknown,
  options: { named?: unknown; removed?: string } = {},
): Json | undefined {
  const { named, removed } = options;
  const listed = contactCompanies(contact).filter((item) => stringAt(item, "id") !== removed);
  if (listed.length === 0) {
    return removed === undefined && isObject(named) && isIdentifier(stringAt(named, "id"))
      ? named
      : undefined;
  }
  const newest = listed.reduce((best, item) =>
    compareIds(stringAt(item, "id")!, stringAt(best, "id")!) > 0 ? item : best,
  );
  return isObject(named) && stringAt(named, "id") === stringAt(newest, "id") ? named : newest;
}

/**
 * The account claims of the company a contact belongs to in Hull (`chosenCompany`), from a
 * reference alone. Undefined when the contact names no company.
 */
export function contactAccount(contact: unknown): AccountClaims | undefined {
  return companyAccountClaims(chosenCompany(contact));
}
