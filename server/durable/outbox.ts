import type { FirehoseEntry, HullCredentials } from "../clients/hull/types";

/**
 * What was acknowledged but Hull could not take yet. Kept durably (a file, or Redis) and replayed
 * until Hull accepts it, so a Hull outage longer than Intercom's single retry loses nothing.
 */
export interface Outbox {
  /** Resolves once the entries are durable. */
  append(credentials: HullCredentials, entries: FirehoseEntry[]): Promise<void>;
  /** Offers everything kept to `write`; what it accepts is dropped, the rest kept. Returns entries delivered. */
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
