import { IntercomApiError } from "../../clients/intercom/errors";
import type { IntercomApi } from "../../clients/intercom/api";
import type { Logger } from "../../log";
import type { ConnectorSettings } from "../../settings";
import { tagNameFor } from "../mapping/segments-to-tags";
import type { SegmentRef } from "../hull-input/user-update";

/** The connector's tag for a segment; own keys only, since segment ids come from Hull's messages. */
function tagIdOf(settings: Pick<ConnectorSettings, "tagMapping">, segmentId: string) {
  return Object.hasOwn(settings.tagMapping, segmentId) ? settings.tagMapping[segmentId] : undefined;
}

/**
 * `users_segment:update`: a renamed segment renames its tag (`POST /tags {id, name}`), so members
 * keep it. A segment without a tag yet gets one when a user first enters it.
 */
export async function renameSegmentTags(
  api: IntercomApi | undefined,
  settings: Pick<ConnectorSettings, "tagMapping">,
  segments: SegmentRef[],
  logger: Logger,
): Promise<{ renamed: number; failed: number }> {
  let renamed = 0;
  let failed = 0;
  for (const segment of segments) {
    const tagId = tagIdOf(settings, segment.id);
    const name = tagNameFor(segment);
    if (!tagId || !name || !api) continue;
    try {
      await api.renameTag(tagId, name);
      logger.info({ segment: segment.id, tag: tagId, name }, "segment tag renamed");
      renamed += 1;
    } catch (error) {
      if (!(error instanceof IntercomApiError)) throw error;
      failed += 1;
      logger.warn(
        { segment: segment.id, tag: tagId, name, reason: error.message },
        "segment tag not renamed",
      );
    }
  }
  return { renamed, failed };
}

/** `users_segment:delete`: the tag stays in Intercom (people may use it); say so. */
export function reportDeletedSegments(
  settings: Pick<ConnectorSettings, "tagMapping">,
  segments: SegmentRef[],
  logger: Logger,
): void {
  for (const segment of segments) {
    const tagId = tagIdOf(settings, segment.id);
    logger.info(
      { segment: segment.id, name: segment.name, tag: tagId ?? null },
      tagId
        ? "segment deleted in Hull; its Intercom tag is kept (delete it in Intercom if unwanted)"
        : "segment deleted in Hull; it had no Intercom tag",
    );
  }
}
