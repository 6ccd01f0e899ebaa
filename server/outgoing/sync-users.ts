import { eventAndTagEntries, personOf, userOutcomeEntry } from "../activity-entries";
import { RetryableError } from "../errors";
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
  /**
   * Users in a row that may fail with a RetryableError (5xx, 429 after retries) and be handed
   * back unsent while the run carries on with the others; one more stops the run. 0 (default):
   * the first stops it.
   */
  tolerateInARow?: number;
}

export interface SendOutcome {
  outcomes: UserOutcome[];
  /** Users not finished when a "try again" error stopped the run: never started, or cut short. */
  unsent: Selection["send"];
  /** The first error that stopped the run (RetryableError, ConfigurationError, ...). */
  stoppedBy?: unknown;
}

/**
 * Sends the selected users with bounded concurrency and collects one outcome per user. A user
 * Intercom refuses is logged and counted and the rest carry on; an error that says "try again"
 * (rate limit, 5xx, Hull unreachable, token revoked) stops new users (after `tolerateInARow`
 * transient failures in a row), and once the users in flight have finished, the run resolves
 * with the users it did not finish (`unsent`), so the caller can keep them without repeating the
 * users already done.
 */
export async function sendUsers(
  ctx: OutgoingContext,
  selection: Selection,
  { concurrency = 8, tolerateInARow = 0 }: SyncUsersOptions = {},
): Promise<SendOutcome> {
  const outcomes: UserOutcome[] = [];
  const queue = [...selection.send];
  const unsent: Selection["send"] = [];
  let stoppedBy: { error: unknown } | undefined;
  let failedInARow = 0;
  const worker = async () => {
    // Checked before taking a user: one taken after the run stopped would be neither sent nor kept.
    while (!stoppedBy && queue.length > 0) {
      const next = queue.shift()!;
      try {
        outcomes.push(await syncUser(ctx, next.update, next.decision));
        failedInARow = 0;
      } catch (error) {
        unsent.push(next);
        failedInARow += 1;
        if (!(error instanceof RetryableError) || failedInARow > tolerateInARow)
          stoppedBy ??= { error };
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  } finally {
    await saveLearntTags(ctx);
  }
  report(ctx, outcomes, new Map(selection.send.map(({ update }) => [update.user.id, update.user])));
  unsent.push(...queue);
  return stoppedBy ? { outcomes, unsent, stoppedBy: stoppedBy.error } : { outcomes, unsent };
}

/**
 * `sendUsers` for callers that retry a whole batch: throws the error that stopped the run, after
 * the users in flight have finished (their outcomes are reported either way).
 */
export async function syncUsers(
  ctx: OutgoingContext,
  selection: Selection,
  options: SyncUsersOptions = {},
): Promise<SyncSummary> {
  const { outcomes, stoppedBy } = await sendUsers(ctx, selection, options);
  if (stoppedBy !== undefined) throw stoppedBy;
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

function report(
  ctx: OutgoingContext,
  outcomes: UserOutcome[],
  users: Map<string, Parameters<typeof personOf>[0]>,
): void {
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
    } else if (outcome.problems.length > 0) {
      ctx.logger.warn({ ...details, problems: outcome.problems }, "outgoing.user.error");
      ctx.activity.count(connector, "outgoing.users.failed");
    } else {
      ctx.logger.info(details, "outgoing.user.success");
      ctx.activity.count(connector, "outgoing.users.synced");
    }
    const person = personOf(users.get(outcome.userId) ?? {});
    ctx.activity.record(connector, userOutcomeEntry(outcome, person));
    for (const entry of eventAndTagEntries(outcome, person)) ctx.activity.record(connector, entry);
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
