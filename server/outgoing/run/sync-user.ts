import { IntercomApiError } from "../../clients/intercom/errors";
import type { SkipCode, SyncDecision } from "../filter/should-sync-user";
import { knownIntercomId } from "../hull-input/intercom-traits";
import type { UserUpdate } from "../hull-input/user-update";
import { sendEvents } from "../intercom/send-events";
import {
  ArchivedContactError,
  upsertContact,
  type UpsertedContact,
} from "../intercom/upsert-contact";
import { isSendableEvent } from "../mapping/event-to-data-event";
import { mapSegmentsToTags, tagNameFor, type TagChanges } from "../mapping/segments-to-tags";
import type { OutgoingRun } from "./open-outgoing-run";

/** What happened to one user; `problems` are per-user failures, logged and counted, never fatal. */
export interface UserOutcome {
  userId: string;
  contactId?: string;
  created: boolean;
  /** No request wrote the contact: it held every mapped value already, or only tags were sent. */
  unchanged?: boolean;
  converted: boolean;
  events: number;
  tagged: number;
  untagged: number;
  problems: string[];
  warnings: string[];
  /** Left out after all, and why (the contact turned out archived in Intercom). */
  skipped?: string;
  /** The stable code of `skipped`, for readers that act on it (the dashboard's hint). */
  skipCode?: SkipCode;
  /** Events and segment tags not sent because the contact itself was refused. */
  eventsFailed?: number;
  tagsFailed?: number;
}

/** One user after its contact and events: what is left to do for it in bulk (tags, Hull). */
export interface SyncedContact {
  outcome: UserOutcome;
  /** The contact written (or found), for the write-back of its id to Hull. */
  contact?: UpsertedContact;
  /** The contact is archived in Intercom and stays so: the write-back says why it is left out. */
  archived?: ArchivedContactError;
  /** Segment tags to apply and remove once the batch's contacts exist. */
  tags?: TagChanges;
  /** The contact is new (or unarchived): Hull's `intercom/tags` starts afresh. */
  wholePicture: boolean;
  /** The error that cut this user short after its contact was written (kept, sent again). */
  stoppedBy?: unknown;
}

const newOutcome = (userId: string): UserOutcome => ({
  userId,
  created: false,
  converted: false,
  events: 0,
  tagged: 0,
  untagged: 0,
  problems: [],
  warnings: [],
});

/**
 * The per-user part of sending one user: its contact (one request when Hull knows the Intercom
 * id, ADR 013) and its events; its segment tags are only planned, for the batch's bulk tag
 * requests. A refusal of the contact (4xx) is a problem of this user, with its events and tags
 * reported as not sent. Throws an error that says "try again" (rate limit, 5xx, revoked token)
 * while nothing was written; once the contact is written, such an error is returned as
 * `stoppedBy` with the contact, so Hull still learns its id.
 */
export async function syncContact(
  run: Pick<OutgoingRun, "api" | "settings" | "customAttributes">,
  update: UserUpdate,
  decision: Exclude<SyncDecision, { send: "nothing" }>,
): Promise<SyncedContact> {
  const outcome = newOutcome(update.user.id);
  if (decision.send === "tags-only") {
    outcome.contactId = knownIntercomId(update.user);
    outcome.unchanged = true; // only its tags are written
    const tags = mapSegmentsToTags(update, { newContact: false, tagsOnly: true });
    return { outcome, tags, wholePicture: false };
  }
  let contact: UpsertedContact;
  try {
    contact = await upsertContact(run, update.user);
  } catch (error) {
    if (error instanceof ArchivedContactError) {
      outcome.contactId = error.contactId;
      outcome.skipped = "archived in Intercom (unarchive_contacts is off)";
      outcome.skipCode = "archived";
      return { outcome, archived: error, wholePicture: false };
    }
    if (!(error instanceof IntercomApiError)) throw error;
    outcome.problems.push(`contact: ${error.message}`);
    return { outcome: withUnsent(run, update, outcome), wholePicture: false };
  }
  Object.assign(outcome, {
    contactId: contact.id,
    created: contact.created,
    converted: contact.converted,
    ...(contact.written ? {} : { unchanged: true }),
  });
  outcome.warnings.push(...contact.warnings);
  // A contact just created or unarchived gets the whole picture: it missed the segment changes.
  const wholePicture = contact.created || contact.unarchived === true;
  const tags = mapSegmentsToTags(update, { newContact: wholePicture });
  try {
    const events = await sendEvents(run, update.events, contact.id);
    outcome.events = events.sent;
    outcome.warnings.push(...events.warnings);
    outcome.problems.push(...events.problems);
  } catch (error) {
    return { outcome, contact, wholePicture, stoppedBy: error };
  }
  return { outcome, contact, tags, wholePicture };
}

/**
 * The contact was refused for good (a 4xx): its events and segment tags cannot be sent either.
 * They are reported as failed with the contact's reason (log, dashboard counters and errors),
 * never dropped without a trace (issue 15 class 5).
 */
function withUnsent(
  run: Pick<OutgoingRun, "settings">,
  update: UserUpdate,
  outcome: UserOutcome,
): UserOutcome {
  const events = update.events
    .filter((event) => isSendableEvent(event, run.settings.sendEvents))
    .map((event) => event.event);
  const tags = mapSegmentsToTags(update, { newContact: !knownIntercomId(update.user) }).apply.map(
    tagNameFor,
  );
  const problems = [...outcome.problems];
  if (events.length > 0) {
    problems.push(
      `${events.length} event(s) not sent because the contact was refused: ${events.join(", ")}`,
    );
  }
  if (tags.length > 0) {
    problems.push(
      `${tags.length} segment tag(s) not applied because the contact was refused: ${tags.join(", ")}`,
    );
  }
  return { ...outcome, problems, eventsFailed: events.length, tagsFailed: tags.length };
}
