import type { HullCredentials, HullSegment } from "../clients/hull/types";

/**
 * The segments newly picked by a settings save: ids in `after` that were not in `before`, each
 * once, in the order picked. A save that keeps, reorders or removes segments adds none, so an
 * unchanged list never asks Hull for a second extract (docs/adr/018).
 */
export function addedSegmentIds(before: readonly string[], after: readonly string[]): string[] {
  const known = new Set(before);
  return [...new Set(after)].filter((id) => !known.has(id));
}

/**
 * The URL Hull POSTs the extract notification to: the connector's `/batch` with the connector's
 * credentials and `segment_id` in the query, as hull@0.14.2's requestExtract builds it
 * (lib/helpers/request-extract.js: `ship`, `secret`, `organization`, `source=connector`,
 * `segment_id`). It carries the secret, as Hull requires: never log it.
 */
export function extractCallbackUrl(
  publicUrl: string,
  credentials: HullCredentials,
  segmentId: string,
): string {
  const url = new URL(`${publicUrl.replace(/\/+$/, "")}/batch`);
  url.searchParams.set("ship", credentials.id);
  url.searchParams.set("secret", credentials.secret);
  url.searchParams.set("organization", credentials.organization);
  url.searchParams.set("source", "connector");
  url.searchParams.set("segment_id", segmentId);
  return url.toString();
}

/** Hull's member count of a segment (`stats.users`), or undefined when Hull gave none. */
export function segmentSize(segment: Pick<HullSegment, "stats">): number | undefined {
  const users = segment.stats?.users;
  return typeof users === "number" && Number.isFinite(users) && users >= 0 ? users : undefined;
}
