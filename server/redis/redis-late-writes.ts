import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { LateWrites } from "../durable/write-to-hull";

// Both scripts read the time from Redis, so processes whose clocks disagree agree on the leases.
// A mark is a member of the connector's sorted set scored by when its lease ends (ms).
const MARK = `
local t = redis.call("time")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("zadd", KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call("pexpire", KEYS[1], ARGV[2])
return 1`;
const COUNT = `
local t = redis.call("time")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("zremrangebyscore", KEYS[1], "-inf", now)
return redis.call("zcard", KEYS[1])`;

/**
 * LateWrites shared by every process on one Redis (the scale-out mode): the process that drains
 * the outbox is not always the one whose webhook write went on past its budget (ADR 026).
 * A mark is removed when its write settles, and lapses after `leaseMs` (ms) if its process died
 * first. The lease must outlast one write: the firehose writer tries a batch four times with a
 * 15 s timeout (about 62 s) and may first wait for a batch of the same person (ADR 027), so
 * 180 s by default. `track` and `has` throw what ioredis throws.
 */
export function createRedisLateWrites(
  redis: Redis,
  prefix: string,
  { leaseMs = 180_000 }: { leaseMs?: number } = {},
): LateWrites {
  const keyOf = (connectorId: string) => `${prefix}:late-writes:${connectorId}`;
  return {
    async track(connectorId, write) {
      const key = keyOf(connectorId);
      const mark = randomBytes(8).toString("hex");
      await redis.eval(MARK, 1, key, mark, String(leaseMs));
      const settled = () => {
        // A mark that cannot be removed lapses with its lease.
        redis.zrem(key, mark).catch(() => undefined);
      };
      write.then(settled, settled);
    },
    async has(connectorId) {
      return Number(await redis.eval(COUNT, 1, keyOf(connectorId))) > 0;
    },
  };
}
