import type { FirehoseEntry, UserClaims } from "../../clients/hull/types";
import type { Region } from "../../clients/intercom/regions";
import { INTERCOM_STATE_ATTRIBUTES } from "../../intercom-states";
import {
  planCompany,
  planCompanyContact,
  planCompanyDeleted,
} from "../../accounts/mapping/company-notification";
import type { IncomingAccountRow } from "../../accounts/mapping/company-to-hull-account";
import { topicAction } from "../webhook/topics";
import { contactClaims } from "./contact-claims";
import { contactToHullEntries, hullUserEntries } from "./contact-entries";
import { conversationLink } from "./conversation-link";
import { tagNamesAfterOwnTag } from "./own-tags";
import {
  customAttributeNames,
  mapContactToHullUser,
  type IncomingRow,
} from "./contact-to-hull-user";
import { arrayAt, isObject, objectAt, stringAt, type Json } from "./read";
import { toIsoDate } from "./timestamps";
import { intercomAnonymousId } from "../../../common/identity";

/**
 * An Intercom webhook notification (reference/intercom-api.md §4), as parse-notification.ts
 * accepts it. Hull's smart-notifier notifications are another thing (server/outgoing).
 */
export interface IntercomNotification {
  id: string | null;
  topic: string;
  app_id: string;
  created_at?: unknown;
  data: { item: Json };
}

export interface NotificationContext {
  incomingAttributes: readonly IncomingRow[];
  region: Region;
  /** Tag ids the connector made for its segments, and the names of Hull's segments. */
  ownTagIds: ReadonlySet<string>;
  segmentNames: ReadonlySet<string>;
  /** The connector's tag ids → their segment's name, to name 2.x tag ids (may be partial). */
  ownTagNames?: ReadonlyMap<string, string>;
  /** When the notification reached us, for items that carry no time. */
  receivedAt: Date;
  /** The incoming account mapping (company custom attribute → account attribute). */
  incomingAccountAttributes?: readonly IncomingAccountRow[];
}

export type NotificationPlan =
  | { kind: "ignore"; reason: string }
  | { kind: "write"; entries: FirehoseEntry[]; customAttributes: string[] };

function isSetIfNull(value: unknown): value is { operation: "setIfNull"; value: unknown } {
  return isObject(value) && value.operation === "setIfNull";
}

const ignore = (reason: string): NotificationPlan => ({ kind: "ignore", reason });

function eventCreatedAt(
  notification: IntercomNotification,
  context: NotificationContext,
  ...candidates: unknown[]
): string {
  for (const candidate of [...candidates, notification.created_at]) {
    const iso = toIsoDate(candidate);
    if (iso) return iso;
  }
  return context.receivedAt.toISOString();
}

/**
 * Who a conversation is about, by every identifier Intercom gives: 2.x lists contacts
 * (`{type: "contact", id, external_id}`); 1.x has a `user` (a user or a lead).
 */
function conversationSubject(item: Json): UserClaims | undefined {
  const contact = arrayAt(objectAt(item, "contacts"), "contacts")[0];
  return contactClaims(contact) ?? contactClaims(objectAt(item, "user"));
}

function lastPart(item: Json): Json | undefined {
  const parts = arrayAt(objectAt(item, "conversation_parts"), "conversation_parts").filter(
    isObject,
  );
  return parts.at(-1);
}

/**
 * The texts of a conversation event. `message` is the body of what caused the notification: the
 * opening message for `*.created` topics (their cause is `source`, 2.x, or `conversation_message`,
 * 1.x), else the last conversation part, which is the one the topic is about (intercom-api.md
 * §4.3). An assignment, open or close part has `body: null`: then there is no `message`, never
 * the opening message shown as if the admin had written it. The opening message is kept apart as
 * `opening_message` on the other topics.
 */
export function conversationTexts(
  topic: string,
  opening: Json | undefined,
  causingPart: Json | undefined,
): { message?: string; openingMessage?: string } {
  const openingMessage = stringAt(opening, "body");
  if (topic.endsWith(".created"))
    return openingMessage === undefined ? {} : { message: openingMessage };
  const message = stringAt(causingPart, "body");
  return {
    ...(message !== undefined ? { message } : {}),
    ...(openingMessage !== undefined ? { openingMessage } : {}),
  };
}

function conversationEvent(
  notification: IntercomNotification,
  context: NotificationContext,
  event: string,
  initiated: "user" | "admin",
): NotificationPlan {
  const item = notification.data.item;
  const conversationId = stringAt(item, "id");
  const claims = conversationSubject(item);
  if (!conversationId || !claims) return ignore("conversation without an id or a contact");
  const part = lastPart(item);
  const opening = objectAt(item, "source") ?? objectAt(item, "conversation_message");
  const { message, openingMessage } = conversationTexts(notification.topic, opening, part);
  const assignee = objectAt(item, "assignee") ?? objectAt(part, "assigned_to");
  const assigneeId = stringAt(assignee, "id") ?? stringAt(item, "admin_assignee_id");
  const properties: Record<string, unknown> = {
    topic: notification.topic,
    conversation_id: conversationId,
    initiated,
    link:
      stringAt(objectAt(item, "links"), "conversation_web") ??
      conversationLink(context.region, notification.app_id, conversationId),
    ...(message !== undefined ? { message } : {}),
    ...(openingMessage !== undefined ? { opening_message: openingMessage } : {}),
    ...(assigneeId && stringAt(assignee, "type") !== "nobody_admin"
      ? { assignee_id: assigneeId }
      : {}),
    ...(stringAt(assignee, "name") ? { assignee_name: stringAt(assignee, "name") } : {}),
    ...(stringAt(assignee, "email") ? { assignee_email: stringAt(assignee, "email") } : {}),
  };
  const partId = stringAt(part, "id");
  return {
    kind: "write",
    customAttributes: [],
    entries: [
      {
        type: "track",
        claims,
        body: {
          event,
          properties,
          event_id:
            notification.id ??
            `intercom:${notification.topic}:${conversationId}:${partId ?? stringAt(item, "updated_at") ?? ""}`,
          created_at: eventCreatedAt(
            notification,
            context,
            part?.created_at,
            item.updated_at,
            item.created_at,
          ),
          source: "intercom",
          event_type: "conversation",
        },
      },
    ],
  };
}

function tagEvent(
  notification: IntercomNotification,
  context: NotificationContext,
  event: string,
): NotificationPlan {
  const item = notification.data.item;
  const tag = objectAt(item, "tag");
  const tagId = stringAt(tag, "id");
  const tagName = stringAt(tag, "name");
  if (!tagId && !tagName) return ignore("tag notification without a tag");
  const contactItem = objectAt(item, "contact") ?? objectAt(item, "user");
  // The topic names the role (1.x `contact.tag.*` were leads); the item's contact may not.
  const roleHint =
    notification.topic.includes(".lead.") || notification.topic.startsWith("contact.tag")
      ? "lead"
      : notification.topic.includes(".user.") || notification.topic.startsWith("user.")
        ? "user"
        : undefined;
  if ((tagId && context.ownTagIds.has(tagId)) || (tagName && context.segmentNames.has(tagName))) {
    // Not an event (the connector made it), but Hull learns which tags the contact has.
    const names = tagNamesAfterOwnTag(
      contactItem,
      { id: tagId, name: tagName },
      event === "Added Tag",
      context.ownTagNames ?? new Map(),
    );
    const claims = contactClaims(contactItem, roleHint ?? "user");
    if (!names || !claims) return ignore("the tag is one of the connector's segment tags");
    return {
      kind: "write",
      customAttributes: [],
      entries: [{ type: "traits", claims, create: false, body: { "intercom/tags": names } }],
    };
  }
  const user = mapContactToHullUser(contactItem, { roleHint, incomingAttributes: [] });
  if (!user) return ignore("tag notification without a contact");
  return {
    kind: "write",
    customAttributes: [],
    entries: [
      {
        type: "track",
        claims: user.claims,
        body: {
          event,
          properties: {
            topic: notification.topic,
            ...(tagName ? { tag: tagName } : {}),
            ...(tagId ? { tag_id: tagId } : {}),
          },
          event_id:
            notification.id ??
            `intercom:${notification.topic}:${stringAt(contactItem, "id")}:${tagId ?? tagName}:${stringAt(item, "created_at") ?? ""}`,
          created_at: eventCreatedAt(notification, context, item.created_at),
          source: "intercom",
          event_type: "tag",
        },
      },
    ],
  };
}

/**
 * What an Intercom notification becomes in Hull (DESIGN.md §5 topic table): pure, so the same rules
 * are unit-tested on plain data and used by the webhook flow.
 */
export function planNotification(
  notification: IntercomNotification,
  context: NotificationContext,
): NotificationPlan {
  const action = topicAction(notification.topic);
  if (!action) return ignore(`topic ${notification.topic} is not handled`);
  const item = notification.data.item;
  switch (action.kind) {
    case "conversation":
      return conversationEvent(notification, context, action.event, action.initiated);
    case "tag":
      return tagEvent(notification, context, action.event);
    case "contact": {
      const write = contactToHullEntries(item, {
        roleHint: action.role,
        incomingAttributes: context.incomingAttributes,
      });
      if (!write) return ignore("contact without an id");
      return { kind: "write", ...write };
    }
    case "merged": {
      // The surviving contact, mapped as any contact; the merged lead's id is aliased to it, so
      // that the lead's Hull profile (claimed by intercom:<lead id>) becomes this person's.
      const write = contactToHullEntries(item, {
        incomingAttributes: context.incomingAttributes,
      });
      if (!write) return ignore("merged contact without an id");
      const from = stringAt(objectAt(item, "merged_from"), "id");
      const traits = write.entries.find((entry) => entry.type === "traits");
      if (!from || !traits) return { kind: "write", ...write };
      const alias: FirehoseEntry = {
        type: "alias",
        claims: traits.claims,
        body: { anonymous_id: intercomAnonymousId(from) },
      };
      return { kind: "write", ...write, entries: [...write.entries, alias] };
    }
    case "signed-up": {
      const user = mapContactToHullUser(item, {
        roleHint: "user",
        incomingAttributes: context.incomingAttributes,
      });
      if (!user) return ignore("contact without an id");
      // A converted lead is a user now: plain writes (Intercom's data is current), is_lead false at once.
      const attributes = Object.fromEntries(
        Object.entries(user.attributes).map(([key, value]) => [
          key,
          key !== "name" && isSetIfNull(value) ? value.value : value,
        ]),
      );
      attributes["intercom/is_lead"] = false;
      const contactAlias = intercomAnonymousId(stringAt(item, "id") ?? "");
      const aliases =
        user.claims.anonymous_id === contactAlias || user.aliases.includes(contactAlias)
          ? user.aliases
          : [...user.aliases, contactAlias];
      return {
        kind: "write",
        entries: hullUserEntries({ ...user, attributes, aliases }, item),
        customAttributes: customAttributeNames(item),
      };
    }
    case "deleted": {
      // A mark never creates a user (io.hull.create false, hull-platform.md §2.2): a contact Hull
      // never saw must not become a profile holding nothing but "deleted". Events still may, so
      // an event that overtakes its contact's notification is kept; that notification claims the
      // same intercom:<id> and fills the profile.
      const claims = contactClaims(item);
      if (!claims) return ignore("deletion without a contact id");
      const at = eventCreatedAt(notification, context);
      const state = notification.topic === "contact.archived" ? "archived" : "deleted";
      return {
        kind: "write",
        customAttributes: [],
        entries: [
          {
            type: "traits",
            claims,
            create: false,
            body: { [INTERCOM_STATE_ATTRIBUTES[state]]: at },
          },
        ],
      };
    }
    case "company":
    case "company-deleted":
    case "company-contact": {
      const plan =
        action.kind === "company"
          ? planCompany(item, context.incomingAccountAttributes ?? [])
          : action.kind === "company-deleted"
            ? planCompanyDeleted(item, eventCreatedAt(notification, context))
            : planCompanyContact(item, action.attached);
      return plan.kind === "write" ? { ...plan, customAttributes: [] } : plan;
    }
    case "unarchived": {
      const claims = contactClaims(item);
      if (!claims) return ignore("unarchive without a contact id");
      return {
        kind: "write",
        customAttributes: [],
        entries: [
          {
            type: "traits",
            claims,
            create: false,
            body: { [INTERCOM_STATE_ATTRIBUTES.archived]: null },
          },
        ],
      };
    }
  }
}
