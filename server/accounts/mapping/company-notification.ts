import type { FirehoseEntry } from "../../clients/hull/types";
import { contactClaims } from "../../incoming/mapping/contact-claims";
import { isObject, objectAt, stringAt, type Json } from "../../incoming/mapping/read";
import {
  chosenCompany,
  companyAccountClaims,
  contactAccount,
  mapCompanyToHullAccount,
  type IncomingAccountRow,
} from "./company-to-hull-account";

/** What a company topic becomes in Hull: entries to write, or why nothing is written. */
export type CompanyPlan =
  { kind: "ignore"; reason: string } | { kind: "write"; entries: FirehoseEntry[] };

/** The company of an item: the item itself (`type: "company"`), else its `company` field. */
function companyOf(item: Json): Json | undefined {
  return stringAt(item, "type") === "company" ? item : objectAt(item, "company");
}

/**
 * `company.created` / `company.updated` (1.x and 2.x items, intercom-api.md §4.2): the account,
 * claimed by `intercom:<id>`, its `company_id` and website domain, with its `intercom/` attributes.
 */
export function planCompany(
  item: Json,
  incomingAttributes: readonly IncomingAccountRow[],
): CompanyPlan {
  const account = mapCompanyToHullAccount(companyOf(item), { incomingAttributes });
  if (!account) return { kind: "ignore", reason: "company without an id" };
  return {
    kind: "write",
    entries: [{ type: "traits", claims: {}, account: account.claims, body: account.attributes }],
  };
}

/**
 * `company.deleted`: the account gets `intercom/deleted_at` (never created for it: a company Hull
 * never saw does not become an account holding only that mark).
 */
export function planCompanyDeleted(item: Json, at: string): CompanyPlan {
  const claims = companyAccountClaims(companyOf(item));
  if (!claims) return { kind: "ignore", reason: "company deletion without an id" };
  return {
    kind: "write",
    entries: [
      {
        type: "traits",
        claims: {},
        account: claims,
        create: false,
        body: { "intercom/deleted_at": at },
      },
    ],
  };
}

/**
 * `company.contact.attached` / `.detached`: the item names a contact (`contact`, or 1.x `user`)
 * and a `company`. The user is linked (`asUser(u).account(a)`, hull-platform.md §2.2) to the
 * contact's chosen company (`chosenCompany`: the newest the contact lists; the attached one when
 * the contact lists none). A detachment links the user to the newest company the contact still
 * has; when it has none left, nothing is written: Hull has no way to take a user out of an
 * account (hull-client 2.0.4 offers `account()` to link and nothing to unlink; docs/adr/020), so
 * the link stays until another company is attached.
 */
export function planCompanyContact(item: Json, attached: boolean): CompanyPlan {
  const contact = objectAt(item, "contact") ?? objectAt(item, "user");
  const claims = contactClaims(contact);
  const company = objectAt(item, "company");
  const companyId = stringAt(company, "id");
  if (!claims || !companyAccountClaims(company))
    return { kind: "ignore", reason: "attachment without a contact or a company" };
  const chosen = chosenCompany(
    contact,
    attached ? { named: company } : { named: company, removed: companyId },
  );
  const account = companyAccountClaims(chosen);
  if (!account)
    return {
      kind: "ignore",
      reason: "the contact has no company left; Hull cannot unlink a user from its account",
    };
  return { kind: "write", entries: [{ type: "traits", claims, account, body: {} }] };
}

/**
 * The entry linking a contact's Hull user to the account of its chosen company (`chosenCompany`),
 * when the contact item names one; works from a reference (`{type: "company", id}`) alone.
 */
export function accountLinkEntries(
  contact: unknown,
  claims: FirehoseEntry["claims"],
): FirehoseEntry[] {
  if (!isObject(contact)) return [];
  const account = contactAccount(contact);
  return account ? [{ type: "traits", claims, account, body: {} }] : [];
}
