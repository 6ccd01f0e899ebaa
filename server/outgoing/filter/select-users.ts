import type { IntercomState } from "../../intercom-states";
import { INTERCOM_TRAITS } from "../hull-input/intercom-traits";
import type { UserUpdate } from "../hull-input/user-update";
import {
  shouldSyncUser,
  type FilterSettings,
  type SkipCode,
  type SyncDecision,
} from "./should-sync-user";

export interface Selection {
  send: { update: UserUpdate; decision: Exclude<SyncDecision, { send: "nothing" }> }[];
  skipped: SkippedUser[];
}

/**
 * A user left out, and why. `state` is set when Intercom's report of the contact (deleted,
 * archived) is the reason, with what the Hull user already records (`intercom/skipped_reason`).
 */
export interface SkippedUser {
  userId: string;
  code: SkipCode;
  reason: string;
  state?: IntercomState;
  recordedReason?: unknown;
}

/** Two messages for one user in a batch become one: the latest report, all events and changes. */
function mergeByUser(updates: readonly UserUpdate[]): UserUpdate[] {
  const byUser = new Map<string, UserUpdate>();
  for (const update of updates) {
    const earlier = byUser.get(update.user.id);
    if (!earlier) {
      byUser.set(update.user.id, update);
      continue;
    }
    const changes =
      earlier.changes && update.changes
        ? {
            isNew: earlier.changes.isNew || update.changes.isNew,
            user: { ...earlier.changes.user, ...update.changes.user },
            entered: [...earlier.changes.entered, ...update.changes.entered],
            left: [...earlier.changes.left, ...update.changes.left],
          }
        : (update.changes ?? earlier.changes);
    byUser.set(update.user.id, {
      ...update,
      events: [...earlier.events, ...update.events],
      changes,
    });
  }
  return [...byUser.values()];
}

/** The users of a batch that go to Intercom, and why the others do not. */
export function selectUsers(
  updates: readonly UserUpdate[],
  settings: FilterSettings,
  options: { manual?: boolean } = {},
): Selection {
  const selection: Selection = { send: [], skipped: [] };
  for (const update of mergeByUser(updates)) {
    const decision = shouldSyncUser(update, settings, options);
    if (decision.send === "nothing") {
      const { code, reason, state } = decision;
      selection.skipped.push({
        userId: update.user.id,
        code,
        reason,
        ...(state
          ? { state, recordedReason: update.user[INTERCOM_TRAITS.skippedReason] ?? null }
          : {}),
      });
    } else selection.send.push({ update, decision });
  }
  return selection;
}
