import type { Redis } from "ioredis";
import type { Deduplicator } from "../incoming/webhook/deduplicator";

/** Notification ids claimed with SET NX in Redis, so any process recognises a redelivery. */
export function createRedisDeduplicator(
  redis: Redis,
  prefix: string,
  ttlSeconds = 6 * 3600,
): Deduplicator {
  const key = (id: string) => `${prefix}:dedup:${id}`;
  return {
    async claim(id) {
      // A claim lapses after 30 s, in case its process dies mid-delivery, or its connection was
      // lost with the claim in flight (so that whether Redis ran it is unknown): Intercom retries
      // a failed delivery once, a minute later (intercom-api.md §4.6), after the claim lapsed.
      return (await redis.set(key(id), "pending", "EX", 30, "NX")) === "OK"
        ? "claimed"
        : "duplicate";
    },
    async remember(id) {
      await redis.set(key(id), "done", "EX", ttlSeconds);
    },
    async release(id) {
      await redis.del(key(id));
    },
  };
}
