import type { StoredEvent, UserRecord } from "./user-record.js";

/**
 * Attributes Hull keeps at the top level of a user report; every other attribute is custom and
 * carries the `traits_` prefix (hull-platform.md §2.3, §2.8 reserved attributes).
 */
const TOP_LEVEL = new Set([
  "email",
  "name",
  "first_name",
  "last_name",
  "created_at",
  "domain",
  "phone",
  "address",
  "description",
  "picture",
  "image",
  "last_seen_at",
  "accepts_marketing",
  "approved",
]);

/** The key under which an attribute appears in user reports and in `changes.user`. */
export function reportKey(attribute: string): string {
  return TOP_LEVEL.has(attribute) ? attribute : `traits_${attribute}`;
}

/** A user as Hull reports it to connectors (notifications and extracts). */
export function toUserReport(user: UserRecord): Record<string, unknown> {
  const report: Record<string, unknown> = {
    id: user.id,
    email: null,
    external_id: user.external_id,
    anonymous_ids: [...user.anonymous_ids],
    name: null,
    created_at: user.created_at,
    segment_ids: [...user.segment_ids],
    indexed_at: new Date().toISOString(),
  };
  for (const [name, value] of Object.entries(user.attributes)) report[reportKey(name)] = value;
  return report;
}

/** Hull's event timestamp form in notifications: "2018-10-08 16:33:15 UTC". */
export function hullTimestamp(iso: string): string {
  return `${iso.slice(0, 19).replace("T", " ")} UTC`;
}

/** An event as carried by `user:update` messages (hull-platform.md §2.3). */
export function toNotificationEvent(user: UserRecord, event: StoredEvent, connectorId: string) {
  const source = typeof event.context.source === "string" ? event.context.source : "track";
  return {
    event: event.event,
    event_id: event.event_id,
    event_source: source,
    event_type: typeof event.context.event_type === "string" ? event.context.event_type : "track",
    track_id: event.event_id,
    user_id: user.id,
    anonymous_id: user.anonymous_ids[0] ?? null,
    session_id: null,
    ship_id: connectorId,
    app_id: connectorId,
    app_name: source,
    created_at: hullTimestamp(event.created_at),
    properties: event.properties,
    context: event.context,
  };
}
