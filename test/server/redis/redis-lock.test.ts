import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { RedisUnavailableError, RetryableError } from "../../../server/errors";
import { createRedis, createRedisKeys } from "../../../server/redis/redis-client";
import { createRedisLock } from "../../../server/redis/redis-lock";
import { startRedisProxy } from "../../helpers/redis-proxy";

const redis = await createRedis("redis://127.0.0.1:6379");
const prefix = `test-lock-${randomBytes(6).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("createRedisLock(redis, prefix).withLock(name, work)", () => {
  it("runs work of one name one at a time across lock instances (processes)", async () => {
    const [a, b] = [createRedisLock(redis, prefix), createRedisLock(redis, prefix)];
    const log: string[] = [];
    const work = (who: string) => async () => {
      log.push(`${who} start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      log.push(`${who} end`);
      return who;
    };
    const results = await Promise.all([a.withLock("x", work("a")), b.withLock("x", work("b"))]);
    expect(results).toEqual(["a", "b"]);
    // Whichever ran first ended before the other started.
    expect(log[1]).toBe(log[0]!.replace("start", "end"));
    expect(log[2]).toMatch(/start$/);
    expect(await redis.exists(`${prefix}:lock:x`)).toBe(0);
  });

  it("releases the lock when the work fails", async () => {
    const lock = createRedisLock(redis, prefix);
    await expect(lock.withLock("y", () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(await redis.exists(`${prefix}:lock:y`)).toBe(0);
  });

  it("never releases a lock another holder took after ours lapsed", async () => {
    const lock = createRedisLock(redis, prefix, { ttlMs: 50 });
    await lock.withLock("z", async () => {
      await redis.set(`${prefix}:lock:z`, "someone-else"); // ours lapsed and was taken
    });
    expect(await redis.get(`${prefix}:lock:z`)).toBe("someone-else");
  });

  it("gives up with a RetryableError when the lock stays taken", async () => {
    await redis.set(`${prefix}:lock:w`, "held", "PX", 60_000);
    const lock = createRedisLock(redis, prefix, { waitMs: 0 });
    await expect(lock.withLock("w", async () => "never")).rejects.toBeInstanceOf(RetryableError);
  });
});

describe("withLock when Redis stalls at the lock's claim (docs/adr/029)", () => {
  it("fails with RedisUnavailableError and leaves no claim behind once Redis wakes", async () => {
    const proxy = await startRedisProxy();
    const keys = await createRedisKeys(proxy.url, { commandTimeoutMs: 500 });
    try {
      await keys.ready();
      const lock = createRedisLock(keys.redis, prefix);
      const stalled = proxy.awayFrom(`${prefix}:lock:stalled`, "hold");
      let ran = false;
      const claim = lock.withLock("stalled", async () => void (ran = true));
      await stalled;
      await expect(claim).rejects.toBeInstanceOf(RedisUnavailableError);
      // Redis wakes and runs the claim it was sent: a lock nobody holds, for its 30 s lease,
      // which every settings write of the connector would wait for, unless it is released behind.
      proxy.wake();
      await expect
        .poll(
          () =>
            keys.redis.ping().then(
              () => true,
              () => false,
            ),
          { timeout: 60_000 },
        )
        .toBe(true);
      expect(await redis.exists(`${prefix}:lock:stalled`)).toBe(0);
      expect(ran).toBe(false);
    } finally {
      keys.redis.disconnect();
      await proxy.close();
    }
  });
});
