import type { IntercomApi } from "../../clients/intercom/api";
import { tagNameFor } from "../mapping/segments-to-tags";
import type { SegmentRef } from "../hull-input/user-update";

export interface SegmentTags {
  /** The Intercom tag id for a segment: from `tag_mapping`, else created (or found) by name. */
  tagIdFor(segment: SegmentRef): Promise<string>;
  /** The mapped tag id, never creating one. */
  mappedTagId(segmentId: string): string | undefined;
  /**
   * Records the tag Intercom answered for a segment (a bulk tag names the tag by name and answers
   * its id), to persist when it is new or differs from `tag_mapping`.
   */
  learn(segmentId: string, tagId: string): void;
  /** Drops a mapping whose tag Intercom no longer has, so the next call finds it by name. */
  forget(segmentId: string): void;
  /** Mappings learnt during this run, to persist in `private_settings.tag_mapping`. */
  learnt(): Record<string, string>;
}

/**
 * Segment id → tag id, starting from `tag_mapping`. `POST /tags {name}` creates a tag or returns
 * the one with that name (names are case-insensitive, intercom-api.md §1.4), so no tag list is
 * read and concurrent users entering the same segment share one request.
 */
export function segmentTagsOf(api: IntercomApi, mapping: Record<string, string>): SegmentTags {
  const known = new Map(Object.entries(mapping));
  const pending = new Map<string, Promise<string>>();
  const learnt: Record<string, string> = Object.create(null); // keyed by Hull segment ids
  return {
    tagIdFor(segment) {
      const mapped = known.get(segment.id);
      if (mapped) return Promise.resolve(mapped);
      let creating = pending.get(segment.id);
      if (!creating) {
        creating = api.createTag(tagNameFor(segment)).then((tag) => {
          known.set(segment.id, tag.id);
          learnt[segment.id] = tag.id;
          return tag.id;
        });
        creating.catch(() => pending.delete(segment.id));
        pending.set(segment.id, creating);
      }
      return creating;
    },
    mappedTagId: (segmentId) => known.get(segmentId),
    learn(segmentId, tagId) {
      if (known.get(segmentId) === tagId) return;
      known.set(segmentId, tagId);
      learnt[segmentId] = tagId;
    },
    forget(segmentId) {
      known.delete(segmentId);
      pending.delete(segmentId);
    },
    learnt: () => ({ ...learnt }),
  };
}
