// What both outboxes (a journal file, a Redis list) promise about order and about which connectors
// have records waiting: `holds` is what keeps a connector's new notifications behind its older
// ones (receive-notification.ts), and a drain offers records many at a time but never lets an
// older record be delivered after a newer one.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { FirehoseEntry, HullCredentials } from "../../../server/clients/hull/types";
import { createFileOutbox } from "../../../server/durable/file-outbox";
import { ConnectorHeld, offerInOrder, type Outbox } from "../../../server/durable/outbox";
import { createRedisOutbox } from "../../../server/redis/redis-outbox";

const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
const prefix = `outbox-holds-${randomUUID()}`;
const dirs: string[] = [];
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const connector = (id: string): HullCredentials => ({
  id,
  organization: "acme.hullapp.io",
  secret: `secret-of-${id}`,
});
const a = connector("5f0c1a2b3c4d5e6f7a8b9c0a");
const b = connector("5f0c1a2b3c4d5e6f7a8b9c0b");
const entry = (n: number): FirehoseEntry => ({
  type: "traits",
  claims: { email: `p${n}@x.io` },
  body: { "intercom/n": n },
});
const numberOf = (entries: FirehoseEntry[]) =>
  Number((entries[0]!.body as Record<string, unknown>)["intercom/n"]);

/** Makes an outbox, and another over the same storage (as a restarted process would). */
const kinds: [string, () => Promise<() => Outbox>][] = [
  [
    "file",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "outbox-holds-"));
      dirs.push(dir);
      return () => createFileOutbox(dir, "a-long-enough-secret");
    },
  ],
  [
    "redis",
    async () => {
      const own = `${prefix}:${randomUUID()}`;
      return () => createRedisOutbox(redis, own, "a-long-enough-secret");
    },
  ],
];

describe.each(kinds)("the %s outbox", (_kind, storage) => {
  it("holds a connector's records from its append until a drain delivered them, across a restart", async () => {
    const open = await storage();
    const outbox = open();
    expect(await outbox.holds(a.id)).toBe(false);
    await outbox.append(a, [entry(1)]);
    expect(await outbox.holds(a.id)).toBe(true);
    expect(await outbox.holds(b.id)).toBe(false);
    // Hull down: nothing delivered, still held, also by a process started now.
    await outbox.drain(() => Promise.reject(new Error("Hull is down")));
    expect(await open().holds(a.id)).toBe(true);
    expect(await open().drain(async () => undefined)).toBe(1);
    expect(await open().holds(a.id)).toBe(false);
  });

  it("drains many records at a time in order, and keeps the first Hull refused and all after it", async () => {
    const outbox = (await storage())();
    for (let n = 1; n <= 150; n++) await outbox.append(n % 2 ? a : b, [entry(n)]);
    const delivered: number[] = [];
    let hullDown = true;
    await outbox.drain(async (_credentials, entries) => {
      const n = numberOf(entries);
      if (hullDown && n === 100) throw new Error("Hull is down");
      delivered.push(n);
    });
    // Everything before 100 arrived; 100 did not; whatever after it arrived comes again.
    expect([...new Set(delivered)].filter((n) => n < 100).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 99 }, (_, index) => index + 1),
    );
    expect(await outbox.holds(a.id)).toBe(true);
    expect(await outbox.holds(b.id)).toBe(true);
    hullDown = false;
    const second: number[] = [];
    await outbox.drain(async (_credentials, entries) => void second.push(numberOf(entries)));
    expect(second).toEqual(Array.from({ length: 51 }, (_, index) => index + 100));
    expect(await outbox.holds(a.id)).toBe(false);
    expect(await outbox.holds(b.id)).toBe(false);
    expect(await outbox.size()).toBe(0);
  });
});

describe("offerInOrder(records, write, {maxEntries})", () => {
  it("writes one connector's consecutive records together, one write at a time, and stops at the first refusal", async () => {
    const records = [
      { credentials: a, entries: [entry(1)] },
      { credentials: a, entries: [entry(2), entry(3)] },
      { credentials: a, entries: [entry(4)] },
      { credentials: b, entries: [entry(5)] },
      { credentials: a, entries: [entry(6)] },
      { credentials: a, entries: [entry(7)] },
    ];
    const writes: [string, number[]][] = [];
    let inFlight = 0;
    let most = 0;
    const { taken, stopped } = await offerInOrder(
      records,
      async (credentials, entries) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        const numbers = entries.map((one) => numberOf([one]));
        writes.push([credentials.id, numbers]);
        if (numbers.includes(6)) throw new Error("Hull is down");
      },
      { maxEntries: 3 },
    );
    // a's first three entries fill a write of 3; 4 starts the next; b's record is a write of its
    // own; the write holding 6 failed, so 6 and everything after it are kept.
    expect(writes).toEqual([
      [a.id, [1, 2, 3]],
      [a.id, [4]],
      [b.id, [5]],
      [a.id, [6, 7]],
    ]);
    expect(taken).toEqual([true, true, true, true, false, false]);
    expect(stopped).toBe(true);
    expect(most).toBe(1);
  });

  it("keeps a held connector's records, in order, and goes on with the others' (found in review)", async () => {
    const records = [
      { credentials: a, entries: [entry(1)] },
      { credentials: b, entries: [entry(2)] },
      { credentials: a, entries: [entry(3)] },
      { credentials: b, entries: [entry(4)] },
    ];
    const writes: [string, number[]][] = [];
    const held = new Set<string>();
    const { taken, stopped } = await offerInOrder(
      records,
      async (credentials, entries) => {
        writes.push([credentials.id, entries.map((one) => numberOf([one]))]);
        if (credentials.id === a.id) throw new ConnectorHeld("a late write of a is in flight");
      },
      { held },
    );
    // a is offered once; its later record is not offered at all, so it cannot overtake.
    expect(writes).toEqual([
      [a.id, [1]],
      [b.id, [2]],
      [b.id, [4]],
    ]);
    expect(taken).toEqual([false, true, false, true]);
    expect(stopped).toBe(false);
    expect([...held]).toEqual([a.id]);
  });
});
