import type { HullRestClient } from "../clients/hull/rest";
import type { HullCredentials } from "../clients/hull/types";
import { memberExtractFailedEntry } from "../activity-entries";
import { BadRequestError } from "../errors";
import { addedSegmentIds } from "./plan-member-extracts";
import {
  requestMemberExtracts,
  type MemberExtractDeps,
  type MemberExtractOutcome,
} from "./request-member-extracts";

type Hull = Pick<HullRestClient, "getSegments" | "requestExtract" | "getSegment">;

/**
 * After a settings save: asks Hull for the members of each segment the save added to
 * `synchronized_segments` (ids in `after` not in `before`), as Hull's classic connector did
 * when a segment was added. Segments Hull no longer lists are left out. Returns one outcome per
 * added segment; [] when none was added, without calling Hull.
 */
export async function sendMembersOfAddedSegments(
  deps: MemberExtractDeps,
  credentials: HullCredentials,
  hull: Hull,
  before: readonly string[],
  after: readonly string[],
): Promise<MemberExtractOutcome[]> {
  const added = addedSegmentIds(before, after);
  if (added.length === 0) return [];
  let segments;
  try {
    segments = await hull.getSegments();
  } catch (error) {
    // The save stands; say that the members were not asked for, and how to send them later.
    const reason = `Hull could not list its segments (${(error as Error).message})`;
    for (const id of added) {
      deps.activity.record(credentials.id, memberExtractFailedEntry({ id, name: id }, reason));
    }
    return added.map((id) => ({
      segment_id: id,
      name: id,
      requested: false,
      error: `${reason}; use "Send current members" later`,
    }));
  }
  const picked = added.flatMap((id) => segments.filter((segment) => segment.id === id));
  return requestMemberExtracts(deps, credentials, hull, picked);
}

/**
 * "Send current members" from the dashboard: `segmentIds` must all be synchronized segments
 * Hull lists, or `all` takes every synchronized segment Hull lists (one it no longer lists gets
 * an outcome with `error`). Throws BadRequestError (400, nothing requested) for an unsynchronized
 * id, 404 for a named id Hull does not list, or when there is nothing to send.
 */
export async function sendCurrentMembers(
  deps: MemberExtractDeps,
  credentials: HullCredentials,
  hull: Hull,
  synchronized: readonly string[],
  request: { segmentIds: readonly string[] } | { all: true },
): Promise<MemberExtractOutcome[]> {
  const wanted = "all" in request ? [...new Set(synchronized)] : [...new Set(request.segmentIds)];
  if (wanted.length === 0) {
    throw new BadRequestError("No segment is synchronized yet: pick one in Settings first.");
  }
  const notSynchronized = wanted.filter((id) => !synchronized.includes(id));
  if (notSynchronized.length > 0) {
    throw new BadRequestError(
      `Only synchronized segments can be sent; not synchronized: ${notSynchronized.join(", ")}`,
    );
  }
  const segments = await hull.getSegments();
  const unknown = wanted.filter((id) => !segments.some((segment) => segment.id === id));
  if (unknown.length > 0 && !("all" in request)) {
    throw new BadRequestError(`Hull has no segment ${unknown.join(", ")}`, 404);
  }
  const picked = wanted.flatMap((id) => segments.filter((segment) => segment.id === id));
  // "All": a synchronized segment deleted in Hull since is said, not a reason to send nobody.
  const gone: MemberExtractOutcome[] = unknown.map((id) => ({
    segment_id: id,
    name: id,
    requested: false,
    error: `Hull no longer has segment ${id}; remove it from the synchronized segments in Settings`,
  }));
  return [...(await requestMemberExtracts(deps, credentials, hull, picked)), ...gone];
}
