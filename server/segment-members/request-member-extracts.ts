import type { HullRestClient } from "../clients/hull/rest";
import type { HullCredentials, HullSegment } from "../clients/hull/types";
import type { ActivityLog } from "../activity";
import { memberExtractFailedEntry, memberExtractRequestedEntry } from "../activity-entries";
import type { Logger } from "../log";
import { extractCallbackUrl, segmentSize } from "./plan-member-extracts";

/** What happened to one segment's extract request; shown on the dashboard as is. */
export interface MemberExtractOutcome {
  segment_id: string;
  name: string;
  /** Hull's member count when asked (`stats.users`), if Hull gave one. */
  members?: number;
  /** True once Hull accepted the request; its users then arrive at /batch as a job. */
  requested: boolean;
  /** Why Hull could not be asked (Hull down, request refused); nothing was sent then. */
  error?: string;
}

export interface MemberExtractDeps {
  publicUrl: string;
  logger: Pick<Logger, "info" | "warn">;
  /** Each request, and each failure with what to do, becomes an entry of the activity log. */
  activity: Pick<ActivityLog, "record">;
}

/**
 * Asks Hull for an extract of each segment's current members, one request per segment, one after
 * the other. Hull builds each extract and POSTs it to our `/batch`, which stores a send-extract job
 * (docs/adr/006) whose progress the dashboard shows. A segment Hull listed without its `query` is
 * read with `GET <segment id>` first, as hull@0.14.2's requestExtract does.
 *
 * Never throws for one segment: a Hull outage or refusal becomes that segment's `error`, so one
 * settings save is never undone by it (docs/adr/018).
 */
export async function requestMemberExtracts(
  deps: MemberExtractDeps,
  credentials: HullCredentials,
  hull: Pick<HullRestClient, "requestExtract" | "getSegment">,
  segments: readonly HullSegment[],
): Promise<MemberExtractOutcome[]> {
  const outcomes: MemberExtractOutcome[] = [];
  for (const segment of segments) {
    const members = segmentSize(segment);
    const outcome: MemberExtractOutcome = {
      segment_id: segment.id,
      name: segment.name,
      ...(members === undefined ? {} : { members }),
      requested: false,
    };
    try {
      const query = segment.query ?? (await hull.getSegment(segment.id)).query;
      if (query === undefined || query === null) {
        throw new Error(`Hull gave no query for segment ${segment.name}`);
      }
      await hull.requestExtract({
        url: extractCallbackUrl(deps.publicUrl, credentials, segment.id),
        query,
        fields: [],
      });
      outcome.requested = true;
      deps.activity.record(credentials.id, memberExtractRequestedEntry(segment, members));
      deps.logger.info(
        { connector: credentials.id, segment: segment.id, members },
        "outgoing.members.extract_requested",
      );
    } catch (error) {
      outcome.error = `Hull could not be asked for the members of ${segment.name}: ${(error as Error).message}`;
      deps.activity.record(
        credentials.id,
        memberExtractFailedEntry(segment, (error as Error).message),
      );
      deps.logger.warn(
        { connector: credentials.id, segment: segment.id, error: (error as Error).message },
        "outgoing.members.extract_failed",
      );
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
