import { parameterInvalid } from "../errors.js";
import type { ContactRecord } from "../store/contact-record.js";
import { contactReference } from "../store/contact-view.js";
import type { Tag } from "../store/tag-store.js";
import type { Workspace } from "../workspace.js";
import {
  conversationItem,
  conversationTopics,
  legacyConversationItem,
  type ConversationTopic,
} from "./conversation-items.js";
import { legacyContactTagItem, legacyUserItem, legacyUserTagItem } from "./legacy-items.js";

export interface TopicRequest {
  topic: string;
  record: ContactRecord;
  tag?: Tag;
  message: string;
  legacy: boolean;
  region: "US" | "EU" | "AU";
  now: number;
}

const contactTopics = [
  "contact.user.created",
  "contact.lead.created",
  "contact.lead.signed_up",
  "contact.email.updated",
  "contact.user.updated",
  "contact.lead.updated",
  "contact.deleted",
  "contact.archived",
  // What Intercom sends (a recorded capture, webhook-captures.test.ts), with the whole contact.
  "contact.unarchived",
  // The spelling intercom-api.md §4.2 gives, with the minimal item: kept so it can be sent on request.
  "contact.unarchive",
];
const tagTopics = [
  "contact.user.tag.created",
  "contact.user.tag.deleted",
  "contact.lead.tag.created",
  "contact.lead.tag.deleted",
];
const legacyUserTopics = [
  "user.created",
  "user.deleted",
  "user.email.updated",
  "contact.created",
  "contact.signed_up",
];
const legacyTagTopics = [
  "user.tag.created",
  "user.tag.deleted",
  "contact.tag.created",
  "contact.tag.deleted",
];

export const sandboxTopics = [
  ...contactTopics,
  ...tagTopics,
  ...legacyUserTopics,
  ...legacyTagTopics,
  ...conversationTopics,
];

/** Builds the item a notification of `topic` carries, from a stored contact (for /_sandbox/webhooks). */
export function itemForTopic(workspace: Workspace, request: TopicRequest): Record<string, unknown> {
  const { topic, record, now } = request;
  if (topic === "contact.deleted") return { ...contactReference(record), deleted: true };
  if (topic === "contact.archived") return { ...contactReference(record), archived: true };
  if (topic === "contact.unarchive") return { ...contactReference(record), archived: false };
  if (contactTopics.includes(topic)) return workspace.webhookContact(record);
  if (tagTopics.includes(topic)) return workspace.contactTagItem(record, requireTag(request), now);
  if (topic === "contact.created") return legacyUserItem(record, workspace.appId, "contact");
  if (legacyUserTopics.includes(topic)) return legacyUserItem(record, workspace.appId, "user");
  if (topic.startsWith("user.tag."))
    return legacyUserTagItem(record, workspace.appId, requireTag(request), now);
  if (legacyTagTopics.includes(topic))
    return legacyContactTagItem(record, requireTag(request), now);
  if ((conversationTopics as readonly string[]).includes(topic)) {
    const context = {
      topic: topic as ConversationTopic,
      record,
      message: request.message,
      appId: workspace.appId,
      region: request.region,
      now,
    };
    return request.legacy ? legacyConversationItem(context) : conversationItem(context);
  }
  throw parameterInvalid(`unsupported topic '${topic}'; supported: ${sandboxTopics.join(", ")}`);
}

function requireTag(request: TopicRequest): Tag {
  if (!request.tag)
    throw parameterInvalid("this topic needs a tag: pass tag_id or tag the contact first");
  return request.tag;
}
