import type { ContactRecord } from "../store/contact-record.js";
import { isoTime } from "../store/contact-view.js";
import type { Tag } from "../store/tag-store.js";

const iso = (seconds: number | null) => (seconds === null ? null : isoTime(seconds));

/** A 1.x `user` (or lead `contact`) item, as in the 2019 captures (intercom-api.md §4.4). */
export function legacyUserItem(
  record: ContactRecord,
  appId: string,
  type: "user" | "contact" = "user",
) {
  return {
    type,
    id: record.id,
    user_id: record.external_id,
    anonymous: record.role === "lead",
    email: record.email ?? "",
    phone: record.phone,
    name: record.name,
    pseudonym: null,
    avatar: { type: "avatar", image_url: record.avatar },
    app_id: appId,
    companies: { type: "company.list", companies: [] },
    location_data: {
      type: "location_data",
      city_name: record.location.city,
      continent_code: null,
      country_name: record.location.country,
      postal_code: null,
      region_name: record.location.region,
      timezone: null,
      country_code: null,
    },
    last_request_at: iso(record.last_seen_at),
    created_at: iso(record.created_at),
    remote_created_at: iso(record.signed_up_at),
    signed_up_at: iso(record.signed_up_at),
    updated_at: iso(record.updated_at),
    session_count: 0,
    social_profiles: { type: "social_profile.list", social_profiles: [] },
    owner_id: record.owner_id,
    unsubscribed_from_emails: record.unsubscribed_from_emails,
    marked_email_as_spam: false,
    has_hard_bounced: false,
    tags: { type: "tag.list", tags: record.tags.map((tag) => ({ type: "tag", id: tag.id })) },
    segments: { type: "segment.list", segments: [] },
    custom_attributes: { ...record.custom_attributes },
    referrer: null,
    utm_campaign: null,
    utm_content: null,
    utm_medium: null,
    utm_source: null,
    utm_term: null,
  };
}

export function legacyUserTagItem(
  record: ContactRecord,
  appId: string,
  tag: Tag,
  createdAt: number,
) {
  return {
    type: "user_tag",
    created_at: createdAt,
    tag: { id: tag.id, name: tag.name, type: "tag" },
    user: legacyUserItem(record, appId),
    admin: { type: "admin" },
  };
}

export function legacyContactTagItem(record: ContactRecord, tag: Tag, createdAt: number) {
  return {
    type: "contact_tag",
    created_at: createdAt,
    tag: { id: tag.id, name: tag.name, type: "tag" },
    contact: { type: "contact", id: record.id, user_id: record.external_id },
  };
}
