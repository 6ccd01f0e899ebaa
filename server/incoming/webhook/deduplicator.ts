/**
 * Remembers delivered notification ids, so Intercom's redeliveries produce nothing new. A delivery
 * first claims its id atomically, so the same notification arriving twice at once is written once.
 */
export interface Deduplicator {
  /** "claimed": go ahead; "duplicate": delivered already, or being delivered right now. */
  claim(key: string): Promise<"claimed" | "duplicate">;
  /** The delivery is done: remember it for as long as Intercom may redeliver. */
  remember(key: string): Promise<void>;
  /** The delivery failed: let Intercom's retry in. */
  release(key: string): Promise<void>;
}

/** The embedded default: in memory, bounded, for as long as Intercom may redeliver (hours). */
export function createMemoryDeduplicator(
  ttlMs = 6 * 3600_000,
  maxEntries = 200_000,
  now = Date.now,
): Deduplicator {
  const seenAt = new Map<string, number>();
  return {
    async claim(key) {
      const at = seenAt.get(key);
      if (at !== undefined && now() - at < ttlMs) return "duplicate";
      seenAt.set(key, now());
      while (seenAt.size > maxEntries) seenAt.delete(seenAt.keys().next().value!);
      return "claimed";
    },
    async remember(key) {
      seenAt.delete(key);
      seenAt.set(key, now());
    },
    async release(key) {
      seenAt.delete(key);
    },
  };
}
