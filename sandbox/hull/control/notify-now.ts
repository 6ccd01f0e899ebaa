import { HullApiError } from "../errors.js";
import { batchUrl, deliverExtract } from "../extract-delivery.js";
import type { HullPlatform } from "../hull-platform.js";
import type { UserRecord } from "../store/user-record.js";

/**
 * `POST /_sandbox/notify`: a manual "send to connector" for a segment, some users or everyone,
 * as `user:update` notifications or, with `extract: true`, as a `/batch` extract.
 */
export function notifyNow(
  platform: HullPlatform,
  body: Record<string, unknown>,
  timeoutMs: number,
) {
  let users: UserRecord[];
  let segmentId: string | undefined;
  if (typeof body.segment_id === "string") {
    if (!platform.segments.get(body.segment_id)) throw new HullApiError(404, "Segment not found");
    segmentId = body.segment_id;
    users = platform.users
      .list()
      .filter((user) => user.segment_ids.includes(body.segment_id as string));
  } else if (Array.isArray(body.user_ids)) {
    users = body.user_ids.map((id) => {
      const user = typeof id === "string" ? platform.users.get(id) : undefined;
      if (!user) throw new HullApiError(404, `User ${String(id)} not found`);
      return user;
    });
    users = [...new Set(users)];
  } else if (body.all === true) {
    users = platform.users.list();
  } else {
    throw new HullApiError(400, "Give {segment_id}, {user_ids: [...]} or {all: true}");
  }
  if (body.extract === true) {
    const { connectorUrl } = platform.connector;
    if (!connectorUrl) throw new HullApiError(409, "No connector URL is set");
    const batches = platform.manifest.batches;
    const first = Array.isArray(batches)
      ? (batches[0] as { url?: unknown } | undefined)
      : undefined;
    const path = typeof first?.url === "string" ? first.url : "/batch";
    const fileUrl = platform.createExtract(users);
    const target = batchUrl(connectorUrl, platform.connector, path, segmentId);
    void deliverExtract(
      target,
      fileUrl,
      users.map((user) => user.id),
      platform.sender.log,
      timeoutMs,
    );
    return { queued: users.length, via: "batch", url: fileUrl };
  }
  platform.sendUserUpdates(users);
  return { queued: users.length, via: "smart-notifier" };
}
