// Kind: the Redis outbox's per-connector count drifts above what waits. Found in review
// (2026-12-01): a record dropped as unreadable (sealed with another SECRET) stayed counted, so its
// connector's webhooks queued behind nothing.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { FirehoseEntry, HullCredentials } from "../../../server/clients/hull/types";
import { createRedisOutbox } from "../../../server/redis/redis-outbox";

const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
const prefix = `outbox-drift-${randomUUID()}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});
const connector = (id: string): HullCredentials => ({
  id,
  organization: "acme.hullapp.io",
  secret: `s-${id}`,
});
const a = connector("5f0c1a2b3c4d5e6f7a8b9c0a");
const b = connector("5f0c1a2b3c4d5e6f7a8b9c0b");
const entry: FirehoseEntry = {
  type: "traits",
  claims: { email: "p@x.io" },
  body: { "intercom/n": 1 },
};

describe("the Redis outbox's per-connector count", () => {
  it("forgets a record it dropped as unreadable", async () => {
    const other = createRedisOutbox(redis, prefix, "another-secret-another-secret");
    const outbox = createRedisOutbox(redis, prefix, "the-secret-the-secret-the-secret");
    await other.append(a, [entry]); // sealed with another SECRET: this process can never deliver it
    await outbox.append(b, [entry]);
    // Hull is down for b's record: the drain stops there, a's record was dropped as unreadable.
    await outbox.drain(() => Promise.reject(new Error("Hull is down")));
    expect(await outbox.size()).toBe(1); // only b's record waits
    expect(await outbox.holds(a.id)).toBe(false);
  });
});
