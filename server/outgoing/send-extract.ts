import { RetryableError } from "../errors";
import { selectUsers } from "./filter/select-users";
import { recordSkips } from "./record-skips";
import type { OutgoingContext } from "./outgoing-context";
import { inChunks } from "./read-extract";
import { syncUsers } from "./sync-users";
import { readUserReport, type UserUpdate } from "./user-update";

export interface SendExtractOptions {
  segmentNames: ReadonlyMap<string, string>;
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
  /** Told after each chunk how many lines are done, for the job's checkpoint. */
  onChunkDone?: (linesDone: number, summary: ExtractSummary) => Promise<void>;
}

export interface ExtractSummary {
  users: number;
  synced: number;
  failed: number;
  skipped: number;
  unreadable: number;
}

async function* skipFirst<T>(items: AsyncIterable<T>, count: number): AsyncIterable<T> {
  let seen = 0;
  for await (const item of items) if (seen++ >= count) yield item;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseLine(line: string, names: ReadonlyMap<string, string>): UserUpdate | undefined {
  try {
    return readUserReport(JSON.parse(line), names);
  } catch {
    return undefined;
  }
}

/**
 * Hull's manual "send to Intercom": every user in the extract, whatever the whitelist, with the
 * tags of all its segments and no events (hull-intercom-classic.md §2.15). Chunks are processed
 * one after the other, so the download is read only as fast as Intercom takes the users.
 */
export async function sendExtract(
  ctx: OutgoingContext,
  lines: AsyncIterable<string>,
  options: SendExtractOptions,
): Promise<ExtractSummary> {
  const {
    segmentNames,
    chunkSize = 250,
    maxAttempts = 20,
    concurrency = 32,
    retryDelayMs = 10_000,
    sleep = defaultSleep,
    skipLines = 0,
    onChunkDone,
  } = options;
  let linesDone = skipLines;
  const connector = ctx.credentials.id;
  const summary: ExtractSummary = { users: 0, synced: 0, failed: 0, skipped: 0, unreadable: 0 };
  for await (const chunk of inChunks(skipFirst(lines, skipLines), chunkSize)) {
    const updates: UserUpdate[] = [];
    for (const line of chunk) {
      const update = parseLine(line, segmentNames);
      if (update) updates.push(update);
      else summary.unreadable += 1;
    }
    summary.users += updates.length;
    const selection = selectUsers(updates, ctx.settings, { manual: true });
    summary.skipped += selection.skipped.length;
    await recordSkips(ctx, ctx.credentials, selection.skipped);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await syncUsers(ctx, selection, { concurrency });
        summary.synced += result.synced;
        summary.failed += result.failed;
        break;
      } catch (error) {
        if (!(error instanceof RetryableError) || attempt >= maxAttempts) {
          summary.failed += selection.send.length;
          ctx.logger.error(
            { err: error, connector, users: selection.send.length },
            "outgoing.batch.error: users of the extract not sent",
          );
          ctx.activity.error(connector, `Extract: ${selection.send.length} users not sent`);
          break;
        }
        const waitMs = error.retryAfterMs ?? retryDelayMs;
        ctx.logger.warn({ connector, waitMs, attempt }, "service.api.ratelimit: extract waits");
        await sleep(waitMs);
      }
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
