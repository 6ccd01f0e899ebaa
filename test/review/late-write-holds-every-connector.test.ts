// Review finding (ADR 026 §3 with the Redis marks): the replay asks `lateWrites.has` per write and
// throws RetryableError for a connector with a late write in flight; the outbox's drain
// (`offerInOrder`) stops at the first rejection and keeps every record after it. So one
// connector's late write holds the replay of every other connector whose records sit behind it in
// the shared outbox, and while their records wait their new webhooks queue too (Outbox.holds).
// With Redis the marks are shared and leased 180 s: a process that dies mid-write holds every
// tenant's replay for three minutes, and a connector whose Hull stays slow (a late write every few
// seconds) renews a mark forever: the tenants behind it are never replayed.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createActivityLog } from "../../server/activity";
import type { FirehoseWriter } from "../../server/clients/hull/firehose";
import type { FirehoseEntry, HullCredentials } from "../../server/clients/hull/types";
import { replayOutbox } from "../../server/durable/replay-outbox";
import { createLogger } from "../../server/log";
import { createRedis } from "../../server/redis/redis-client";
import { createRedisLateWrites } from "../../server/redis/redis-late-writes";
import { createRedisOutbox } from "../../server/redis/redis-outbox";
import { fakeDeadLetters } from "../helpers/fakes";

const redis = await createRedis("redis://127.0.0.1:6379");
const prefix = `review-hol-${randomBytes(6).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const tenant = (id: string): HullCredentials => ({
  id,
  organization: `${id.slice(0, 6)}.hullapp.io`,
  secret: `secret-${id}`,
});
const entry = (name: string): FirehoseEntry => ({
  type: "traits",
  claims: { external_id: name },
  body: { "intercom/name": name },
});

describe("a late write of one connector and the outbox replay of the others", () => {
  it("replays another connector's records while one connector's late write is in flight", async () => {
    const slowTenant = tenant("aaaaaaaaaaaaaaaaaaaaaaaa");
    const otherTenant = tenant("bbbbbbbbbbbbbbbbbbbbbbbb");
    const written: string[] = [];
    const firehose: FirehoseWriter = {
      async write(_credentials, entries) {
        for (const one of entries) written.push(String(one.claims.external_id));
      },
      flush: async () => undefined,
    };
    const outbox = createRedisOutbox(redis, prefix, "outbox-secret-of-some-length");
    const lateWrites = createRedisLateWrites(redis, prefix);
    // The slow tenant's webhook outlasted its budget (kept, and marked), then another tenant's
    // webhook was kept during the same Hull outage.
    await lateWrites.track(slowTenant.id, new Promise(() => undefined));
    await outbox.append(slowTenant, [entry("slow-1")]);
    await outbox.append(otherTenant, [entry("other-1")]);

    await replayOutbox(
      {
        firehose,
        outbox,
        lateWrites,
        deadLetters: fakeDeadLetters().store,
        activity: createActivityLog(),
        logger: createLogger("silent"),
      },
      createLogger("silent"),
    );
    // The other tenant has nothing in flight: its record's replay waits for no one.
    expect(written).toContain("other-1");
    expect(await outbox.holds(otherTenant.id)).toBe(false);
  });
});
