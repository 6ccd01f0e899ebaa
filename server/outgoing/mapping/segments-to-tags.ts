import { knownTagNames } from "../hull-input/intercom-traits";
import type { SegmentRef, UserUpdate } from "../hull-input/user-update";

export interface TagChanges {
  apply: SegmentRef[];
  remove: SegmentRef[];
}

/** The Intercom tag name for a segment: its name, trimmed (tag names are case-insensitive). */
export function tagNameFor(segment: SegmentRef): string {
  return segment.name.trim();
}

/**
 * Which segment tags to apply and remove (DESIGN.md §5): a tag goes on when the user enters its
 * segment and comes off when it leaves; a new (or unarchived) contact gets the tags of all its
 * segments. Where a message says nothing changed (an extract, a manual send, an update with only
 * events or `is_new`), the whole picture is sent, minus the tags the contact has as far as Hull's
 * `intercom/tags` knows (kept by the connector's own writes, {@link tagNamesAfter}, and by
 * Intercom's notifications about its own tags): so a steady user costs no tag request.
 */
export function mapSegmentsToTags(
  update: UserUpdate,
  { newContact, tagsOnly = false }: { newContact: boolean; tagsOnly?: boolean },
): TagChanges {
  const { changes } = update;
  const current = new Set(update.user.segment_ids);
  // Untag on leave only; always then, since a tag Hull thinks absent may be there after all.
  const remove = (changes?.left ?? []).filter((segment) => !current.has(segment.id));
  if (tagsOnly) return { apply: [], remove: named(remove) };
  // No changes at all is a manual "send" through the notifier: resend the whole picture.
  const nothingChanged =
    !changes ||
    (changes.entered.length === 0 &&
      changes.left.length === 0 &&
      (changes.isNew || Object.keys(changes.user).length === 0));
  const entered = (changes?.entered ?? []).filter((segment) => current.has(segment.id));
  if (newContact) return { apply: named(update.segments), remove: named(remove) };
  if (!nothingChanged) return { apply: named(entered), remove: named(remove) };
  // The whole picture (an extract, a manual send, a message that changed nothing): only the
  // tags the contact lacks, as far as Hull knows.
  const known = knownTagNames(update.user);
  const has = (segment: SegmentRef) => known?.has(tagNameFor(segment).toLowerCase()) ?? false;
  return {
    apply: named(update.segments.filter((segment) => !has(segment))),
    remove: named(remove),
  };
}

/**
 * What Hull's `intercom/tags` becomes after the connector tagged and untagged a contact: the
 * names Hull held, minus the tags removed, plus those applied (names compare case-insensitively,
 * like Intercom's). Undefined when nothing changes, so a steady user costs no write.
 */
export function tagNamesAfter(
  held: unknown,
  applied: readonly SegmentRef[],
  removed: readonly SegmentRef[],
): string[] | undefined {
  if (applied.length === 0 && removed.length === 0) return undefined;
  const before = Array.isArray(held)
    ? held.filter((name): name is string => typeof name === "string")
    : [];
  const gone = new Set(removed.map((segment) => tagNameFor(segment).toLowerCase()));
  const after = before.filter((name) => !gone.has(name.toLowerCase()));
  const present = new Set(after.map((name) => name.toLowerCase()));
  for (const segment of applied) {
    const name = tagNameFor(segment);
    if (!present.has(name.toLowerCase())) {
      after.push(name);
      present.add(name.toLowerCase());
    }
  }
  const same =
    Array.isArray(held) && after.length === held.length && after.every((n, i) => n === held[i]);
  return same ? undefined : after;
}

/** A segment without a name cannot name a tag; Hull always names segments, but be safe. */
function named(segments: SegmentRef[]): SegmentRef[] {
  const seen = new Set<string>();
  return segments.filter((segment) => {
    if (tagNameFor(segment) === "" || seen.has(segment.id)) return false;
    seen.add(segment.id);
    return true;
  });
}
