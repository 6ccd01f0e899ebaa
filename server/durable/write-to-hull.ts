import type { ActivityLog } from "../activity";
import { EntriesRefused, type FirehoseWriter, type RefusedEntry } from "../clients/hull/firehose";
import type { FirehoseEntry, HullCredentials } from "../clients/hull/types";
import type { Logger } from "../log";
import type { DeadLetterSource, DeadLetterStore } from "./dead-letters";

export interface WriteToHullDeps {
  firehose: FirehoseWriter;
  deadLetters: DeadLetterStore;
  activity: ActivityLog;
  logger: Logger;
  /** Writes that went on past their budget, per connector, until they settle (ADR 026). */
  lateWrites?: LateWrites;
}

/**
 * Firehose writes that outlasted their budget and go on in the background, per connector id. A
 * replay of the outbox waits while one of its connector is in flight: that write holds data as
 * old as the outbox's, and landing after the replay it would be the last word. With Redis the
 * marks are shared, since any process may drain the outbox (`redis/redis-late-writes.ts`).
 */
export interface LateWrites {
  /**
   * Marks `write` as in flight for its connector until it settles; resolves once the mark is
   * seen by every process that replays the outbox. Throws when the mark cannot be kept (Redis).
   */
  track(connectorId: string, write: Promise<unknown>): Promise<void>;
  /** Whether a write of this connector is still in flight. Throws when it cannot tell (Redis). */
  has(connectorId: string): Promise<boolean>;
}

/** In-process LateWrites (a count per connector id): one process receives and replays. */
export function createLateWrites(): LateWrites {
  const inFlight = new Map<string, number>();
  return {
    async track(connectorId, write) {
      inFlight.set(connectorId, (inFlight.get(connectorId) ?? 0) + 1);
      const settled = () => {
        const left = (inFlight.get(connectorId) ?? 1) - 1;
        if (left > 0) inFlight.set(connectorId, left);
        else inFlight.delete(connectorId);
      };
      write.then(settled, settled);
    },
    has: async (connectorId) => inFlight.has(connectorId),
  };
}

export type WriteOutcome =
  | { kind: "written"; refused: RefusedEntry[] }
  /**
   * Hull had not answered within the budget; the write goes on in the background. `marked`
   * resolves once the write is marked in `lateWrites` (never rejects): keep the entries only then,
   * so no replay comes between, but count them as being kept at once (receive-notification.ts).
   */
  | { kind: "late"; marked: Promise<void> };

/**
 * Writes a batch to Hull with per-record isolation, the one way every flow meets Hull's firehose
 * (webhooks, fetches, outbox replays, dead-letter retries): the writer refuses entries the shared
 * rule refuses and splits a batch Hull refuses to find the bad entries; those are dead-lettered here
 * with their reasons, and everything else is written. Resolves once Hull accepted the rest and the
 * refused entries are durable in the dead-letter store.
 *
 * With `now`, the entries go out at once rather than waiting for company, and with
 * `distinctPeople` their tokens are not kept for reuse (FirehoseWriter.write's options).
 * With `budgetMs`, resolves `{kind: "late", marked}` when Hull has not answered within that many
 * milliseconds, without waiting for the mark; the write is not cancelled (a late success is harmless: event ids and traits are
 * idempotent) and its later outcome is only logged, since the caller keeps the entries elsewhere.
 *
 * Throws RetryableError when Hull is down or slow (part of the batch may be in Hull), and
 * BadRequestError when Hull refused the connector itself (401, 403, 404).
 */
export async function writeToHull(
  deps: WriteToHullDeps,
  credentials: HullCredentials,
  entries: FirehoseEntry[],
  source: DeadLetterSource,
  options: { budgetMs?: number; now?: boolean; distinctPeople?: boolean } = {},
): Promise<WriteOutcome> {
  const writing = deps.firehose.write(credentials, entries, {
    now: options.now,
    distinctPeople: options.distinctPeople,
  });
  if (options.budgetMs !== undefined) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), options.budgetMs);
    });
    const first = await Promise.race([
      writing.then(
        () => "done" as const,
        () => "done" as const,
      ),
      late,
    ]);
    clearTimeout(timer);
    if (first === "late") {
      const marked = (deps.lateWrites?.track(credentials.id, writing) ?? Promise.resolve()).catch(
        (error: unknown) =>
          deps.logger.warn(
            { connector: credentials.id, err: error },
            "a late firehose write could not be marked; a replay may not wait for it",
          ),
      );
      writing.catch((error: unknown) =>
        deps.logger.info(
          { connector: credentials.id, err: error },
          "late firehose write failed; its copy in the outbox will be replayed",
        ),
      );
      return { kind: "late", marked };
    }
  }
  try {
    await writing;
    return { kind: "written", refused: [] };
  } catch (error) {
    if (!(error instanceof EntriesRefused)) throw error;
    await deadLetter(deps, credentials, error.refused, source);
    return { kind: "written", refused: error.refused };
  }
}

/** Keeps records Hull refused for good, with their reasons, and tells the dashboard. */
export async function deadLetter(
  deps: Pick<WriteToHullDeps, "deadLetters" | "activity" | "logger">,
  credentials: HullCredentials,
  refused: RefusedEntry[],
  source: DeadLetterSource,
): Promise<void> {
  if (refused.length === 0) return;
  await deps.deadLetters.add(
    credentials.id,
    refused.map(({ entry, reason }) => ({ entry, reason, source })),
  );
  deps.activity.count(credentials.id, "records Hull refused", refused.length);
  deps.activity.error(
    credentials.id,
    `Hull refused ${refused.length} record(s) from a ${source}: ${refused[0]!.reason}`,
    'See "Records Hull refused" on the Dashboard: fix the record or the mapping, then Retry.',
  );
  deps.logger.warn(
    { connector: credentials.id, source, refused: refused.length, reason: refused[0]!.reason },
    "records Hull refused were dead-lettered",
  );
}
