/** Remembers delivered notification ids, so Intercom's redeliveries produce nothing new. */
export interface Deduplicator {
  seen(key: string): Promise<boolean>;
  remember(key: string): Promise<void>;
}

/** The embedded default: in memory, bounded, for as long as Intercom may redeliver (hours). */
export function createMemoryDeduplicator(
  ttlMs = 6 * 3600_000,
  maxEntries = 200_000,
  now = Date.now,
): Deduplicator {
  const seenAt = new Map<string, number>();
  return {
    async seen(key) {
      const at = seenAt.get(key);
      return at !== undefined && now() - at < ttlMs;
    },
    async remember(key) {
      seenAt.delete(key);
      seenAt.set(key, now());
      while (seenAt.size > maxEntries) seenAt.delete(seenAt.keys().next().value!);
    },
  };
}
