import type { Redis } from "ioredis";
import type { Deduplicator } from "../incoming/webhook/deduplicator";

/** Notification ids remembered in Redis, so any process recognises a redelivery. */
export function createRedisDeduplicator(
  redis: Redis,
  prefix: string,
  ttlSeconds = 6 * 3600,
): Deduplicator {
  const key = (id: string) => `${prefix}:dedup:${id}`;
  return {
    async seen(id) {
      return (await redis.exists(key(id))) === 1;
    },
    async remember(id) {
      await redis.set(key(id), "1", "EX", ttlSeconds);
    },
  };
}
