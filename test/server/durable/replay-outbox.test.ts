import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../sandbox/hull/index";
import { createActivityLog } from "../../../server/activity";
import { createFirehoseWriter } from "../../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import type { DeadLetterStore } from "../../../server/durable/dead-letters";
import { createFileDeadLetters } from "../../../server/durable/file-dead-letters";
import { createFileOutbox } from "../../../server/durable/file-outbox";
import type { Outbox } from "../../../server/durable/outbox";
import { replayOutbox } from "../../../server/durable/replay-outbox";
import { createLogger } from "../../../server/log";
import { createRedisOutbox } from "../../../server/redis/redis-outbox";
import { createRedisDeadLetters } from "../../../server/redis/redis-dead-letters";

// Issue 16, finding 2: a record Hull refuses for good must not block the records queued behind it.
let hull: HullSandbox;
const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
const prefix = `replay-test-${randomUUID()}`;
const dirs: string[] = [];
const logger = createLogger("silent");

beforeAll(async () => {
  hull = await startHullSandbox({ notifyDelayMs: 10 });
});
beforeEach(async () => {
  await fetch(`${hull.url}/_sandbox/reset`, { method: "POST" });
});
afterAll(async () => {
  await hull.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const event = (email: string, id: string): FirehoseEntry => ({
  type: "track",
  claims: { email },
  body: {
    event: "User replied",
    properties: {},
    event_id: id,
    created_at: "2026-01-01T00:00:00Z",
    source: "intercom",
  },
});
// The poison: a contact whose external_id is whitespace (Hull refuses the blank claim).
const blankExternalId: FirehoseEntry = {
  type: "traits",
  claims: { anonymous_id: "intercom:blank", external_id: "   " },
  body: { "intercom/name": "Blank" },
};

const kinds: [string, () => Promise<{ outbox: Outbox; deadLetters: DeadLetterStore }>][] = [
  [
    "file",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "replay-"));
      dirs.push(dir);
      return {
        outbox: createFileOutbox(dir, "a-long-enough-secret"),
        deadLetters: createFileDeadLetters(dir),
      };
    },
  ],
  [
    "redis",
    async () => {
      const own = `${prefix}:${randomUUID()}`;
      return {
        outbox: createRedisOutbox(redis, own, "a-long-enough-secret"),
        deadLetters: createRedisDeadLetters(redis, own),
      };
    },
  ],
];

describe.each(kinds)("replaying the %s outbox", (_kind, make) => {
  it("dead-letters what Hull refuses for good and delivers every record behind it", async () => {
    const { outbox, deadLetters } = await make();
    const credentials = hull.connector;
    await fetch(`${hull.url}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ refuse_claims: { email: "poison@example.com" } }),
    });
    await outbox.append(credentials, [event("first@example.com", "e1")]);
    await outbox.append(credentials, [blankExternalId]);
    await outbox.append(credentials, [event("poison@example.com", "e2")]);
    await outbox.append(credentials, [event("last@example.com", "e3")]);
    const deps = {
      outbox,
      deadLetters,
      firehose: createFirehoseWriter({ url: `${hull.url}/firehose`, retryDelayMs: 1 }),
      activity: createActivityLog(),
      logger,
    };
    await replayOutbox(deps, logger);
    expect(await outbox.size()).toBe(0);
    const users = (await (await fetch(`${hull.url}/_sandbox/users`)).json()) as {
      email: string | null;
      anonymous_ids: string[];
      events: unknown[];
    }[];
    expect(
      users
        .filter((user) => user.events.length === 1)
        .map((user) => user.email)
        .sort(),
    ).toEqual(["first@example.com", "last@example.com"]);
    expect(users.some((user) => user.anonymous_ids.includes("intercom:blank"))).toBe(true);
    const { letters } = await deadLetters.list(credentials.id);
    expect(letters).toEqual([
      expect.objectContaining({
        source: "replay",
        reason: expect.stringMatching(/refused by the sandbox control/),
        entry: event("poison@example.com", "e2"),
      }),
    ]);
    expect((await deps.activity.snapshot(credentials.id)).counters["records Hull refused"]).toBe(1);
  });
});
