import type { FirehoseEntry, HullCredentials } from "../clients/hull/types";
import { RetryableError } from "../errors";

/**
 * Thrown by a drain's `write` when its connector's records must wait although Hull is up (a late
 * write of that connector is in flight, ADR 026): that connector's records stay, in order, and
 * the drain goes on with the other connectors'. Any other rejection stops the drain.
 */
export class ConnectorHeld extends RetryableError {}

/**
 * What was acknowledged but Hull could not take yet. Kept durably (a file, or Redis) and replayed
 * until Hull accepts it, so a Hull outage longer than Intercom's single retry loses nothing.
 */
export interface Outbox {
  /** Resolves once the entries are durable; rejects, having kept nothing, when they cannot be. */
  append(credentials: HullCredentials, entries: FirehoseEntry[]): Promise<void>;
  /**
   * Offers everything kept to `write`, in order; a record `write` resolves for is dropped, and the
   * first rejection keeps that record and the rest for the next drain, except a `ConnectorHeld`,
   * which keeps that connector's records only. So `write` must resolve for a record Hull refuses
   * for good (after dead-lettering it, `replay-outbox.ts`) and reject only when Hull is down or the
   * connector is held. Returns entries delivered.
   */
  drain(
    write: (credentials: HullCredentials, entries: FirehoseEntry[]) => Promise<void>,
  ): Promise<number>;
  /** Records waiting. */
  size(): Promise<number>;
  /**
   * Whether records of this connector are waiting. While they are, its new webhooks join the
   * outbox behind them rather than going to Hull directly, where the replay would land the older
   * data over them (receive-notification.ts, ADR 026).
   */
  holds(connectorId: string): Promise<boolean>;
}

/** Entries a drain writes to Hull in one request at most: the firehose writer's batch. */
export const DRAIN_BATCH_ENTRIES = 100;

/** What `offerInOrder` did: `taken[i]` when records[i] reached Hull; `stopped` when Hull failed. */
export interface Offered {
  taken: boolean[];
  stopped: boolean;
}

/**
 * Offers `records` to `write` in order, one request at a time: consecutive records of the same
 * connector go together, as one write of their entries (up to `maxEntries`, a record larger than
 * that alone), so a backlog costs a Hull round trip per batch rather than per record. A write
 * rejected with `ConnectorHeld` adds its connector to `held` (which a caller may share across
 * calls): that connector's records, then and after, are not offered, and the others go on. Any
 * other rejection stops the offer: that write's records and every one after are not taken; so
 * does `until` (epoch ms), checked before each write (a drain's turn, which its lock must cover).
 * Never two writes at once: the firehose writer retries a failed batch while later ones go out,
 * so writes of one connector in flight together could land older after newer (ADR 026).
 */
export async function offerInOrder(
  records: OutboxRecord[],
  write: (credentials: HullCredentials, entries: FirehoseEntry[]) => Promise<void>,
  {
    maxEntries = DRAIN_BATCH_ENTRIES,
    held = new Set<string>(),
    until = Number.POSITIVE_INFINITY,
  }: { maxEntries?: number; held?: Set<string>; until?: number } = {},
): Promise<Offered> {
  const taken = records.map(() => false);
  let start = 0;
  while (start < records.length) {
    // A turn ends between writes: none begins after `until` (epoch ms).
    if (Date.now() >= until) return { taken, stopped: true };
    const first = records[start]!;
    if (held.has(first.credentials.id)) {
      start += 1;
      continue;
    }
    const entries = [...first.entries];
    let end = start + 1;
    while (end < records.length) {
      const next = records[end]!;
      const { id, secret, organization } = next.credentials;
      const same =
        id === first.credentials.id &&
        secret === first.credentials.secret &&
        organization === first.credentials.organization;
      if (!same) break;
      if (entries.length + next.entries.length > maxEntries) break;
      entries.push(...next.entries);
      end += 1;
    }
    try {
      await write(first.credentials, entries);
      for (let index = start; index < end; index++) taken[index] = true;
    } catch (error) {
      if (!(error instanceof ConnectorHeld)) return { taken, stopped: true };
      held.add(first.credentials.id);
    }
    start = end;
  }
  return { taken, stopped: false };
}

export interface OutboxRecord {
  credentials: HullCredentials;
  entries: FirehoseEntry[];
}
