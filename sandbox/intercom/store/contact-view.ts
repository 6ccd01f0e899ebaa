import type { ContactRecord } from "./contact-record.js";

const subList = (id: string, suffix: string, data: unknown[] = []) => ({
  type: "list",
  data,
  url: `/contacts/${id}/${suffix}`,
  total_count: data.length,
  has_more: false,
});

const nullFields = [
  "last_replied_at",
  "last_contacted_at",
  "last_email_opened_at",
  "last_email_clicked_at",
  "language_override",
  "browser",
  "browser_version",
  "browser_language",
  "os",
  "android_app_name",
  "android_app_version",
  "android_device",
  "android_os_version",
  "android_sdk_version",
  "android_last_seen_at",
  "ios_app_name",
  "ios_app_version",
  "ios_device",
  "ios_os_version",
  "ios_sdk_version",
  "ios_last_seen_at",
  "utm_campaign",
  "utm_content",
  "utm_medium",
  "utm_source",
  "utm_term",
  "referrer",
  "enabled_push_messaging",
] as const;

/**
 * The REST contact object of API 2.14 (every field of the `contact` schema, Unix-second
 * timestamps). Tags list holds at most 10 items, as Intercom's does (intercom-api.md §1.1).
 * A contact without an email shows `""`: the 2.14 schema does not allow null there.
 */
export function toRestContact(record: ContactRecord, workspaceId: string): Record<string, unknown> {
  const email = record.email ?? "";
  const tags = record.tags.map((tag) => ({ type: "tag", id: tag.id, url: `/tags/${tag.id}` }));
  const tagList = { ...subList(record.id, "tags", tags.slice(0, 10)), total_count: tags.length };
  tagList.has_more = tags.length > 10;
  return {
    type: "contact",
    id: record.id,
    workspace_id: workspaceId,
    external_id: record.external_id,
    role: record.role,
    email,
    email_domain: email.includes("@") ? email.split("@")[1] : "",
    phone: record.phone,
    name: record.name,
    avatar: record.avatar ? { type: "avatar", image_url: record.avatar } : null,
    owner_id: record.owner_id,
    social_profiles: { type: "list", data: [] },
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: record.unsubscribed_from_emails,
    created_at: record.created_at,
    updated_at: record.updated_at,
    signed_up_at: record.signed_up_at,
    last_seen_at: record.last_seen_at,
    ...Object.fromEntries(nullFields.map((field) => [field, null])),
    location: {
      type: "location",
      country: record.location.country,
      region: record.location.region,
      city: record.location.city,
      country_code: null,
      continent_code: null,
    },
    custom_attributes: { ...record.custom_attributes },
    tags: tagList,
    notes: subList(record.id, "notes"),
    companies: subList(record.id, "companies"),
    opted_out_subscription_types: subList(record.id, "subscriptions"),
    opted_in_subscription_types: subList(record.id, "subscriptions"),
  };
}

const timestampFields = [
  "created_at",
  "updated_at",
  "signed_up_at",
  "last_seen_at",
  "last_replied_at",
  "last_contacted_at",
  "last_email_opened_at",
  "last_email_clicked_at",
  "android_last_seen_at",
  "ios_last_seen_at",
];

export const isoTime = (seconds: number): string =>
  new Date(seconds * 1000).toISOString().replace("Z", "+00:00");

/** Webhook contact items carry ISO-8601 timestamps, unlike REST (intercom-api.md §4.4). */
export function toWebhookContact(
  record: ContactRecord,
  workspaceId: string,
): Record<string, unknown> {
  const contact = toRestContact(record, workspaceId);
  for (const field of timestampFields) {
    const value = contact[field];
    if (typeof value === "number") contact[field] = isoTime(value);
  }
  return contact;
}

export const contactReference = (record: ContactRecord) => ({
  type: "contact",
  id: record.id,
  external_id: record.external_id,
});
