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
}

export interface OutboxRecord {
  credentials: HullCredentials;
  entries: FirehoseEntry[];
}
