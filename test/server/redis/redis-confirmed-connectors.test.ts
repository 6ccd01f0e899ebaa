// Hull's last answers in Redis (ADR 031): sealed, readable only with the same SECRET, and each
// expiring an hour after the age a kept answer may stand in, so old ones do not pile up.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { KEPT_MAX_AGE_MS } from "../../../server/clients/hull/authenticate";
import { createRedisConfirmedConnectors } from "../../../server/redis/redis-confirmed-connectors";

const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
const prefix = `confirmed-${randomUUID()}`;
const connector = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  settings: {},
  private_settings: { access_token: "intercom-token" },
};

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("createRedisConfirmedConnectors", () => {
  it("keeps an answer sealed, with an expiry an hour past the age it may stand in", async () => {
    const store = createRedisConfirmedConnectors(redis, prefix, "a-long-enough-secret");
    await store.set("k1", { connector, confirmedAtMs: 42 });

    expect(await store.get("k1")).toEqual({ connector, confirmedAtMs: 42 });
    expect(await store.get("k2")).toBeUndefined();
    const [key] = await redis.keys(`${prefix}:*`);
    expect(await redis.get(key!)).not.toContain("intercom-token");
    const ttl = await redis.pttl(key!);
    expect(ttl).toBeGreaterThan(KEPT_MAX_AGE_MS);
    expect(ttl).toBeLessThanOrEqual(KEPT_MAX_AGE_MS + 3_600_000);
    expect(
      await createRedisConfirmedConnectors(redis, prefix, "another-long-secret").get("k1"),
    ).toBeUndefined();
  });
});
