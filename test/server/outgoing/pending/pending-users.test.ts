import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFilePendingUsers } from "../../../../server/outgoing/pending/file-pending-users";
import type { PendingUsers } from "../../../../server/outgoing/pending/pending-users";
import type { UserUpdate } from "../../../../server/outgoing/hull-input/user-update";
import { createRedisPendingUsers } from "../../../../server/redis/redis-pending-users";

const SECRET = "pending-users-secret-0123456789";
const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "s3cr3t",
};

const update = (id: string, plan: string, events: string[] = []): UserUpdate => ({
  user: { id, email: `${id}@example.com`, segment_ids: ["seg-1"], plan },
  segments: [{ id: "seg-1", name: "Customers" }],
  events: events.map((event) => ({ event, event_id: `${id}-${event}` })),
});
const kept = (...updates: UserUpdate[]) => updates.map((one) => ({ update: one, manual: false }));

/** The same behaviour from the file journal and from Redis; `reopen` is a restart. */
function contract(name: string, open: () => { store: PendingUsers; reopen(): PendingUsers }) {
  describe(name, () => {
    it("keeps users in waiting order, each with its updates oldest first", async () => {
      const { store } = open();
      await store.add(credentials, kept(update("u1", "free"), update("u2", "free")));
      await store.add(credentials, kept(update("u1", "pro", ["Paid"])));
      const waiting = await store.oldest(credentials.id, 10);
      expect(waiting.map((user) => user.userId)).toEqual(["u1", "u2"]);
      expect(waiting[0]!.updates.map((pending) => pending.update.user.plan)).toEqual([
        "free",
        "pro",
      ]);
      expect(waiting[0]!.updates[1]!.update.events[0]!.event_id).toBe("u1-Paid");
      expect(await store.summary(credentials.id)).toMatchObject({ users: 2 });
      expect((await store.summary(credentials.id)).since).toBeGreaterThan(0);
      expect(await store.oldest(credentials.id, 1)).toHaveLength(1);
    });

    it("settles only the updates that were read: a newer one that arrived meanwhile stays", async () => {
      const { store } = open();
      await store.add(credentials, kept(update("u1", "free"), update("u2", "free")));
      const read = await store.oldest(credentials.id, 10);
      await store.add(credentials, kept(update("u1", "enterprise")));
      await store.settle(
        credentials.id,
        read.map((user) => ({ userId: user.userId, updates: user.updates.length })),
      );
      const left = await store.oldest(credentials.id, 10);
      expect(left).toHaveLength(1);
      expect(left[0]!.updates.map((pending) => pending.update.user.plan)).toEqual(["enterprise"]);
      await store.settle(credentials.id, [{ userId: "u1", updates: 1 }]);
      expect(await store.summary(credentials.id)).toEqual({ users: 0 });
      expect(await store.connectors()).toEqual([]);
    });

    it("survives a restart, with the connector's credentials to reach Hull", async () => {
      const { store, reopen } = open();
      await store.add(credentials, kept(update("u1", "free"), update("u2", "free")));
      await store.settle(credentials.id, [{ userId: "u2", updates: 1 }]);
      const restarted = reopen();
      expect((await restarted.oldest(credentials.id, 10)).map((user) => user.userId)).toEqual([
        "u1",
      ]);
      expect(await restarted.connectors()).toEqual([credentials]);
    });

    it("lets one holder at a time drain a connector, until it releases", async () => {
      const { store } = open();
      expect(await store.claim(credentials.id, "process-a", 30_000)).toBe(true);
      expect(await store.claim(credentials.id, "process-a", 30_000)).toBe(true);
      await store.release(credentials.id, "process-a");
      expect(await store.claim(credentials.id, "process-b", 30_000)).toBe(true);
    });
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pending-users-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

contract("createFilePendingUsers(dataDir, secret)", () => ({
  store: createFilePendingUsers(dir, SECRET),
  reopen: () => createFilePendingUsers(dir, SECRET),
}));

const redis = new Redis("redis://127.0.0.1:6379", { lazyConnect: true, maxRetriesPerRequest: 1 });
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

contract("createRedisPendingUsers(redis, prefix, secret)", () => {
  const prefix = `pending-test-${randomUUID()}`;
  prefixes.push(prefix);
  return {
    store: createRedisPendingUsers(redis, prefix, SECRET),
    reopen: () => createRedisPendingUsers(redis, prefix, SECRET),
  };
});

describe("the file journal", () => {
  it("keeps the connector secret sealed on disk", async () => {
    await createFilePendingUsers(dir, SECRET).add(credentials, kept(update("u1", "free")));
    const text = await readFile(join(dir, "pending-users.jsonl"), "utf8");
    expect(text).toContain("u1");
    expect(text).not.toContain(credentials.secret);
  });

  it("ignores a line cut short by a crash, and compacts a journal that is mostly history", async () => {
    const store = createFilePendingUsers(dir, SECRET);
    for (let round = 0; round < 30; round++) {
      const batch = Array.from({ length: 200 }, (_, index) => update(`r${round}-${index}`, "x"));
      await store.add(credentials, kept(...batch));
      await store.settle(
        credentials.id,
        batch.map((one) => ({ userId: one.user.id, updates: 1 })),
      );
    }
    await store.add(credentials, kept(update("last", "x")));
    const lines = (await readFile(join(dir, "pending-users.jsonl"), "utf8")).split("\n");
    expect(lines.length).toBeLessThan(12_000);
    const { appendFile } = await import("node:fs/promises");
    await appendFile(join(dir, "pending-users.jsonl"), '{"t":"add","c":"5f0c');
    const restarted = createFilePendingUsers(dir, SECRET);
    expect((await restarted.oldest(credentials.id, 10)).map((user) => user.userId)).toEqual([
      "last",
    ]);
  });
});

describe("the file journal after a crash or a compaction (review of issue 21)", () => {
  it("keeps an update added after a crash tore the journal's last line", async () => {
    await createFilePendingUsers(dir, SECRET).add(credentials, kept(update("u1", "free")));
    const { appendFile } = await import("node:fs/promises");
    // The process died mid-append: a line without its end, never acknowledged.
    await appendFile(join(dir, "pending-users.jsonl"), '{"t":"add","c":"5f0c');
    // The next process acknowledges u2 to Hull once `add` resolves...
    const next = createFilePendingUsers(dir, SECRET);
    expect(await next.connectors()).toEqual([credentials]);
    await next.add(credentials, kept(update("u2", "free")));
    // ...so u2 must survive the next restart.
    const restarted = createFilePendingUsers(dir, SECRET);
    expect((await restarted.oldest(credentials.id, 10)).map((user) => user.userId)).toEqual([
      "u1",
      "u2",
    ]);
  });

  it("keeps the connector's credentials when a compaction runs while none of its users waits", async () => {
    const store = createFilePendingUsers(dir, SECRET);
    const batch = Array.from({ length: 5001 }, (_, index) => update(`c${index}`, "x"));
    await store.add(credentials, kept(...batch));
    await store.settle(
      credentials.id,
      batch.slice(0, 5000).map((one) => ({ userId: one.user.id, updates: 1 })),
    );
    // Settling the last user leaves nothing waiting: the journal is compacted to nothing.
    await store.settle(credentials.id, [{ userId: "c5000", updates: 1 }]);
    await store.add(credentials, kept(update("after", "x")));
    const restarted = createFilePendingUsers(dir, SECRET);
    expect((await restarted.oldest(credentials.id, 10)).map((user) => user.userId)).toEqual([
      "after",
    ]);
    expect(await restarted.connectors()).toEqual([credentials]);
  });
});

describe("the Redis store", () => {
  it("holds another process's claim in Redis until it lapses or is released", async () => {
    const prefix = `pending-test-${randomUUID()}`;
    prefixes.push(prefix);
    const store = createRedisPendingUsers(redis, prefix, SECRET);
    expect(await store.claim(credentials.id, "process-a", 30_000)).toBe(true);
    expect(await store.claim(credentials.id, "process-b", 30_000)).toBe(false);
    await store.release(credentials.id, "process-b"); // not its claim: nothing happens
    expect(await store.claim(credentials.id, "process-b", 30_000)).toBe(false);
    await store.release(credentials.id, "process-a");
    expect(await store.claim(credentials.id, "process-b", 30_000)).toBe(true);
  });

  it("settles nothing for a process whose claim lapsed and was taken over, so a newer update is never dropped", async () => {
    const prefix = `pending-test-${randomUUID()}`;
    prefixes.push(prefix);
    const store = createRedisPendingUsers(redis, prefix, SECRET);
    await store.add(credentials, kept(update("u1", "free")));
    expect(await store.claim(credentials.id, "process-a", 30_000)).toBe(true);
    const readByA = await store.oldest(credentials.id, 10);
    // Process A stalls (a partition from Redis) past its claim; process B takes the drain over.
    await redis.del(`${prefix}:pending:${credentials.id}:lock`);
    expect(await store.claim(credentials.id, "process-b", 30_000)).toBe(true);
    const readByB = await store.oldest(credentials.id, 10);
    const counts = (read: typeof readByA) =>
      read.map((user) => ({ userId: user.userId, updates: user.updates.length }));
    await store.settle(credentials.id, counts(readByA), "process-a");
    await store.add(credentials, kept(update("u1", "enterprise")));
    await store.settle(credentials.id, counts(readByB), "process-b");
    const left = await store.oldest(credentials.id, 10);
    expect(left.map((user) => user.updates.map((pending) => pending.update.user.plan))).toEqual([
      ["enterprise"],
    ]);
  });
});
