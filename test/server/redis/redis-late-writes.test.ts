// Kind: "a replay lands an older write last" in the scale-out mode. A webhook write that went on
// past its budget holds its connector's replay (ADR 026), but with Redis any process may drain
// the outbox: the mark must be seen by every process, and must lapse if its process dies.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createActivityLog } from "../../../server/activity";
import type { FirehoseWriter } from "../../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { replayOutbox } from "../../../server/durable/replay-outbox";
import { createMemoryDeduplicator } from "../../../server/incoming/webhook/deduplicator";
import { createNotificationReceiver } from "../../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../../server/log";
import { createRedis } from "../../../server/redis/redis-client";
import { createRedisLateWrites } from "../../../server/redis/redis-late-writes";
import { APP_ID, envelope, modernUser } from "../../fixtures/intercom/webhooks";
import {
  CREDENTIALS,
  fakeDeadLetters,
  fakeHull,
  fakeOutbox,
  fakeRegistry,
} from "../../helpers/fakes";
import { waitUntil } from "../../helpers/wait";

const redis = await createRedis("redis://127.0.0.1:6379");
const prefix = `test-late-${randomBytes(6).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** A promise and the functions that settle it. */
function pending() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("createRedisLateWrites(redis, prefix)", () => {
  it("shows a write one process marked to every other, until it settles", async () => {
    const [receiving, draining] = [
      createRedisLateWrites(redis, prefix),
      createRedisLateWrites(redis, prefix),
    ];
    const write = pending();
    await receiving.track("c1", write.promise);
    expect(await draining.has("c1")).toBe(true);
    expect(await draining.has("c2")).toBe(false);
    write.resolve();
    await waitUntil(async () => !(await draining.has("c1")), { what: "the mark to go" });
  });

  it("removes the mark of a write that failed", async () => {
    const lateWrites = createRedisLateWrites(redis, prefix);
    const write = pending();
    await lateWrites.track("c3", write.promise);
    write.reject(new Error("503"));
    await waitUntil(async () => !(await lateWrites.has("c3")), { what: "the mark to go" });
  });

  it("renews the mark of a write that outlasts its lease, for as long as it is in flight", async () => {
    const lateWrites = createRedisLateWrites(redis, prefix, { leaseMs: 60 });
    const write = pending();
    await lateWrites.track("c5", write.promise);
    // Many leases later (the mark's score, when its lease ends, moved on), the write still holds it.
    const leaseEnd = async () => {
      const [, score] = await redis.zrangebyscore(
        `${prefix}:late-writes:c5`,
        "-inf",
        "+inf",
        "WITHSCORES",
      );
      return Number(score);
    };
    const firstEnd = await leaseEnd();
    await waitUntil(async () => (await leaseEnd()) > firstEnd + 300, {
      what: "the mark to be renewed well past its first lease",
    });
    expect(await lateWrites.has("c5")).toBe(true);
    write.resolve();
    await waitUntil(async () => !(await lateWrites.has("c5")), { what: "the mark to go" });
  });

  it("lets the mark of a process that died lapse with its lease", async () => {
    // The process that marked the write is gone: its connection closed, nothing renews the mark.
    const dying = await createRedis("redis://127.0.0.1:6379");
    await createRedisLateWrites(dying, prefix, { leaseMs: 50 }).track(
      "c4",
      new Promise(() => undefined),
    );
    dying.disconnect();
    const survivor = createRedisLateWrites(redis, prefix);
    await waitUntil(async () => !(await survivor.has("c4")), { what: "the lease to lapse" });
  });

  it("holds another process's replay while the late write of its connector is in flight", async () => {
    const taken: string[] = [];
    const first = pending();
    let calls = 0;
    // Hull answers the first write after the budget, then every write at once.
    const firehose: FirehoseWriter = {
      async write(_credentials, entries: FirehoseEntry[]) {
        const name = entries
          .map((entry) => (entry.body as Record<string, unknown>)["intercom/name"])
          .find(Boolean);
        if (calls++ === 0) await first.promise;
        taken.push(String(name));
      },
      flush: async () => undefined,
    };
    const outbox = fakeOutbox();
    const connected = {
      access_token: "token",
      intercom_workspace: { app_id: APP_ID, region: "US" },
    };
    const common = {
      registry: fakeRegistry({ [APP_ID]: [CREDENTIALS] }),
      hullAuth: fakeHull(connected).auth,
      hullClient: () => fakeHull(connected).client,
      firehose,
      deduplicator: createMemoryDeduplicator(),
      outbox: outbox.outbox,
      deadLetters: fakeDeadLetters().store,
      activity: createActivityLog(),
      logger: createLogger("silent"),
    };
    // Two processes sharing Redis (the outbox here) and the late-write marks.
    const receiving = {
      ...common,
      hullBudgetMs: 20,
      lateWrites: createRedisLateWrites(redis, prefix),
    };
    const draining = { ...common, lateWrites: createRedisLateWrites(redis, prefix) };
    const receiver = createNotificationReceiver(receiving);
    const update = (name: string, id: string) =>
      envelope("contact.user.created", modernUser({ name }), `notif_late_${id}`);

    expect((await receiver.receive(update("Old Name", "1"))).outcome).toBe("queued");
    expect((await receiver.receive(update("New Name", "2"))).outcome).toBe("queued");
    await replayOutbox(draining, createLogger("silent"));
    expect(taken).toEqual([]);
    first.resolve();
    await waitUntil(() => taken.length === 1, { what: "the late write to land" });
    await waitUntil(async () => !(await draining.lateWrites.has(CREDENTIALS.id)), {
      what: "its mark to go",
    });
    await replayOutbox(draining, createLogger("silent"));
    expect(taken).toEqual(["Old Name", "Old Name", "New Name"]);
  });
});
