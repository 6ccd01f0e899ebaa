import { IntercomApiError } from "../../clients/intercom/errors";
import { RetryableError } from "../../errors";
import type { SegmentRef } from "../hull-input/user-update";
import { tagNameFor } from "../mapping/segments-to-tags";
import type { OutgoingRun } from "../run/open-outgoing-run";
import { isNotFound } from "./find-contact";

/** The segment tags one contact gets and loses. */
export interface TagPlan {
  /** The caller's key for the user (its Hull id). */
  key: string;
  contactId: string;
  apply: readonly SegmentRef[];
  remove: readonly SegmentRef[];
}

/** What happened to one contact's tags. */
export interface TagResult {
  applied: SegmentRef[];
  /** Tags taken off, or found not on the contact: Hull should not list them either way. */
  removed: SegmentRef[];
  /** Tags Intercom refused (4xx), with its reason. */
  problems: string[];
}

export interface TaggingResult {
  results: Map<string, TagResult>;
  /** Keys of the plans not finished when an error stopped the tagging. */
  unfinished: Set<string>;
  /** The error that stopped it (RetryableError, ConfigurationError...), if any. */
  stoppedBy?: unknown;
}

/**
 * Contacts per bulk tag request. Intercom documents no limit for `users`; 100 keeps a request
 * small (a few KB) and a refused request cheap to split, while the share of a tag request per
 * user stays at 1/100 (ADR 013).
 */
export const BULK_TAG_SIZE = 100;
/** Untag requests in flight at once (one per contact and tag; the pacer bounds them further). */
const UNTAG_CONCURRENCY = 8;

type TagRun = Pick<OutgoingRun, "api" | "tags">;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    out.push(items.slice(start, start + size));
  return out;
}

/**
 * Applies and removes segment tags for many contacts in as few requests as Intercom allows
 * (ADR 013): one `POST /tags {name, users:[{id}]}` per segment for up to {@link BULK_TAG_SIZE}
 * contacts; when Intercom refuses such a request (a contact it does not have fails all of it),
 * the contacts of that request are tagged one by one so only the refused one is a problem.
 * Removing goes one `DELETE /contacts/{id}/tags/{tag}` per contact and tag: the description
 * documents `untag` in bulk for companies only. Refusals are problems of their contact; a
 * transient failure (rate limit, 5xx) leaves its plans unfinished and, past `tolerateInARow`
 * such failures in a row (or at once for any other error: revoked token, Hull down), stops the
 * tagging. Plans not finished are returned as `unfinished`, never thrown away; nothing throws.
 */
export async function applySegmentTags(
  run: TagRun,
  plans: readonly TagPlan[],
  { tolerateInARow = 0 }: { tolerateInARow?: number } = {},
): Promise<TaggingResult> {
  const results = new Map<string, TagResult>();
  const left = new Map<string, number>();
  for (const plan of plans) {
    results.set(plan.key, { applied: [], removed: [], problems: [] });
    left.set(plan.key, plan.apply.length + plan.remove.length);
  }
  const settle = (plan: TagPlan) => left.set(plan.key, left.get(plan.key)! - 1);
  let stopped: { error: unknown } | undefined;
  let failedInARow = 0;
  /** A request that failed for a reason other than a refusal: its plans stay unfinished. */
  const fail = (error: unknown) => {
    failedInARow += 1;
    if (!(error instanceof RetryableError) || failedInARow > tolerateInARow) stopped ??= { error };
  };

  const bySegment = new Map<string, { segment: SegmentRef; plans: TagPlan[] }>();
  for (const plan of plans) {
    for (const segment of plan.apply) {
      const group = bySegment.get(segment.id) ?? { segment, plans: [] };
      group.plans.push(plan);
      bySegment.set(segment.id, group);
    }
  }
  const bulks = [...bySegment.values()].flatMap(({ segment, plans: members }) =>
    chunks(members, BULK_TAG_SIZE).map((chunk) => ({ segment, chunk })),
  );
  for (const { segment, chunk } of bulks) {
    if (stopped) break;
    try {
      const tag = await run.api.tagContacts(
        tagNameFor(segment),
        chunk.map((plan) => plan.contactId),
      );
      failedInARow = 0;
      run.tags.learn(segment.id, tag.id);
      for (const plan of chunk) {
        results.get(plan.key)!.applied.push(segment);
        settle(plan);
      }
    } catch (error) {
      if (!(error instanceof IntercomApiError)) {
        fail(error);
        continue;
      }
      // One contact Intercom refuses fails the whole request: tag one by one to find it.
      for (const plan of chunk) {
        if (stopped) break;
        try {
          await tagOne(run, plan.contactId, segment, results.get(plan.key)!);
          failedInARow = 0;
          settle(plan);
        } catch (single) {
          fail(single);
        }
      }
    }
  }
  const removals = plans.flatMap((plan) => plan.remove.map((segment) => ({ plan, segment })));
  const worker = async () => {
    while (!stopped && removals.length > 0) {
      const { plan, segment } = removals.shift()!;
      try {
        await untagOne(run, plan.contactId, segment, results.get(plan.key)!);
        failedInARow = 0;
        settle(plan);
      } catch (error) {
        fail(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(UNTAG_CONCURRENCY, removals.length) }, worker));
  const unfinished = new Set([...left].filter(([, steps]) => steps > 0).map(([key]) => key));
  return stopped ? { results, unfinished, stoppedBy: stopped.error } : { results, unfinished };
}

/** One contact, one tag, by id: the fallback when a bulk request was refused. */
async function tagOne(
  run: TagRun,
  contactId: string,
  segment: SegmentRef,
  result: TagResult,
): Promise<void> {
  const attempt = async () => run.api.tagContact(contactId, await run.tags.tagIdFor(segment));
  try {
    try {
      await attempt();
    } catch (error) {
      // A mapped tag someone deleted in Intercom: find or create it by name, once.
      if (!isNotFound(error) || !run.tags.mappedTagId(segment.id)) throw error;
      run.tags.forget(segment.id);
      await attempt();
    }
    result.applied.push(segment);
  } catch (error) {
    if (!(error instanceof IntercomApiError)) throw error;
    result.problems.push(`tag "${tagNameFor(segment)}": ${error.message}`);
  }
}

async function untagOne(
  run: TagRun,
  contactId: string,
  segment: SegmentRef,
  result: TagResult,
): Promise<void> {
  const tagId = run.tags.mappedTagId(segment.id);
  if (!tagId) return; // the connector never made a tag for it: nothing of ours to remove
  try {
    await run.api.untagContact(contactId, tagId);
    result.removed.push(segment);
  } catch (error) {
    if (!(error instanceof IntercomApiError)) throw error;
    // The tag is not on the contact: Hull should not list it either.
    if (isNotFound(error)) result.removed.push(segment);
    else result.problems.push(`untag "${tagNameFor(segment)}": ${error.message}`);
  }
}
