import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { DeadLetter, DeadLetterStore } from "../durable/dead-letters";

/** Dead letters in Redis, one hash per connector (`<prefix>:dead-letters:<connector id>`), shared by every process. */
export function createRedisDeadLetters(
  redis: Redis,
  prefix: string,
  now: () => Date = () => new Date(),
): DeadLetterStore {
  const keyOf = (connectorId: string) => `${prefix}:dead-letters:${connectorId}`;
  const parse = (raw: string | null) => (raw ? (JSON.parse(raw) as DeadLetter) : undefined);
  return {
    async add(connectorId, letters) {
      if (letters.length === 0) return;
      const at = now().toISOString();
      const fields = letters.flatMap((letter) => {
        const id = randomUUID();
        return [id, JSON.stringify({ id, connector: connectorId, at, ...letter })];
      });
      await redis.hset(keyOf(connectorId), ...fields);
    },
    async list(connectorId, limit = 50) {
      const letters = (await redis.hvals(keyOf(connectorId)))
        .map((raw) => parse(raw)!)
        .sort((a, b) => b.at.localeCompare(a.at));
      return { total: letters.length, letters: letters.slice(0, limit) };
    },
    async get(connectorId, id) {
      return parse(await redis.hget(keyOf(connectorId), id));
    },
    async remove(connectorId, id) {
      await redis.hdel(keyOf(connectorId), id);
    },
    async count() {
      // One hash per connector: SCAN their keys (never KEYS, which blocks Redis) and add up HLEN.
      let total = 0;
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", keyOf("*"), "COUNT", 200);
        cursor = next;
        for (const key of keys) total += await redis.hlen(key);
      } while (cursor !== "0");
      return total;
    },
  };
}
