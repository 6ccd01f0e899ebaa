/**
 * The topics the connector acts on, legacy (1.x) and current (2.5+) names side by side
 * (DESIGN.md §5; reference/intercom-api.md §4.2). Everything else is acknowledged and counted.
 */
export type TopicAction =
  | { kind: "conversation"; event: string; initiated: "user" | "admin" }
  | { kind: "contact"; role?: "user" | "lead" }
  | { kind: "signed-up" }
  | { kind: "merged" }
  | { kind: "deleted" }
  | { kind: "unarchived" }
  | { kind: "tag"; event: "Added Tag" | "Removed Tag" }
  // Companies → Hull accounts (server/accounts/, docs/adr/020).
  | { kind: "company" }
  | { kind: "company-deleted" }
  | { kind: "company-contact"; attached: boolean };

export const TOPICS: Readonly<Record<string, TopicAction>> = {
  "conversation.user.created": {
    kind: "conversation",
    event: "User started conversation",
    initiated: "user",
  },
  "conversation.user.replied": {
    kind: "conversation",
    event: "User replied to conversation",
    initiated: "user",
  },
  "conversation.admin.replied": {
    kind: "conversation",
    event: "Admin replied to conversation",
    initiated: "admin",
  },
  "conversation.admin.single.created": {
    kind: "conversation",
    event: "Admin started conversation",
    initiated: "admin",
  },
  "conversation.admin.assigned": {
    kind: "conversation",
    event: "Admin assigned conversation",
    initiated: "admin",
  },
  "conversation.admin.opened": {
    kind: "conversation",
    event: "Admin opened conversation",
    initiated: "admin",
  },
  "conversation.admin.closed": {
    kind: "conversation",
    event: "Admin closed conversation",
    initiated: "admin",
  },
  "user.created": { kind: "contact", role: "user" },
  "contact.user.created": { kind: "contact", role: "user" },
  "user.email.updated": { kind: "contact" },
  "contact.email.updated": { kind: "contact" },
  "contact.created": { kind: "contact", role: "lead" },
  "contact.lead.created": { kind: "contact", role: "lead" },
  // Updates (2.x): the item is the whole contact, mapped as a created one is (intercom-api.md §4.2).
  // A lead's values are setIfNull, so a late one cannot undo a newer value. A user's
  // `contact.user.updated` is not taken: its plain writes have no order Hull could check (no
  // conditional write), a late one would undo a newer value in Hull and a mapped attribute would
  // carry it back to Intercom; the incremental fetch reads user updates every 5 minutes instead.
  "contact.lead.updated": { kind: "contact", role: "lead" },
  "contact.added_email": { kind: "contact", role: "lead" },
  "contact.lead.added_email": { kind: "contact", role: "lead" },
  // A lead merged into a user: the item is the surviving contact, `merged_from` the lead (§4.4).
  "contact.merged": { kind: "merged" },
  "contact.signed_up": { kind: "signed-up" },
  "contact.lead.signed_up": { kind: "signed-up" },
  "user.deleted": { kind: "deleted" },
  "contact.deleted": { kind: "deleted" },
  "contact.archived": { kind: "deleted" },
  // Intercom delivers `contact.unarchived` (a recorded capture, test/conformance/intercom/
  // webhook-captures.test.ts; the 2.6 changelog); intercom-api.md §4.2 reads it
  // `contact.unarchive`, kept in case a workspace sends that spelling.
  "contact.unarchived": { kind: "unarchived" },
  "contact.unarchive": { kind: "unarchived" },
  "user.tag.created": { kind: "tag", event: "Added Tag" },
  "contact.user.tag.created": { kind: "tag", event: "Added Tag" },
  "contact.lead.tag.created": { kind: "tag", event: "Added Tag" },
  "contact.tag.created": { kind: "tag", event: "Added Tag" },
  "user.tag.deleted": { kind: "tag", event: "Removed Tag" },
  "contact.user.tag.deleted": { kind: "tag", event: "Removed Tag" },
  "contact.lead.tag.deleted": { kind: "tag", event: "Removed Tag" },
  "contact.tag.deleted": { kind: "tag", event: "Removed Tag" },
  // 1.x has company.created only; 2.x adds the others (intercom-api.md §4.2).
  "company.created": { kind: "company" },
  "company.updated": { kind: "company" },
  "company.deleted": { kind: "company-deleted" },
  "company.contact.attached": { kind: "company-contact", attached: true },
  "company.contact.detached": { kind: "company-contact", attached: false },
};

export function topicAction(topic: string): TopicAction | undefined {
  return Object.hasOwn(TOPICS, topic) ? TOPICS[topic] : undefined;
}
