import { randomInt } from "node:crypto";
import type { ContactRecord } from "../store/contact-record.js";

export const conversationTopics = [
  "conversation.user.created",
  "conversation.user.replied",
  "conversation.admin.replied",
  "conversation.admin.single.created",
  "conversation.admin.assigned",
  "conversation.admin.opened",
  "conversation.admin.closed",
] as const;
export type ConversationTopic = (typeof conversationTopics)[number];

export const sandboxAdmin = {
  type: "admin",
  id: "991267459",
  name: "Sandbox Admin",
  email: "admin@sandbox.example",
};

const appHosts = { US: "app.intercom.com", EU: "app.eu.intercom.com", AU: "app.au.intercom.com" };

export interface ConversationContext {
  topic: ConversationTopic;
  record: ContactRecord;
  message: string;
  appId: string;
  region: keyof typeof appHosts;
  now: number;
}

const partTypes: Partial<Record<ConversationTopic, string>> = {
  "conversation.user.replied": "comment",
  "conversation.admin.replied": "comment",
  "conversation.admin.assigned": "assignment",
  "conversation.admin.opened": "open",
  "conversation.admin.closed": "close",
};

const byAdmin = (topic: ConversationTopic) => topic.startsWith("conversation.admin.");
const initiatedByAdmin = (topic: ConversationTopic) =>
  topic === "conversation.admin.single.created";
const html = (text: string) =>
  `<p>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</p>`;

function contactAuthor(record: ContactRecord) {
  return { type: record.role, id: record.id, name: record.name, email: record.email ?? "" };
}

/** The part that caused the notification; creation topics carry their message in `source` instead. */
function causingPart(context: ConversationContext) {
  const partType = partTypes[context.topic];
  if (!partType) return undefined;
  const admin = byAdmin(context.topic);
  return {
    type: "conversation_part",
    id: String(randomInt(1, 2 ** 31)),
    part_type: partType,
    body: partType === "comment" ? html(context.message) : null,
    created_at: context.now,
    updated_at: context.now,
    notified_at: context.now,
    assigned_to: partType === "assignment" ? { type: "admin", id: sandboxAdmin.id } : null,
    author: admin ? { ...sandboxAdmin } : contactAuthor(context.record),
    attachments: [],
    external_id: null,
    redacted: false,
    metadata: {},
    state: partType === "close" ? "closed" : "open",
    tags: [],
  };
}

/** A 2.x conversation item (intercom-api.md §4.4): Unix-int timestamps, contacts, the causing part. */
export function conversationItem(
  context: ConversationContext,
  conversationId = String(randomInt(1, 2 ** 31)),
) {
  const { record, topic, now } = context;
  const part = causingPart(context);
  const closed = topic === "conversation.admin.closed";
  return {
    type: "conversation",
    id: conversationId,
    created_at: now,
    updated_at: now,
    waiting_since: null,
    snoozed_until: null,
    source: {
      type: "conversation",
      id: String(randomInt(1, 2 ** 31)),
      delivered_as: initiatedByAdmin(topic) ? "admin_initiated" : "customer_initiated",
      subject: "",
      body: html(part ? "Hello" : context.message),
      author: initiatedByAdmin(topic) ? { ...sandboxAdmin } : contactAuthor(record),
      attachments: [],
      url: null,
      redacted: false,
    },
    contacts: {
      type: "contact.list",
      contacts: [{ type: "contact", id: record.id, external_id: record.external_id }],
    },
    first_contact_reply: null,
    admin_assignee_id: byAdmin(topic) ? Number(sandboxAdmin.id) : null,
    team_assignee_id: null,
    open: !closed,
    state: closed ? "closed" : "open",
    read: false,
    tags: { type: "tag.list", tags: [] },
    priority: "not_priority",
    sla_applied: null,
    statistics: null,
    conversation_rating: null,
    teammates: {
      type: "admin.list",
      admins: byAdmin(topic) ? [{ type: "admin", id: sandboxAdmin.id }] : [],
    },
    title: null,
    custom_attributes: {},
    topics: {},
    ticket: null,
    linked_objects: { type: "list", data: [], total_count: 0, has_more: false },
    ai_agent: null,
    ai_agent_participated: false,
    conversation_parts: {
      type: "conversation_part.list",
      conversation_parts: part ? [part] : [],
      total_count: part ? 1 : 0,
    },
  };
}

/** The pre-2.5 conversation item: user, assignee, conversation_message, links.conversation_web. */
export function legacyConversationItem(context: ConversationContext) {
  const modern = conversationItem(context);
  const { record, topic } = context;
  const parts = modern.conversation_parts.conversation_parts.map((part) => ({
    ...part,
    author: { type: part.author.type, id: part.author.id },
  }));
  return {
    type: "conversation",
    id: modern.id,
    created_at: modern.created_at,
    updated_at: modern.updated_at,
    user: {
      type: record.role,
      id: record.id,
      user_id: record.external_id,
      name: record.name,
      email: record.email ?? "",
    },
    assignee: byAdmin(topic)
      ? { ...sandboxAdmin }
      : { type: "nobody_admin", id: null, name: null, email: null },
    conversation_message: {
      type: "conversation_message",
      id: modern.source.id,
      url: null,
      subject: "",
      body: modern.source.body,
      author: { type: modern.source.author.type, id: modern.source.author.id },
      attachments: [],
    },
    conversation_parts: {
      type: "conversation_part.list",
      conversation_parts: parts,
      total_count: parts.length,
    },
    open: modern.open,
    state: modern.state,
    read: false,
    metadata: {},
    tags: { type: "tag.list", tags: [] },
    tags_added: { type: "tag.list", tags: [] },
    links: {
      conversation_web: `https://${appHosts[context.region]}/a/apps/${context.appId}/conversations/${modern.id}`,
    },
  };
}
