import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import type { DeadLetterStore } from "../../../server/durable/dead-letters";
import { createFileDeadLetters } from "../../../server/durable/file-dead-letters";
import { createRedisDeadLetters } from "../../../server/redis/redis-dead-letters";

const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
const prefix = `dead-letters-test-${randomUUID()}`;
const dirs: string[] = [];
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const entry = (email: string): FirehoseEntry => ({
  type: "traits",
  claims: { email },
  body: { "intercom/email": email },
});

const stores: [string, () => Promise<DeadLetterStore>][] = [
  [
    "file",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "dead-letters-"));
      dirs.push(dir);
      return createFileDeadLetters(dir);
    },
  ],
  ["redis", async () => createRedisDeadLetters(redis, `${prefix}:${randomUUID()}`)],
];

describe.each(stores)("the %s dead-letter store", (_kind, make) => {
  it("keeps each refused record with its reason, per connector, until it is removed", async () => {
    const store = await make();
    await store.add("connector-a", [
      { entry: entry("a@x.io"), reason: "bad a", source: "webhook" },
      { entry: entry("b@x.io"), reason: "bad b", source: "fetch" },
    ]);
    await store.add("connector-b", [{ entry: entry("c@x.io"), reason: "bad c", source: "replay" }]);
    const { total, letters } = await store.list("connector-a");
    expect(total).toBe(2);
    expect(letters.map((letter) => [letter.reason, letter.source, letter.connector])).toEqual(
      expect.arrayContaining([
        ["bad a", "webhook", "connector-a"],
        ["bad b", "fetch", "connector-a"],
      ]),
    );
    const first = letters.find((letter) => letter.reason === "bad a")!;
    expect(await store.get("connector-a", first.id)).toEqual(first);
    expect(await store.get("connector-b", first.id)).toBeUndefined();
    await store.remove("connector-a", first.id);
    expect((await store.list("connector-a")).letters.map((letter) => letter.reason)).toEqual([
      "bad b",
    ]);
    expect((await store.list("connector-b")).total).toBe(1);
  });

  it("counts the letters of every connector, for the /metrics gauge", async () => {
    const store = await make();
    expect(await store.count()).toBe(0);
    await store.add("connector-a", [
      { entry: entry("a@x.io"), reason: "bad a", source: "webhook" },
      { entry: entry("b@x.io"), reason: "bad b", source: "fetch" },
    ]);
    await store.add("connector-b", [{ entry: entry("c@x.io"), reason: "bad c", source: "replay" }]);
    expect(await store.count()).toBe(3);
    const [letter] = (await store.list("connector-b")).letters;
    await store.remove("connector-b", letter!.id);
    expect(await store.count()).toBe(2);
  });
});
