import type { FirehoseEntry, HullCredentials } from "../clients/hull/types";

/**
 * What was acknowledged but Hull could not take yet. Kept durably (a file, or Redis) and replayed
 * until Hull accepts it, so a Hull outage longer than Intercom's single retry loses nothing.
 */
export interface Outbox {
  /** Resolves once the entries are durable; rejects, having kept nothing, when they cannot be. */
  append(credentials: HullCredentials, entries: FirehoseEntry[]): Promise<void>;
  /**
   * Offers everything kept to `write`, in order; a record `write` resolves for is dropped, and the
   * first rejection keeps that record and the rest for the next drain. So `write` must resolve for a
   * record Hull refuses for good (after dead-lettering it, `replay-outbox.ts`) and reject only when
   * Hull is down. Returns entries delivered.
   */
  drain(
    write: (credentials: HullCredentials, entries: FirehoseEntry[]) => Promise<void>,
  ): Promise<number>;
  /** Records waiting. */
  size(): Promise<number>;
  /**
   * Whether records of this connector are waiting. While they are, its new writes join the outbox
   * behind them rather than going to Hull directly, where the replay would land the older data
   * over them (receive-notification.ts).
   */
  holds(connectorId: string): Promise<boolean>;
}

/** Records a drain offers Hull at once: the firehose writer batches them in the order written. */
export const DRAIN_CONCURRENCY = 64;

/**
 * Offers `records` to `write` in order, `concurrency` at a time, and stops after the first group
 * with a rejection. Returns how many records from the start were delivered: the first rejected
 * record and every one after it are to be kept, in order (those after it that `write` took are
 * written again by the next drain: at-least-once, and never an older value after a newer one).
 * One Hull round trip a group, not one a record, so a backlog drains faster than webhooks arrive.
 */
export async function offerInOrder<T>(
  records: T[],
  write: (record: T) => Promise<void>,
  concurrency = DRAIN_CONCURRENCY,
): Promise<number> {
  for (let start = 0; start < records.length; start += concurrency) {
    const group = records.slice(start, start + concurrency);
    const results = await Promise.allSettled(group.map(write));
    const failed = results.findIndex((result) => result.status === "rejected");
    if (failed >= 0) return start + failed;
  }
  return records.length;
}

export interface OutboxRecord {
  credentials: HullCredentials;
  entries: FirehoseEntry[];
}
