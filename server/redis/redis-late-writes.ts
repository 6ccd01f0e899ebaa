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

/** `promise`, or an error once `ms` (ms) passed: the client waits for Redis without limit. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * LateWrites shared by every process on one Redis (the scale-out mode): the process that drains
 * the outbox is not always the one whose webhook write went on past its budget (ADR 026).
 * A mark is removed when its write settles. While the write is in flight its process renews the
 * mark every third of `leaseMs` (ms), however long the write takes (retries, a refused batch
 * split in halves, a wait behind an earlier batch of the same person, ADR 027); a process that
 * dies stops renewing, and its marks lapse within `leaseMs`.
 * `track` and `has` throw when Redis has not answered within `answerMs` (ms): the connector's
 * client queues commands while Redis is away, and a webhook cannot wait (Intercom gives 5 s).
 */
export function createRedisLateWrites(
  redis: Redis,
  prefix: string,
  { leaseMs = 60_000, answerMs = 1_000 }: { leaseMs?: number; answerMs?: number } = {},
): LateWrites {
  const keyOf = (connectorId: string) => `${prefix}:late-writes:${connectorId}`;
  return {
    async track(connectorId, write) {
      const key = keyOf(connectorId);
      const mark = randomBytes(8).toString("hex");
      const renew = () => redis.eval(MARK, 1, key, mark, String(leaseMs));
      const renewing = setInterval(() => {
        renew().catch(() => undefined); // one missed renewal leaves two thirds of the lease
      }, leaseMs / 3);
      renewing.unref();
      const settled = () => {
        clearInterval(renewing);
        // A mark that cannot be removed lapses with its lease.
        redis.zrem(key, mark).catch(() => undefined);
      };
      write.then(settled, settled);
      await within(renew(), answerMs, "mark a late write");
    },
    async has(connectorId) {
      const count = await within(redis.eval(COUNT, 1, keyOf(connectorId)), answerMs, "answer");
      return Number(count) > 0;
    },
  };
}
