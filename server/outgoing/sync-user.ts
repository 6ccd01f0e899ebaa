import type { FirehoseEntry } from "../clients/hull/types";
import { IntercomApiError } from "../clients/intercom/errors";
import type { SyncDecision } from "./filter/should-sync-user";
import { isNotFound } from "./find-contact";
import { INTERCOM_TRAITS, knownIntercomId } from "./intercom-traits";
import { isSendableEvent, mapEventToDataEvent } from "./mapping/event-to-data-event";
import { mapSegmentsToTags, tagNameFor, tagNamesAfter } from "./mapping/segments-to-tags";
import type { OutgoingContext } from "./outgoing-context";
import { ArchivedContactError, upsertContact, type UpsertedContact } from "./upsert-contact";
import type { SegmentRef, UserUpdate } from "./user-update";

/** What happened to one user; `problems` are per-user failures, logged and counted, never fatal. */
export interface UserOutcome {
  userId: string;
  contactId?: string;
  created: boolean;
  converted: boolean;
  events: number;
  tagged: number;
  untagged: number;
  problems: string[];
  warnings: string[];
  /** Left out after all, and why (the contact turned out archived in Intercom). */
  skipped?: string;
  /** Events and segment tags not sent because the contact itself was refused. */
  eventsFailed?: number;
  tagsFailed?: number;
}

/**
 * A refusal by Intercom for this record (4xx) becomes a problem of this user; anything else (rate
 * limit, 5xx after retries, revoked token, Hull down) ends the run so Hull retries it.
 */
function recordRefusal(outcome: UserOutcome, step: string, error: unknown): void {
  if (!(error instanceof IntercomApiError)) throw error;
  outcome.problems.push(`${step}: ${error.message}`);
}

/** Sends one user: contact, Intercom id back to Hull, events, segment tags. */
export async function syncUser(
  ctx: OutgoingContext,
  update: UserUpdate,
  decision: Exclude<SyncDecision, { send: "nothing" }>,
): Promise<UserOutcome> {
  const outcome: UserOutcome = {
    userId: update.user.id,
    created: false,
    converted: false,
    events: 0,
    tagged: 0,
    untagged: 0,
    problems: [],
    warnings: [],
  };
  if (decision.send === "tags-only") {
    outcome.contactId = knownIntercomId(update.user);
    const tags: TagWrites = { applied: [], removed: [] };
    await syncTags(ctx, update, outcome, { newContact: false, tagsOnly: true }, tags);
    const names = tagNamesAfter(update.user[INTERCOM_TRAITS.tags], [], tags.removed);
    if (names) {
      await ctx.firehose.write(ctx.credentials, [
        { type: "traits", claims: { id: update.user.id }, body: { [INTERCOM_TRAITS.tags]: names } },
      ]);
    }
    return outcome;
  }
  let contact: UpsertedContact;
  try {
    contact = await upsertContact(ctx, update.user, outcome.warnings);
  } catch (error) {
    if (error instanceof ArchivedContactError) {
      await recordArchived(ctx, update, error, outcome);
      return outcome;
    }
    recordRefusal(outcome, "contact", error);
    recordUnsent(ctx, update, outcome);
    return outcome;
  }
  Object.assign(outcome, {
    contactId: contact.id,
    created: contact.created,
    converted: contact.converted,
  });
  // A contact just created or unarchived gets the whole picture: it missed the segment changes.
  const wholePicture = contact.created || contact.unarchived === true;
  const tags: TagWrites = { applied: [], removed: [] };
  try {
    await sendEvents(ctx, update, outcome);
    await syncTags(ctx, update, outcome, { newContact: wholePicture }, tags);
  } finally {
    // One Hull write per user, made even when a rate limit ends the run mid-way, so the next
    // attempt finds the contact by id and knows the tags already applied.
    const names = tagNamesAfter(
      wholePicture ? [] : update.user[INTERCOM_TRAITS.tags],
      tags.applied,
      tags.removed,
    );
    await writeBack(ctx, update, contact, names ? { [INTERCOM_TRAITS.tags]: names } : {});
  }
  return outcome;
}

/** The connector's own tag writes of one user, for Hull's `intercom/tags`. */
interface TagWrites {
  applied: SegmentRef[];
  removed: SegmentRef[];
}

/**
 * Tells Hull the Intercom id (and role), so the next sync needs no search, and aliases the user
 * `intercom:<id>` (DESIGN.md §4); `more` adds other `intercom/` attributes (the tag names). It
 * comes back as a user:update the loop guard skips.
 */
async function writeBack(
  ctx: OutgoingContext,
  update: UserUpdate,
  contact: UpsertedContact,
  more: Record<string, unknown>,
): Promise<void> {
  const { user } = update;
  const traits: Record<string, unknown> = { ...more };
  if (knownIntercomId(user) !== contact.id) traits[INTERCOM_TRAITS.id] = contact.id;
  const isLead = contact.role === "lead";
  if (user[INTERCOM_TRAITS.isLead] !== isLead) traits[INTERCOM_TRAITS.isLead] = isLead;
  // Sent now: the reason it was once left out no longer holds.
  if (isSet(user[INTERCOM_TRAITS.skippedReason])) traits[INTERCOM_TRAITS.skippedReason] = null;
  if (contact.unarchived) traits[INTERCOM_TRAITS.archived] = null;
  if (Object.keys(traits).length === 0) return;
  const entries: FirehoseEntry[] = [{ type: "traits", claims: { id: user.id }, body: traits }];
  const alias = `intercom:${contact.id}`;
  if (!user.anonymous_ids?.includes(alias)) {
    entries.push({ type: "alias", claims: { id: user.id }, body: { anonymous_id: alias } });
  }
  await ctx.firehose.write(ctx.credentials, entries);
}

const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

/**
 * The contact is archived in Intercom (a create met the archived 409) and may not be unarchived:
 * nothing was written. Hull learns the contact's id and state, and why the user was left out,
 * so the filter skips it next time without a request (issue 15 class 1).
 */
async function recordArchived(
  ctx: OutgoingContext,
  update: UserUpdate,
  error: ArchivedContactError,
  outcome: UserOutcome,
): Promise<void> {
  const reason = "archived in Intercom (unarchive_contacts is off)";
  outcome.contactId = error.contactId;
  outcome.skipped = reason;
  const traits: Record<string, unknown> = {
    [INTERCOM_TRAITS.id]: error.contactId,
    [INTERCOM_TRAITS.archived]: new Date().toISOString(),
    [INTERCOM_TRAITS.skippedReason]: reason,
  };
  await ctx.firehose.write(ctx.credentials, [
    { type: "traits", claims: { id: update.user.id }, body: traits },
  ]);
}

/**
 * The contact was refused for good (a 4xx): its events and segment tags cannot be sent either.
 * They are reported as failed with the contact's reason (log, dashboard counters and errors),
 * never dropped without a trace (issue 15 class 5).
 */
function recordUnsent(ctx: OutgoingContext, update: UserUpdate, outcome: UserOutcome): void {
  const events = update.events
    .filter((event) => isSendableEvent(event, ctx.settings.sendEvents))
    .map((event) => event.event);
  const tags = mapSegmentsToTags(update, { newContact: !knownIntercomId(update.user) }).apply.map(
    tagNameFor,
  );
  outcome.eventsFailed = events.length;
  outcome.tagsFailed = tags.length;
  if (events.length > 0) {
    outcome.problems.push(
      `${events.length} event(s) not sent because the contact was refused: ${events.join(", ")}`,
    );
  }
  if (tags.length > 0) {
    outcome.problems.push(
      `${tags.length} segment tag(s) not applied because the contact was refused: ${tags.join(", ")}`,
    );
  }
}

async function sendEvents(
  ctx: OutgoingContext,
  update: UserUpdate,
  outcome: UserOutcome,
): Promise<void> {
  for (const event of update.events) {
    if (!isSendableEvent(event, ctx.settings.sendEvents)) continue;
    const mapped = mapEventToDataEvent(event, outcome.contactId!);
    if (!mapped.ok) {
      outcome.warnings.push(`event not sent: ${mapped.reason}`);
      continue;
    }
    if (mapped.droppedKeys.length > 0) {
      outcome.warnings.push(
        `event "${event.event}": Intercom keeps 10 metadata keys; left out ${mapped.droppedKeys.join(", ")}`,
      );
    }
    try {
      await ctx.api.createEvent(mapped.event);
      outcome.events += 1;
    } catch (error) {
      recordRefusal(outcome, `event "${event.event}"`, error);
    }
  }
}

async function tagOnce(ctx: OutgoingContext, contactId: string, segment: SegmentRef) {
  await ctx.api.tagContact(contactId, await ctx.tags.tagIdFor(segment));
}

async function syncTags(
  ctx: OutgoingContext,
  update: UserUpdate,
  outcome: UserOutcome,
  options: { newContact: boolean; tagsOnly?: boolean },
  { applied, removed }: TagWrites = { applied: [], removed: [] },
): Promise<void> {
  const contactId = outcome.contactId;
  if (!contactId) return;
  const { apply, remove } = mapSegmentsToTags(update, options);
  for (const segment of apply) {
    try {
      try {
        await tagOnce(ctx, contactId, segment);
      } catch (error) {
        // A mapped tag someone deleted in Intercom: find or create it by name, once.
        if (!isNotFound(error) || !ctx.tags.mappedTagId(segment.id)) throw error;
        ctx.tags.forget(segment.id);
        await tagOnce(ctx, contactId, segment);
      }
      outcome.tagged += 1;
      applied.push(segment);
    } catch (error) {
      recordRefusal(outcome, `tag "${tagNameFor(segment)}"`, error);
    }
  }
  for (const segment of remove) {
    const tagId = ctx.tags.mappedTagId(segment.id);
    if (!tagId) continue;
    try {
      await ctx.api.untagContact(contactId, tagId);
      outcome.untagged += 1;
      removed.push(segment);
    } catch (error) {
      if (!isNotFound(error)) recordRefusal(outcome, `untag "${tagNameFor(segment)}"`, error);
      else removed.push(segment); // the tag is not on the contact: Hull should not list it
    }
  }
}
