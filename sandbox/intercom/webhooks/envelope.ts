import { randomUUID } from "node:crypto";

/** The notification body Intercom POSTs (intercom-api.md §4.3). */
export interface NotificationEnvelope {
  type: "notification_event";
  app_id: string;
  data: { type: "notification_event_data"; item: unknown };
  links: Record<string, never>;
  id: string | null;
  topic: string;
  delivery_status: string | null;
  delivery_attempts: number;
  delivered_at: number;
  first_sent_at: number;
  created_at: number;
  self: null;
}

export function buildEnvelope(
  appId: string,
  topic: string,
  item: unknown,
  nowSeconds: number,
): NotificationEnvelope {
  const ping = topic === "ping";
  return {
    type: "notification_event",
    app_id: appId,
    data: { type: "notification_event_data", item },
    links: {},
    id: ping ? null : `notif_${randomUUID()}`,
    topic,
    delivery_status: ping ? null : "pending",
    delivery_attempts: 1,
    delivered_at: 0,
    first_sent_at: nowSeconds,
    created_at: nowSeconds,
    self: null,
  };
}
