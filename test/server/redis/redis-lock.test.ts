import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { RetryableError } from "../../../server/errors";
import { createRedis } from "../../../server/redis/redis-client";
import { createRedisLock } from "../../../server/redis/redis-lock";

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
