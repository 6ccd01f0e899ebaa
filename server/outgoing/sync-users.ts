import type { Selection } from "./filter/select-users";
import type { OutgoingContext } from "./outgoing-context";
import { syncUser, type UserOutcome } from "./sync-user";

export interface SyncSummary {
  synced: number;
  failed: number;
  outcomes: UserOutcome[];
}

export interface SyncUsersOptions {
  /** Users in flight at once; the Intercom pacer bounds requests further. */
  concurrency?: number;
}

/**
 * Sends the selected users with bounded concurrency and collects one outcome per user. A user
 * Intercom refuses is logged and counted and the rest carry on; an error that says "try again"
 * (rate limit, 5xx, Hull unreachable, token revoked) stops new users and is thrown once the
 * users in flight have finished, so Hull resends the whole batch (upserts are idempotent).
 */
export async function syncUsers(
  ctx: OutgoingContext,
  selection: Selection,
  { concurrency = 8 }: SyncUsersOptions = {},
): Promise<SyncSummary> {
  const outcomes: UserOutcome[] = [];
  const queue = [...selection.send];
  let fatal: { error: unknown } | undefined;
  const worker = async () => {
    for (let next = queue.shift(); next && !fatal; next = queue.shift()) {
      try {
        outcomes.push(await syncUser(ctx, next.update, next.decision));
      } catch (error) {
        fatal ??= { error };
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  } finally {
    await saveLearntTags(ctx);
  }
  report(ctx, outcomes);
  if (fatal) throw fatal.error;
  const failed = outcomes.filter((outcome) => outcome.problems.length > 0).length;
  const skipped = outcomes.filter((outcome) => outcome.skipped).length;
  return { synced: outcomes.length - failed - skipped, failed, outcomes };
}

/** New segment → tag mappings go to `private_settings.tag_mapping`, merged with Hull's fresh copy. */
async function saveLearntTags(ctx: OutgoingContext): Promise<void> {
  const learnt = ctx.tags.learnt();
  if (Object.keys(learnt).length === 0) return;
  try {
    const current = await ctx.hull.getConnector();
    const stored = current.private_settings?.tag_mapping;
    const mapping = typeof stored === "object" && stored !== null ? stored : {};
    await ctx.hull.updateSettings({ private_settings: { tag_mapping: { ...mapping, ...learnt } } });
  } catch (error) {
    // Not fatal: POST /tags finds the same tags by name next time.
    ctx.logger.warn({ err: error, connector: ctx.credentials.id }, "tag mapping not saved");
  }
}

function report(ctx: OutgoingContext, outcomes: UserOutcome[]): void {
  const connector = ctx.credentials.id;
  for (const outcome of outcomes) {
    const details = {
      connector,
      user: outcome.userId,
      contact: outcome.contactId,
      created: outcome.created,
      converted: outcome.converted,
      events: outcome.events,
      tagged: outcome.tagged,
      untagged: outcome.untagged,
      ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
    };
    if (outcome.skipped) {
      ctx.logger.info({ ...details, reason: outcome.skipped }, "outgoing.user.skip");
      ctx.activity.count(connector, "outgoing.users.skipped");
      ctx.activity.error(connector, `User ${outcome.userId} not sent: ${outcome.skipped}`);
    } else if (outcome.problems.length > 0) {
      ctx.logger.warn({ ...details, problems: outcome.problems }, "outgoing.user.error");
      ctx.activity.count(connector, "outgoing.users.failed");
      ctx.activity.error(connector, `User ${outcome.userId}: ${outcome.problems.join("; ")}`);
    } else {
      ctx.logger.info(details, "outgoing.user.success");
      ctx.activity.count(connector, "outgoing.users.synced");
    }
    if (outcome.warnings.length > 0) ctx.activity.count(connector, "outgoing.users.warnings");
    if (outcome.events > 0) ctx.activity.count(connector, "outgoing.events.sent", outcome.events);
    if (outcome.tagged > 0) ctx.activity.count(connector, "outgoing.tags.applied", outcome.tagged);
    if (outcome.untagged > 0)
      ctx.activity.count(connector, "outgoing.tags.removed", outcome.untagged);
    if (outcome.eventsFailed)
      ctx.activity.count(connector, "outgoing.events.failed", outcome.eventsFailed);
    if (outcome.tagsFailed)
      ctx.activity.count(connector, "outgoing.tags.failed", outcome.tagsFailed);
  }
}
