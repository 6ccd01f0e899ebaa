// Review 2 finding (server/redis/redis-outbox.ts, ADR 026 §6): the drain lock's lease (120 s, never
// renewed) is said to cover "a turn plus one write's longest retries" because "a turn ends between
// writes". It does not: the turn's clock is read only between batches of up to 100 records, and
// one batch is one write per run of a connector's consecutive records. Records of several
// connectors interleave in the outbox (each webhook is a record), so a batch can be 100 writes;
// against a Hull that answers slowly (a 15 s timeout and a retry, or a 10 s answer) the batch takes
// many minutes and the lease lapses mid-turn. Then another process takes the lock, and its turn
// starts by putting this turn's processing list back, records being written and held records
// included: they are written twice and concurrently (a connector's older record can land after
// its newer one), and both processes uncount them, so the per-connector count in `held` drops
// below what waits and `holds` answers false while records still wait (new webhooks then go
// straight to Hull, and the replay lands older data over them). The test reads the turn's time
// from a fake clock; no real time is measured.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { FirehoseEntry, HullCredentials } from "../../server/clients/hull/types";
import { createRedisOutbox } from "../../server/redis/redis-outbox";

const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
const prefix = `review2-lock-${randomUUID()}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});
afterEach(() => vi.restoreAllMocks());

const connector = (id: string): HullCredentials => ({
  id,
  organization: "acme.hullapp.io",
  secret: `s-${id}`,
});
const a = connector("5f0c1a2b3c4d5e6f7a8b9c0a");
const b = connector("5f0c1a2b3c4d5e6f7a8b9c0b");
const entry = (n: number): FirehoseEntry => ({
  type: "traits",
  claims: { email: `p${n}@x.io` },
  body: { "intercom/n": n },
});

describe("a Redis outbox drain against a slow Hull", () => {
  it("begins no write once its lock's lease has run out", async () => {
    const outbox = createRedisOutbox(redis, prefix, "a-long-enough-secret");
    // Two connectors' webhooks kept during an outage, interleaved as they arrived.
    for (let n = 1; n <= 40; n++) await outbox.append(n % 2 ? a : b, [entry(n)]);

    // The drain's clock: each write to Hull takes 16 s (a timed-out try, then an answer).
    const realNow = Date.now.bind(Date);
    let elapsed = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + elapsed);
    let leaseMs: number | undefined;
    let writesAfterLease = 0;
    await outbox.drain(async () => {
      if (leaseMs === undefined) leaseMs = await redis.pttl(`${prefix}:lock:outbox-drain`);
      if (elapsed > leaseMs) writesAfterLease += 1;
      elapsed += 16_000;
    });
    expect(leaseMs).toBeGreaterThan(0);
    // By then Redis has let the lock go and another process's drain may be under way.
    expect(
      writesAfterLease,
      `the turn went on ${elapsed / 1000} s on a lease of ${leaseMs! / 1000} s`,
    ).toBe(0);
  });
});
