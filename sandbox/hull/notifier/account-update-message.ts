import { randomUUID } from "node:crypto";
import {
  emptyAccountPending,
  toAccountReport,
  type AccountRecord,
} from "../store/account-record.js";
import { toAccountSegmentSnapshot } from "../store/account-store.js";
import type { Segment } from "../store/segment-store.js";

/**
 * Builds one `account:update` message from an account and what changed since the last one, then
 * forgets those changes. Hull's own packages carry no type for it (hull@0.14.2 only names the
 * channel); the shape is the account half of a `user:update` message (hull-platform.md §2.3):
 * `account`, `account_segments`, `account_segment_ids`, and `changes {is_new, account,
 * account_segments}`, empty keys as empty objects (ADR 019).
 */
export function takeAccountUpdateMessage(
  account: AccountRecord,
  segments: Segment[],
): Record<string, unknown> {
  const pending = account.pending;
  const accountChanges: Record<string, [unknown, unknown]> = {};
  for (const [name, [before, after]] of pending.attributes) {
    if (JSON.stringify(before) !== JSON.stringify(after)) accountChanges[name] = [before, after];
  }
  const segmentChanges: Record<string, unknown[]> = {};
  if (pending.entered.size > 0) segmentChanges.entered = [...pending.entered.values()];
  if (pending.left.size > 0) segmentChanges.left = [...pending.left.values()];
  const message = {
    message_id: randomUUID(),
    account: toAccountReport(account),
    account_segments: segments
      .filter((segment) => account.segment_ids.includes(segment.id))
      .map(toAccountSegmentSnapshot),
    account_segment_ids: [...account.segment_ids],
    changes: {
      is_new: pending.isNew,
      account: accountChanges,
      account_segments: segmentChanges,
    },
  };
  account.pending = emptyAccountPending(false);
  return message;
}
