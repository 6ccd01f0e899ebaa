import { knownTagNames } from "../intercom-traits";
import type { SegmentRef, UserUpdate } from "../user-update";

export interface TagChanges {
  apply: SegmentRef[];
  remove: SegmentRef[];
}

/** The Intercom tag name for a segment: its name, trimmed (tag names are case-insensitive). */
export function tagNameFor(segment: SegmentRef): string {
  return segment.name.trim();
}

/**
 * Which segment tags to apply and remove (DESIGN.md §5). A message tells what was entered and
 * left; a new contact, or a user from an extract, gets the tags of all its segments. Tags Hull
 * already saw on the contact (`intercom/tags`) are not applied again.
 */
export function mapSegmentsToTags(
  update: UserUpdate,
  { newContact, tagsOnly = false }: { newContact: boolean; tagsOnly?: boolean },
): TagChanges {
  const { changes } = update;
  const current = new Set(update.user.segment_ids);
  const remove = (changes?.left ?? []).filter((segment) => !current.has(segment.id));
  if (tagsOnly) return { apply: [], remove: named(remove) };
  // No changes at all is a manual "send" through the notifier: resend the whole picture.
  const nothingChanged =
    !changes ||
    (changes.entered.length === 0 &&
      changes.left.length === 0 &&
      (changes.isNew || Object.keys(changes.user).length === 0));
  const everything = newContact || nothingChanged;
  const candidates = everything
    ? update.segments
    : changes!.entered.filter((segment) => current.has(segment.id));
  const known = newContact ? undefined : knownTagNames(update.user);
  const apply = candidates.filter(
    (segment) => !known || !known.has(tagNameFor(segment).toLowerCase()),
  );
  return { apply: named(apply), remove: named(remove) };
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
