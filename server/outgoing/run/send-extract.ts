import { RetryableError } from "../../errors";
import { selectUsers, type Selection } from "../filter/select-users";
import { recordSkips } from "./record-skips";
import type { OutgoingRun } from "./open-outgoing-run";
import { inChunks, skipFirst } from "../hull-input/read-extract";
import { sendUsers } from "./send-users";
import { readUserReport, type UserUpdate } from "../hull-input/user-update";

export interface SendExtractOptions {
  segmentNames: ReadonlyMap<string, string>;
  /**
   * The segment the extract's callback names (`job.params.segment_id`): every user of the
   * extract is a member of it (`extractLineSegmentIds`).
   */
  segmentId?: string;
  /** Users per chunk; a chunk is retried whole when Intercom says "later". */
  chunkSize?: number;
  /** Attempts per chunk before its users are counted as failed. */
  maxAttempts?: number;
  /** Users in flight at once (the pacer bounds requests in flight further). */
  concurrency?: number;
  /** Wait before a retry when Intercom gave no time. */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Lines already sent by an earlier run of the same extract (resuming after a restart). */
  skipLines?: number;
  /**
   * Keeps users Intercom still would not take after `maxAttempts` (a long outage) for the drain
   * of waiting users (ADR 012), instead of counting them as failed.
   */
  keep?: (unsent: Selection["send"]) => Promise<void>;
  /** Told after each chunk how many lines are done, for the job's checkpoint. */
  onChunkDone?: (linesDone: number, summary: ExtractSummary) => Promise<void>;
}

export interface ExtractSummary {
  users: number;
  synced: number;
  failed: number;
  skipped: number;
  unreadable: number;
  /** Users handed to the drain of waiting users after a long outage. */
  kept: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseLine(
  line: string,
  names: ReadonlyMap<string, string>,
  segmentId: string | undefined,
): UserUpdate | undefined {
  try {
    return readUserReport(JSON.parse(line), names, segmentId);
  } catch {
    return undefined;
  }
}

/**
 * Hull's manual "send to Intercom": every user in the extract, whatever the whitelist, with the
 * tags of all its segments and no events (hull-intercom-classic.md §2.15). Chunks are processed
 * one after the other, so the download is read only as fast as Intercom takes the users; a chunk
 * Intercom cuts short is resumed with the users not finished, and after `maxAttempts` these are
 * kept for the drain (`keep`) rather than lost.
 */
export async function sendExtract(
  ctx: OutgoingRun,
  lines: AsyncIterable<string>,
  options: SendExtractOptions,
): Promise<ExtractSummary> {
  const {
    segmentNames,
    segmentId,
    chunkSize = 250,
    maxAttempts = 20,
    concurrency = 32,
    retryDelayMs = 10_000,
    sleep = defaultSleep,
    skipLines = 0,
    onChunkDone,
    keep,
  } = options;
  let linesDone = skipLines;
  const connector = ctx.credentials.id;
  const summary: ExtractSummary = {
    users: 0,
    synced: 0,
    failed: 0,
    skipped: 0,
    unreadable: 0,
    kept: 0,
  };
  for await (const chunk of inChunks(skipFirst(lines, skipLines), chunkSize)) {
    const updates: UserUpdate[] = [];
    for (const line of chunk) {
      const update = parseLine(line, segmentNames, segmentId);
      if (update) updates.push(update);
      else summary.unreadable += 1;
    }
    summary.users += updates.length;
    const selection = selectUsers(updates, ctx.settings, { manual: true });
    summary.skipped += selection.skipped.length;
    await recordSkips(ctx, ctx.credentials, selection.skipped);
    // Each attempt sends only the users the previous one did not finish: none is sent twice.
    let left = selection.send;
    for (let attempt = 1; left.length > 0; attempt++) {
      const { outcomes, unsent, stoppedBy } = await sendUsers(
        ctx,
        { send: left, skipped: [] },
        {
          concurrency,
        },
      );
      const failed = outcomes.filter((outcome) => outcome.problems.length > 0).length;
      summary.synced += outcomes.length - failed;
      summary.failed += failed;
      left = unsent;
      if (stoppedBy === undefined) break;
      const transient = stoppedBy instanceof RetryableError;
      if (transient && attempt >= maxAttempts && keep) {
        await keep(left);
        summary.kept += left.length;
        ctx.logger.warn({ connector, users: left.length }, "outgoing.pending.kept: extract users");
        break;
      }
      if (!transient || attempt >= maxAttempts) {
        summary.failed += left.length;
        ctx.logger.error(
          { err: stoppedBy, connector, users: left.length },
          "outgoing.batch.error: users of the extract not sent",
        );
        ctx.activity.error(
          connector,
          `“Send to Intercom”: ${left.length} users not sent (${stoppedBy instanceof Error ? stoppedBy.message : "Intercom did not take them"})`,
          "Send them again from Hull once Intercom is reachable and the connector is connected.",
        );
        break;
      }
      const waitMs = stoppedBy.retryAfterMs ?? retryDelayMs;
      ctx.logger.warn({ connector, waitMs, attempt }, "service.api.ratelimit: extract waits");
      await sleep(waitMs);
    }
    ctx.activity.count(connector, "outgoing.extract.users", updates.length);
    linesDone += chunk.length;
    await onChunkDone?.(linesDone, summary);
  }
  if (summary.unreadable > 0) {
    ctx.logger.warn({ connector, lines: summary.unreadable }, "unreadable extract lines skipped");
  }
  ctx.activity.count(connector, "outgoing.extracts.completed");
  ctx.logger.info({ connector, ...summary }, "outgoing.batch.done");
  return summary;
}
