// Review finding: making `LateWrites.track` asynchronous (the Redis mark, ADR 026 amended) put a
// Redis round trip between "this write went late" and "its entries are kept" (receive-notification
// `keep`, which bumps `appendsOf`). A newer notification written to Hull inside that window is not
// kept again (appendsOf did not move), yet the older one is kept just after it and replayed last:
// Hull ends with the older values. In-process marks resolve in a microtask, so only the scale-out
// mode has the window; it lasts as long as Redis takes to answer (seconds during a failover: the
// client is built with maxRetriesPerRequest null, so the command waits for the reconnect).
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createActivityLog } from "../../server/activity";
import type { FirehoseWriter } from "../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../server/clients/hull/types";
import { replayOutbox } from "../../server/durable/replay-outbox";
import { createMemoryDeduplicator } from "../../server/incoming/webhook/deduplicator";
import { createNotificationReceiver } from "../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../server/log";
import { createRedis } from "../../server/redis/redis-client";
import { createRedisLateWrites } from "../../server/redis/redis-late-writes";
import { APP_ID, envelope, modernUser } from "../fixtures/intercom/webhooks";
import { CREDENTIALS, fakeDeadLetters, fakeHull, fakeOutbox, fakeRegistry } from "../helpers/fakes";
import { waitUntil } from "../helpers/wait";

const redis = await createRedis("redis://127.0.0.1:6379");
const prefix = `review-late-${randomBytes(6).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** The names a write carries, in order. */
const namesIn = (entries: FirehoseEntry[]) =>
  entries
    .map((entry) => (entry.body as Record<string, unknown>)["intercom/name"])
    .filter((name): name is string => typeof name === "string");

describe("a late write's mark and the newer write of the same contact", () => {
  it("never lets the replay land an older notification after a newer one Hull took", async () => {
    // Redis is slow to answer the mark (a failover, a busy server): its EVAL waits for `gate`.
    let releaseRedis!: () => void;
    const gate = new Promise<void>((resolve) => (releaseRedis = resolve));
    let marking = 0;
    const slowRedis = new Proxy(redis, {
      get(target, key) {
        if (key === "eval")
          return async (...args: unknown[]) => {
            marking += 1;
            await gate;
            return (target.eval as (...a: unknown[]) => Promise<unknown>)(...args);
          };
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Redis;

    // Hull answers the first write after the webhook's budget, every later one at once.
    const taken: string[] = [];
    let releaseFirst!: () => void;
    let calls = 0;
    const firehose: FirehoseWriter = {
      async write(_credentials, entries) {
        if (calls++ === 0) await new Promise<void>((resolve) => (releaseFirst = resolve));
        // Every name the write carries, in order: Hull applies a batch's entries in order.
        taken.push(...namesIn(entries));
      },
      flush: async () => undefined,
    };
    const outbox = fakeOutbox();
    const connected = {
      access_token: "token",
      intercom_workspace: { app_id: APP_ID, region: "US" },
    };
    const deps = {
      registry: fakeRegistry({ [APP_ID]: [CREDENTIALS] }),
      hullAuth: fakeHull(connected).auth,
      hullClient: () => fakeHull(connected).client,
      firehose,
      deduplicator: createMemoryDeduplicator(),
      outbox: outbox.outbox,
      deadLetters: fakeDeadLetters().store,
      activity: createActivityLog(),
      logger: createLogger("silent"),
      hullBudgetMs: 20,
      lateWrites: createRedisLateWrites(slowRedis, prefix),
    };
    const receiver = createNotificationReceiver(deps);
    const update = (name: string, id: string) =>
      envelope("contact.user.created", modernUser({ name }), `notif_review_${id}`);

    // The older notification outlasts its budget; the receiver is marking it in Redis.
    const older = receiver.receive(update("Old Name", "1"));
    await waitUntil(() => marking > 0, { what: "the late write's mark to be asked of Redis" });
    // Hull takes it meanwhile, and then the newer notification about the same contact.
    releaseFirst();
    await waitUntil(() => taken.length === 1, { what: "the late write to land" });
    // It joins the outbox behind the older one, whose append is under way.
    const newer = receiver.receive(update("New Name", "2"));
    // Redis answers; the older notification is kept for the replay.
    releaseRedis();
    expect((await older).outcome).toBe("queued");
    expect((await newer).outcome).toBe("queued");
    await waitUntil(async () => !(await deps.lateWrites.has(CREDENTIALS.id)), {
      what: "the late write's mark to go",
    });

    await replayOutbox(deps, createLogger("silent"));
    // What Hull received, in order; the last write about the contact is what Hull keeps.
    expect(taken.at(-1), `Hull received ${JSON.stringify(taken)}`).toBe("New Name");
  });
});
