import { ownSettings } from "../../settings";
import { eventAndTagEntries, personOf, userOutcomeEntry } from "../../activity-entries";
import type { FirehoseEntry } from "../../clients/hull/types";
import { RetryableError } from "../../errors";
import type { Selection } from "../filter/select-users";
import { applySegmentTags, type TagPlan, type TaggingResult } from "../intercom/tag-contacts";
import type { OutgoingRun } from "./open-outgoing-run";
import { syncContact, type SyncedContact, type UserOutcome } from "./sync-user";
import { writeBackEntries } from "./write-back";

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

type Entry = Selection["send"][number];

/**
 * Sends the selected users in three steps, so each costs as few Intercom requests as the API
 * allows (ADR 013): (1) per user, with bounded concurrency, its contact and events; (2) the
 * segment tags of all of them, in bulk (one request per segment per 100 contacts); (3) what Hull
 * learns (Intercom ids, tag names), in one firehose write. A user Intercom refuses is logged and
 * counted and the rest carry on; an error that says "try again" (rate limit, 5xx, Hull
 * unreachable, token revoked) stops new users (after `tolerateInARow` transient failures in a
 * row), and the run resolves with the users it did not finish (`unsent`), so the caller can keep
 * them without repeating the users already done. Nothing is thrown.
 */
export async function sendUsers(
  run: OutgoingRun,
  selection: Selection,
  { concurrency = 8, tolerateInARow = 0 }: SyncUsersOptions = {},
): Promise<SendOutcome> {
  const unsent = new Set<Entry>();
  const synced = new Map<Entry, SyncedContact>();
  let stoppedBy: { error: unknown } | undefined;
  const stop = (error: unknown) => (stoppedBy ??= { error });
  try {
    // 1. Contacts and events, user by user.
    const queue = [...selection.send];
    let failedInARow = 0;
    const worker = async () => {
      // Checked before taking a user: one taken after the run stopped would be neither sent nor kept.
      while (!stoppedBy && queue.length > 0) {
        const next = queue.shift()!;
        let failure: { error: unknown } | undefined;
        try {
          const result = await syncContact(run, next.update, next.decision);
          synced.set(next, result);
          if (result.stoppedBy !== undefined) failure = { error: result.stoppedBy };
        } catch (error) {
          failure = { error };
        }
        if (!failure) {
          failedInARow = 0;
          continue;
        }
        unsent.add(next);
        failedInARow += 1;
        if (!(failure.error instanceof RetryableError) || failedInARow > tolerateInARow)
          stop(failure.error);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    for (const entry of queue) unsent.add(entry);

    // 2. Segment tags, in bulk, for the users whose contact and events went through.
    const plans: TagPlan[] = [];
    for (const [entry, result] of synced) {
      const contactId = result.outcome.contactId;
      if (unsent.has(entry) || !result.tags || !contactId) continue;
      const { apply, remove } = result.tags;
      if (apply.length + remove.length > 0)
        plans.push({ key: entry.update.user.id, contactId, apply, remove });
    }
    const tagging: TaggingResult = await applySegmentTags(run, plans, { tolerateInARow });
    if (tagging.stoppedBy !== undefined) stop(tagging.stoppedBy);
    for (const entry of synced.keys())
      if (tagging.unfinished.has(entry.update.user.id)) unsent.add(entry);

    // 3. What Hull learns, one write for the batch; a user Hull could not be told about is kept.
    const now = new Date().toISOString();
    const entries: FirehoseEntry[] = [];
    for (const [entry, result] of synced) {
      const tags = tagging.results.get(entry.update.user.id);
      entries.push(...writeBackEntries(entry.update, result, tags, now));
    }
    try {
      if (entries.length > 0) await run.firehose.write(run.credentials, entries);
    } catch (error) {
      stop(error);
      for (const entry of synced.keys()) unsent.add(entry);
    }

    const outcomes: UserOutcome[] = [];
    for (const [entry, result] of synced) {
      if (unsent.has(entry)) continue;
      const tags = tagging.results.get(entry.update.user.id);
      outcomes.push(
        tags
          ? {
              ...result.outcome,
              tagged: tags.applied.length,
              untagged: tags.removed.length,
              problems: [...result.outcome.problems, ...tags.problems],
            }
          : result.outcome,
      );
    }
    report(
      run,
      outcomes,
      new Map(selection.send.map(({ update }) => [update.user.id, update.user])),
    );
    const left = selection.send.filter((entry) => unsent.has(entry));
    return stoppedBy
      ? { outcomes, unsent: left, stoppedBy: stoppedBy.error }
      : { outcomes, unsent: left };
  } finally {
    await saveLearntTags(run);
  }
}

/** New segment → tag mappings go to `private_settings.tag_mapping`, merged with Hull's fresh copy. */
async function saveLearntTags(run: OutgoingRun): Promise<void> {
  const learnt = run.tags.learnt();
  if (Object.keys(learnt).length === 0) return;
  try {
    const current = await run.hull.getConnector();
    await run.hull.updateSettings({ private_settings: ownSettings.tagMapping(current, learnt) });
  } catch (error) {
    // Not fatal: POST /tags finds the same tags by name next time.
    run.logger.warn({ err: error }, "tag mapping not saved");
  }
}

function report(
  run: OutgoingRun,
  outcomes: UserOutcome[],
  users: Map<string, Parameters<typeof personOf>[0]>,
): void {
  const connector = run.credentials.id;
  for (const outcome of outcomes) {
    // run.logger names the connector already (open-outgoing-run.ts): a second `connector` key
    // would make the line JSON with a duplicate key.
    const details = {
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
      run.logger.info({ ...details, reason: outcome.skipped }, "outgoing.user.skip");
      run.activity.count(connector, "outgoing.users.skipped");
    } else if (outcome.problems.length > 0) {
      run.logger.warn({ ...details, problems: outcome.problems }, "outgoing.user.error");
      run.activity.count(connector, "outgoing.users.failed");
    } else {
      run.logger.info(details, "outgoing.user.success");
      run.activity.count(connector, "outgoing.users.synced");
    }
    const person = personOf(users.get(outcome.userId) ?? {});
    run.activity.record(connector, userOutcomeEntry(outcome, person));
    for (const entry of eventAndTagEntries(outcome, person)) run.activity.record(connector, entry);
    if (outcome.warnings.length > 0) run.activity.count(connector, "outgoing.users.warnings");
    if (outcome.events > 0) run.activity.count(connector, "outgoing.events.sent", outcome.events);
    if (outcome.tagged > 0) run.activity.count(connector, "outgoing.tags.applied", outcome.tagged);
    if (outcome.untagged > 0)
      run.activity.count(connector, "outgoing.tags.removed", outcome.untagged);
    if (outcome.eventsFailed)
      run.activity.count(connector, "outgoing.events.failed", outcome.eventsFailed);
    if (outcome.tagsFailed)
      run.activity.count(connector, "outgoing.tags.failed", outcome.tagsFailed);
  }
}
