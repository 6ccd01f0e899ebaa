import { withoutTraitsPrefixes } from "../../../common/identity";
import { z } from "zod";
import { BadRequestError } from "../../errors";

/** A segment as Hull names it in notifications and extracts. */
export interface SegmentRef {
  id: string;
  name: string;
}

/** A Hull event as `user:update` messages carry it (hull-platform.md §2.3). */
export interface HullEvent {
  event: string;
  event_id?: string;
  event_source?: string;
  created_at?: string;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/**
 * A Hull user report with the `traits_` prefix removed, as Hull's own framework hands it to
 * connectors: `email`, `external_id`, `intercom/id`, `plan`…
 */
export interface OutgoingUser {
  id: string;
  email?: string | null;
  external_id?: string | null;
  anonymous_ids?: string[];
  segment_ids: string[];
  [attribute: string]: unknown;
}

export interface UserChanges {
  isNew: boolean;
  /** attribute (without `traits_`) → [before, after] */
  user: Record<string, [unknown, unknown]>;
  entered: SegmentRef[];
  left: SegmentRef[];
}

/** One user to send: from a `user:update` message, or from an extract line (no changes, no events). */
export interface UserUpdate {
  user: OutgoingUser;
  /** The user's current segments, with names. */
  segments: SegmentRef[];
  events: HullEvent[];
  /** Undefined for extracts: nothing is known about what changed. */
  changes?: UserChanges;
}

const segmentRef = z.looseObject({ id: z.string().min(1), name: z.string().default("") });
const record = z.record(z.string(), z.unknown());

const userReport = z.looseObject({
  id: z.string().min(1),
  segment_ids: z.array(z.string()).optional(),
});

const messageSchema = z.looseObject({
  user: userReport,
  segments: z.array(segmentRef).optional(),
  segment_ids: z.array(z.string()).optional(),
  events: z.array(z.looseObject({ event: z.string() })).optional(),
  changes: z
    .looseObject({
      is_new: z.boolean().optional(),
      user: record.optional(),
      segments: z
        .looseObject({
          entered: z.array(segmentRef).optional(),
          left: z.array(segmentRef).optional(),
        })
        .optional(),
    })
    .optional(),
});

const refs = (segments: { id: string; name: string }[] = []): SegmentRef[] =>
  segments.map(({ id, name }) => ({ id, name }));

/**
 * The segment ids of one extract line: the line's own `segment_ids` plus the segment the extract's
 * callback names (`/batch?…&segment_id=S`), once each, in that order. Hull's framework does the
 * same for every extract line (hull@0.14.2, lib/utils/extract-handler-factory.js:
 * `_.compact(_.uniq(_.concat(entity.segment_ids || [], [segmentId])))`): an extract Hull made of a
 * segment's members holds only members of it, even when a line does not list it (minihull@2.1.2,
 * src/mini-hull.js `_getBatchBody`, writes the key as `segments_id`, so its lines have no
 * `segment_ids` at all). Pure.
 */
export function extractLineSegmentIds(
  lineSegmentIds: readonly string[] | undefined,
  callbackSegmentId?: string,
): string[] {
  const ids = [...(lineSegmentIds ?? [])];
  if (callbackSegmentId) ids.push(callbackSegmentId);
  return [...new Set(ids)];
}

/**
 * The user report as connectors see it (an extract line), with names for its segments where Hull
 * gave them. `callbackSegmentId` is the segment the extract's callback names, if any: the user is
 * then a member of it too (`extractLineSegmentIds`). Throws BadRequestError when the report has no
 * id.
 */
export function readUserReport(
  raw: unknown,
  segmentNames: ReadonlyMap<string, string> = new Map(),
  callbackSegmentId?: string,
): UserUpdate {
  const parsed = userReport.safeParse(raw);
  if (!parsed.success) throw new BadRequestError("A user report needs an id");
  const user = withoutTraitsPrefixes(parsed.data as Record<string, unknown>) as OutgoingUser;
  user.segment_ids = extractLineSegmentIds(parsed.data.segment_ids, callbackSegmentId);
  const segments = user.segment_ids.map((id) => ({ id, name: segmentNames.get(id) ?? "" }));
  return { user, segments, events: [] };
}

/**
 * Reads one `user:update` message; a malformed one is a 400 for the whole notification, before
 * anything is sent anywhere.
 * Throws BadRequestError naming the field.
 */
export function readUserUpdateMessage(
  raw: unknown,
  segmentNames: ReadonlyMap<string, string> = new Map(),
): UserUpdate {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `Malformed user:update message at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
    );
  }
  const message = parsed.data;
  const user = withoutTraitsPrefixes(message.user as Record<string, unknown>) as OutgoingUser;
  // A message may name the user's segments only as `segments` (minihull's user reports,
  // src/mini-hull.js mimicUserReport: {user, segments, changes, events}).
  user.segment_ids =
    message.user.segment_ids ??
    message.segment_ids ??
    refs(message.segments).map((segment) => segment.id);
  const named = new Map(refs(message.segments).map((segment) => [segment.id, segment.name]));
  const segments = user.segment_ids.map((id) => ({
    id,
    name: named.get(id) || segmentNames.get(id) || "",
  }));
  const changes = message.changes;
  const changedUser: Record<string, [unknown, unknown]> = Object.create(null);
  for (const [key, value] of Object.entries(withoutTraitsPrefixes(changes?.user ?? {}))) {
    if (Array.isArray(value) && value.length === 2) changedUser[key] = [value[0], value[1]];
  }
  return {
    user,
    segments,
    events: (message.events ?? []) as HullEvent[],
    changes: {
      isNew: changes?.is_new === true,
      user: changedUser,
      entered: refs(changes?.segments?.entered),
      left: refs(changes?.segments?.left),
    },
  };
}
