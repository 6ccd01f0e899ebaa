import type { UserClaims } from "../../clients/hull/types";
import { isIdentifier } from "../../hull-entry-rules";
import { isObject, stringAt, type Json } from "./read";
import { intercomAnonymousId } from "../../../common/identity";

/**
 * Intercom gives a lead a UUID `external_id`: the Messenger's visitor id (DESIGN.md §4). A
 * customer's own id rarely has that shape; when the role is unknown, such a value is not claimed
 * as a user's external_id (it would stamp the visitor id on a Hull user as its external_id).
 */
const VISITOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The role an item states. 2.x items say `role`; 1.x say `type: "user"`, or `"lead"`/`"contact"`
 * with a `user_id` or `anonymous` for leads. The minimal items of deletions, archives and a
 * conversation's `contacts` (`{type: "contact", id, external_id}`, intercom-api.md §4.4) state
 * none: undefined.
 */
export function statedRole(item: Json, hint?: "user" | "lead"): "user" | "lead" | undefined {
  const role = stringAt(item, "role");
  if (role === "user" || role === "lead") return role;
  if (hint) return hint;
  const type = stringAt(item, "type");
  if (type === "user") return "user";
  if (type === "lead" || item.anonymous === true) return "lead";
  if (type === "contact" && "user_id" in item) return "lead";
  return undefined;
}

/**
 * Every identifier an Intercom item carries, as Hull claims (issue 15 class 2): the Intercom id
 * (`anonymous_id: intercom:<id>`), the email, and for users the external_id (2.x `external_id`,
 * 1.x `user_id`). A lead is claimed by its visitor id `intercom:<external_id>` and email, as
 * the contact mapping writes it. Hull resolves external_id > email > anonymous_id
 * (hull-platform.md §2.8), so a write lands on the Hull user that already holds any of them.
 * Undefined when the item has no Intercom id.
 */
export function contactClaims(item: unknown, hint?: "user" | "lead"): UserClaims | undefined {
  if (!isObject(item)) return undefined;
  // Blank values identify no one (one rule with the firehose writer, hull-entry-rules.ts): a
  // whitespace external_id must not become a lead identity `intercom:   ` shared by strangers.
  const id = [stringAt(item, "id")].find(isIdentifier);
  if (!id) return undefined;
  const email = [stringAt(item, "email")].find(isIdentifier)?.trim().toLowerCase();
  const externalId = [stringAt(item, "external_id"), stringAt(item, "user_id")].find(isIdentifier);
  const role = statedRole(item, hint);
  if (role === "lead") {
    return {
      anonymous_id: intercomAnonymousId(externalId ?? id),
      ...(email ? { email } : {}),
    };
  }
  const userExternalId =
    externalId && (role === "user" || !VISITOR_ID.test(externalId)) ? externalId : undefined;
  return {
    anonymous_id: intercomAnonymousId(id),
    ...(email ? { email } : {}),
    ...(userExternalId ? { external_id: userExternalId } : {}),
  };
}
