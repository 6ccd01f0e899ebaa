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
 * left; a new contact, or a user from an extract, gets the tags of all its segments. The
 * connector knows which tags a contact has from Hull's `intercom/tags` (kept by its own writes,
 * {@link tagNamesAfter}, and by Intercom's tag notifications): a tag it has is never applied
 * again, and a tag it lacks is never removed, so a steady user costs no tag request.
 */
export function mapSegmentsToTags(
  update: UserUpdate,
  { newContact, tagsOnly = false }: { newContact: boolean; tagsOnly?: boolean },
): TagChanges {
  const { changes } = update;
  const current = new Set(update.user.segment_ids);
  const known = newContact ? new Set<string>() : knownTagNames(update.user);
  const has = (segment: SegmentRef) => known?.has(tagNameFor(segment).toLowerCase()) ?? false;
  // Untag only on leave, and only a tag the contact has (or may have: Hull never saw its tags).
  const remove = (changes?.left ?? []).filter(
    (segment) => !current.has(segment.id) && (!known || has(segment)),
  );
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
  const apply = candidates.filter((segment) => !has(segment));
  return { apply: named(apply), remove: named(remove) };
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
