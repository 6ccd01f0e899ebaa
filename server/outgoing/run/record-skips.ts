import type { ActivityLog } from "../../activity";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { FirehoseEntry, HullCredentials } from "../../clients/hull/types";
import type { SkippedUser } from "../filter/select-users";
import { INTERCOM_TRAITS } from "../hull-input/intercom-traits";

/**
 * Tells the Hull user why the outgoing flow leaves it out when Intercom's report is the reason
 * (deleted, archived): `intercom/skipped_reason` on the user, and a counter. Both are written
 * only when the reason changes (the activity log has every skip: `handle-notification.ts`), so a user that stays archived costs nothing; the
 * write comes back as an `intercom/`-only update, which the loop guard skips.
 * Throws what the firehose writer throws (Hull unreachable), so Hull resends the notification.
 */
export async function recordSkips(
  deps: { firehose: FirehoseWriter; activity: ActivityLog },
  credentials: HullCredentials,
  skipped: readonly SkippedUser[],
): Promise<void> {
  const entries: FirehoseEntry[] = [];
  for (const { userId, reason, state, recordedReason } of skipped) {
    if (!state || recordedReason === reason) continue;
    entries.push({
      type: "traits",
      claims: { id: userId },
      body: { [INTERCOM_TRAITS.skippedReason]: reason },
    });
    deps.activity.count(credentials.id, `outgoing.users.skipped_${state}`);
  }
  if (entries.length > 0) await deps.firehose.write(credentials, entries);
}
