import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { RedisUnavailableError, RetryableError } from "../errors";

/** Runs work while holding a named lock shared by every process on one Redis. */
export interface SharedLock {
  /** Waits for the lock (up to `waitMs`), runs `work`, releases; RetryableError when it never came. */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}

// Deletes the key only while it still holds our token: a lock that lapsed and was taken by another
// process is never released by us.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * A Redis lock per name: `SET key token NX PX ttlMs`, retried with jitter until `waitMs`, released
 * by compare-and-delete. `ttlMs` (ms) bounds how long a crashed holder blocks others; it must
 * exceed the work (a settings write is a GET and a PUT of 10 s each at most).
 * Throws RetryableError when the lock is not had within `waitMs`, and RedisUnavailableError (a
 * RetryableError) when Redis does not answer the claim; a claim that failed so is released behind
 * it, in case Redis runs it later.
 */
export function createRedisLock(
  redis: Redis,
  prefix: string,
  { ttlMs = 30_000, waitMs = 45_000 }: { ttlMs?: number; waitMs?: number } = {},
): SharedLock {
  return {
    async withLock(name, work) {
      const key = `${prefix}:lock:${name}`;
      const token = randomBytes(16).toString("hex");
      const deadline = Date.now() + waitMs;
      const claim = () =>
        redis.set(key, token, "PX", ttlMs, "NX").catch((error: unknown) => {
          // A claim that failed may still run: a stalled Redis runs what it was sent when it
          // wakes, and would hold the lock for nobody for `ttlMs`, making every settings write of
          // the connector wait. The release, sent behind it on the same connection, runs after it
          // (docs/adr/029); on a connection that is down neither was sent.
          if (error instanceof RedisUnavailableError)
            void redis.eval(RELEASE, 1, key, token).catch(() => undefined);
          throw error;
        });
      while ((await claim()) !== "OK") {
        if (Date.now() > deadline)
          throw new RetryableError(`Timed out waiting for the lock ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
      }
      try {
        return await work();
      } finally {
        await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      }
    },
  };
}
