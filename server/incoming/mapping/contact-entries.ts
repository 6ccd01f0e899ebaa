import { accountLinkEntries } from "../../accounts/mapping/company-notification";
import type { FirehoseEntry } from "../../clients/hull/types";
import {
  customAttributeNames,
  mapContactToHullUser,
  type HullUserWrite,
  type IncomingRow,
} from "./contact-to-hull-user";

/**
 * One Hull user write as firehose entries: its traits, then an alias for each further anonymous id
 * (a lead's contact id beside its visitor id), then, when the contact names a company, the link to
 * that company's Hull account (docs/adr/020). The one builder webhooks and fetches share; the
 * outbox and dead-letter retries replay entries built here.
 */
export function hullUserEntries(user: HullUserWrite, contact?: unknown): FirehoseEntry[] {
  return [
    { type: "traits", claims: user.claims, body: user.attributes },
    ...user.aliases.map((anonymous_id): FirehoseEntry => ({
      type: "alias",
      claims: user.claims,
      body: { anonymous_id },
    })),
    ...(contact === undefined ? [] : accountLinkEntries(contact, user.claims)),
  ];
}

/** What one Intercom contact becomes in Hull. */
export interface ContactWrite {
  entries: FirehoseEntry[];
  /** Custom attribute names the contact carries, when it is a user (the attribute catalogue). */
  customAttributes: string[];
}

/**
 * An Intercom contact (a webhook item or a REST contact; timestamps in seconds or ISO-8601) → its
 * firehose entries, mapped like every other incoming contact. `roleHint` is the role the caller
 * knows (the topic, the fetch's search) when the item does not say. Undefined when the contact
 * has no usable identity (no id): nothing is written for it.
 */
export function contactToHullEntries(
  contact: unknown,
  options: { roleHint?: "user" | "lead"; incomingAttributes: readonly IncomingRow[] },
): ContactWrite | undefined {
  const user = mapContactToHullUser(contact, options);
  if (!user) return undefined;
  return {
    entries: hullUserEntries(user, contact),
    customAttributes: user.role === "user" ? customAttributeNames(contact) : [],
  };
}
