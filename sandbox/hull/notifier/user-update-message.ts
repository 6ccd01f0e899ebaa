import { randomUUID } from "node:crypto";
import { toSegmentSnapshot, type Segment } from "../store/segment-store.js";
import { emptyPending, type UserRecord } from "../store/user-record.js";
import { reportKey, toNotificationEvent, toUserReport } from "../store/user-report.js";

/**
 * Builds one `user:update` message from a user and what changed since the last one, then forgets
 * those changes (hull-platform.md §2.3). Empty `changes` keys stay empty objects, as Hull sends them.
 */
export function takeUserUpdateMessage(
  user: UserRecord,
  segments: Segment[],
  connectorId: string,
): Record<string, unknown> {
  const pending = user.pending;
  const userChanges: Record<string, [unknown, unknown]> = {};
  for (const [name, [before, after]] of pending.attributes) {
    if (JSON.stringify(before) !== JSON.stringify(after))
      userChanges[reportKey(name)] = [before, after];
  }
  const segmentChanges: Record<string, unknown[]> = {};
  if (pending.entered.size > 0) segmentChanges.entered = [...pending.entered.values()];
  if (pending.left.size > 0) segmentChanges.left = [...pending.left.values()];
  const userSegments = segments.filter((segment) => user.segment_ids.includes(segment.id));
  const message = {
    message_id: randomUUID(),
    user: toUserReport(user),
    account: {},
    segments: userSegments.map(toSegmentSnapshot),
    segment_ids: [...user.segment_ids],
    account_segments: [],
    account_segment_ids: [],
    events: pending.events.map((event) => toNotificationEvent(user, event, connectorId)),
    changes: {
      is_new: pending.isNew,
      user: userChanges,
      account: {},
      segments: segmentChanges,
      account_segments: {},
    },
  };
  user.pending = emptyPending(false);
  return message;
}
