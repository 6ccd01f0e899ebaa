import type { NotificationRecord } from "./notifier/notification-sender.js";
import { randomUUID } from "node:crypto";
import { pushCapped } from "./capped-log.js";

/**
 * Tells the connector an extract is ready: `POST <url> {url, format: "json", object_type}`
 * (hull-platform.md §2.6). The outcome is added to the notifications log.
 */
export async function deliverExtract(
  target: string,
  fileUrl: string,
  userIds: string[],
  log: NotificationRecord[],
  timeoutMs: number,
  subject: "user" | "account" = "user",
): Promise<void> {
  const record: NotificationRecord = {
    notification_id: `${subject}:extract:${randomUUID()}`,
    channel: `${subject}:extract`,
    message_count: userIds.length,
    user_ids: userIds,
    attempt: 1,
    sent_at: new Date().toISOString(),
    outcome: "delivered",
  };
  pushCapped(log, record);
  try {
    const response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: fileUrl, format: "json", object_type: `${subject}_report` }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    record.status = response.status;
    await response.arrayBuffer();
    if (!response.ok) record.outcome = "given-up";
  } catch (error) {
    record.error = (error as Error).message;
    record.outcome = "given-up";
  }
}

/** The `/batch` URL Hull calls, with the connector's credentials in the query. */
export function batchUrl(
  connectorUrl: string,
  connector: { id: string; organization: string; secret: string },
  path: string,
  segmentId?: string,
): string {
  const url = new URL(`${connectorUrl}${path}`);
  url.searchParams.set("ship", connector.id);
  url.searchParams.set("organization", connector.organization);
  url.searchParams.set("secret", connector.secret);
  url.searchParams.set("source", "connector");
  if (segmentId) url.searchParams.set("segment_id", segmentId);
  return url.toString();
}
