// The activity log (ADR 017) over both stores: the journal under DATA_DIR and Redis.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  MAX_BUFFERED_ENTRIES,
  MAX_ID,
  MAX_LIST,
  MAX_TEXT,
  createActivityLog,
  redactSecrets,
  type ActivityLog,
} from "../../../server/activity";
import type { ActivityStore, ActivityTier } from "../../../server/durable/activity-store";
import { createFileActivityStore } from "../../../server/durable/file-activity";
import { createRedis } from "../../../server/redis/redis-client";
import { createRedisActivityStore } from "../../../server/redis/redis-activity";
import { waitUntil } from "../../helpers/wait";

const HOUR = 3_600_000;
const redis = await createRedis("redis://127.0.0.1:6379");
const prefix = `test-activity-${randomBytes(6).toString("hex")}`;
const dirs: string[] = [];
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Bounds = Record<ActivityTier, number>;
interface Variant {
  name: string;
  /** A store; `reopen` gives one on the same data (a restart, another process). */
  open(bounds?: Bounds): { store: ActivityStore; reopen(): ActivityStore };
}

const variants: Variant[] = [
  {
    name: "file (DATA_DIR journal)",
    open(bounds) {
      const dir = mkdtempSync(join(tmpdir(), "activity-"));
      dirs.push(dir);
      return {
        store: createFileActivityStore(dir, { bounds }),
        reopen: () => createFileActivityStore(dir, { bounds }),
      };
    },
  },
  {
    name: "Redis",
    open(bounds) {
      const own = `${prefix}-${randomBytes(4).toString("hex")}`;
      return {
        store: createRedisActivityStore(redis, own, bounds),
        reopen: () => createRedisActivityStore(redis, own, bounds),
      };
    },
  },
];

/** A log on `store` whose clock is `clock.now` (ms). */
function logOn(store: ActivityStore, clock = { now: Date.parse("2027-03-01T12:00:00Z") }) {
  return { log: createActivityLog({ store, now: () => clock.now, batchMs: 1 }), clock };
}

const skipped = (log: ActivityLog, email: string, reason: string) =>
  log.record("c1", {
    kind: "user",
    outcome: "skipped",
    message: "User not sent to Intercom",
    person: { email, hull_id: `hull-${email}` },
    reason,
  });

describe.each(variants)("the activity log on the $name store", (variant) => {
  it("pages newest first with next_before until the last entry, none twice", async () => {
    const { log, clock } = logOn(variant.open().store);
    for (let index = 0; index < 25; index += 1) {
      clock.now += 1000;
      log.record("c1", { kind: "fetch", outcome: "ok", message: `fetch ${index}` });
    }
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await log.page("c1", { limit: 10, ...(before ? { before } : {}) });
      seen.push(...page.entries.map((entry) => entry.message));
      if (!page.next_before) break;
      before = page.next_before;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `fetch ${24 - index}`));
  });

  it("filters by kind and finds a person by email, Hull id or part of the reason", async () => {
    const { log } = logOn(variant.open().store);
    skipped(log, "ada@example.com", "not in a synchronized segment");
    skipped(log, "bob@example.com", "archived in Intercom (unarchive_contacts is off)");
    log.record("c1", { kind: "settings", outcome: "ok", message: "Settings changed: send_events" });
    log.record("c2", { kind: "settings", outcome: "ok", message: "another connector" });

    const byEmail = await log.page("c1", { q: "ADA@example" });
    expect(byEmail.entries.map((entry) => entry.reason)).toEqual(["not in a synchronized segment"]);
    expect((await log.page("c1", { q: "hull-bob@example.com" })).entries).toHaveLength(1);
    expect((await log.page("c1", { q: "archived" })).entries[0]?.person?.email).toBe(
      "bob@example.com",
    );
    const settings = await log.page("c1", { kind: "settings" });
    expect(settings.entries.map((entry) => entry.message)).toEqual([
      "Settings changed: send_events",
    ]);
    expect((await log.page("c1", { kind: "user" })).entries).toHaveLength(2);
  });

  it("keeps each tier to its bound, dropping the oldest, so a burst of users never drops a settings change", async () => {
    const { log, clock } = logOn(variant.open({ people: 20, runs: 5, setup: 5 }).store);
    log.record("c1", { kind: "settings", outcome: "ok", message: "Settings changed: alignment" });
    for (let index = 0; index < 60; index += 1) {
      clock.now += 10;
      skipped(log, `user${index}@example.com`, "no mapped attribute changed");
    }
    const users = await log.page("c1", { kind: "user", limit: 200 });
    expect(users.entries).toHaveLength(20);
    expect(users.entries[0]?.person?.email).toBe("user59@example.com");
    expect(users.entries.at(-1)?.person?.email).toBe("user40@example.com");
    expect((await log.page("c1", { kind: "settings" })).entries).toHaveLength(1);
    // Weeks of scheduled fetches do not push it out either.
    for (let index = 0; index < 30; index += 1) {
      clock.now += 10;
      log.record("c1", { kind: "fetch", outcome: "ok", message: `fetch ${index}` });
    }
    expect((await log.page("c1", { kind: "fetch", limit: 200 })).entries).toHaveLength(5);
    expect((await log.page("c1", { kind: "settings" })).entries).toHaveLength(1);
  });

  it("keeps a summary of many users with the runs, so the per-person entries after it cannot push it out", async () => {
    const { log, clock } = logOn(variant.open({ people: 20, runs: 5, setup: 5 }).store);
    log.record("c1", {
      kind: "user",
      outcome: "ok",
      message: "1200 users that waited for Intercom's rate budget went out",
    });
    for (let index = 0; index < 60; index += 1) {
      clock.now += 10;
      log.record("c1", {
        kind: "webhook",
        outcome: "ok",
        message: "Intercom contact.user.tag.created: written to Hull",
        person: { email: `user${index}@example.com` },
      });
    }
    const found = await log.page("c1", { kind: "user", q: "waited" });
    expect(found.entries.map((entry) => entry.message)).toEqual([
      "1200 users that waited for Intercom's rate budget went out",
    ]);
    expect((await log.page("c1", { kind: "webhook", limit: 200 })).entries).toHaveLength(20);
  });

  it("keeps entries and counters across a restart", async () => {
    const opened = variant.open();
    const first = logOn(opened.store);
    skipped(first.log, "kept@example.com", "not in a synchronized segment");
    first.log.count("c1", "outgoing.users.skipped", 3);
    await first.log.flush();

    const second = logOn(opened.reopen(), first.clock);
    expect((await second.log.page("c1", { q: "kept@example.com" })).entries).toHaveLength(1);
    expect((await second.log.snapshot("c1")).counters["outgoing.users.skipped"]).toBe(3);
  });

  it("counts over the last 24 hours, by the hour, not since the start", async () => {
    const { log, clock } = logOn(variant.open().store);
    log.count("c1", "users fetched", 100);
    await log.flush();
    clock.now += 5 * HOUR;
    log.count("c1", "users fetched", 20);
    expect((await log.snapshot("c1")).counters["users fetched"]).toBe(120);
    clock.now += 20 * HOUR;
    const later = await log.snapshot("c1");
    expect(later.window_hours).toBe(24);
    expect(later.counters["users fetched"]).toBe(20);
  });

  it("lists failures of the window as the overview's recent errors", async () => {
    const { log } = logOn(variant.open().store);
    log.error("c1", "Hull refused 1 record(s) from a webhook: bad email", "See the card.");
    log.record("c1", {
      kind: "user",
      outcome: "failed",
      message: "Intercom refused the user",
      reason: "contact: Intercom answered 400",
    });
    skipped(log, "quiet@example.com", "no mapped attribute changed");
    const { recent_errors } = await log.snapshot("c1");
    expect(recent_errors.map((entry) => entry.message)).toEqual([
      "Intercom refused the user: contact: Intercom answered 400",
      "Hull refused 1 record(s) from a webhook: bad email",
    ]);
  });
});

describe("createFileActivityStore(dataDir)", () => {
  it("rewrites its journal to what the bounds keep once it holds twice as much", async () => {
    const dir = mkdtempSync(join(tmpdir(), "activity-compact-"));
    dirs.push(dir);
    const bounds = { people: 10, runs: 2, setup: 2 };
    const { log } = logOn(createFileActivityStore(dir, { bounds }));
    for (let index = 0; index < 1500; index += 1) skipped(log, `u${index}@x.io`, "loop guard");
    await log.flush();
    const lines = readFileSync(join(dir, "activity.jsonl"), "utf8").trim().split("\n");
    expect(lines.length).toBeLessThan(1100);
    const again = logOn(createFileActivityStore(dir, { bounds }));
    const kept = await again.log.page("c1", { limit: 200 });
    expect(kept.entries).toHaveLength(10);
    expect(kept.entries[0]?.person?.email).toBe("u1499@x.io");
  });
});

describe("the size of an entry", () => {
  it("is bounded whatever a person's email, a refusal or the details hold, so the tiers bound the bytes", async () => {
    const { log } = logOn(createFileActivityStore(undefined));
    const huge = "x".repeat(1_000_000);
    log.record("c1", {
      kind: "user",
      outcome: "failed",
      message: huge,
      reason: huge,
      hint: huge,
      by: huge,
      person: { email: `${huge}@x.io`, hull_id: huge, intercom_id: huge, external_id: huge },
      details: { warnings: Array.from({ length: 10_000 }, () => huge), topic: huge },
    });
    const [entry] = (await log.page("c1", {})).entries;
    expect(JSON.stringify(entry).length).toBeLessThan(
      3 * MAX_TEXT + 6 * MAX_ID + MAX_LIST * (MAX_ID + 10) + 1000,
    );
    expect(entry!.reason!.endsWith("…")).toBe(true);
    expect(entry!.person!.email!.startsWith("xxx")).toBe(true);
    // A search by the start of a long email still finds it.
    expect((await log.page("c1", { q: "xxxx" })).entries).toHaveLength(1);
  });

  it("keeps short texts as they are", async () => {
    const { log } = logOn(createFileActivityStore(undefined));
    const entry = {
      kind: "settings" as const,
      outcome: "ok" as const,
      message: "Settings changed: synchronized_segments",
      by: "the dashboard",
      person: { email: "ada@example.com" },
      details: { fields: ["synchronized_segments"], count: 2, ok: true },
    };
    log.record("c1", entry);
    expect((await log.page("c1", {})).entries[0]).toMatchObject(entry);
  });
});

describe("redactSecrets(text)", () => {
  it.each([
    ["GET /admin?secret=abc123&ship=1 failed", "GET /admin?secret=[redacted]&ship=1 failed"],
    ["Authorization: Bearer dG9rOmFiYzEyMw==", "Authorization: Bearer [redacted]"],
    ["token dG9rOmFiYzEyMzQ1Njc4OTA= refused", "token [redacted token] refused"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part ok", "jwt [redacted token] ok"],
    [
      "More than 5 redirects from https://b.s3.amazonaws.com/e.json?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abcdef&X-Amz-Expires=3600",
      "More than 5 redirects from https://b.s3.amazonaws.com/e.json?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Expires=3600",
    ],
    ["GET /x?sig=abc123 failed", "GET /x?sig=[redacted] failed"],
    ["nothing secret here", "nothing secret here"],
  ])("%s", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it("applies to every recorded entry", async () => {
    const { log } = logOn(createFileActivityStore(undefined));
    log.error("c1", "Intercom said 401 for Bearer dG9rOnNlY3JldA==", "reconnect (token=abc)");
    const [entry] = (await log.page("c1", {})).entries;
    expect(JSON.stringify(entry)).not.toMatch(/dG9rOnNlY3JldA|abc\)/);
  });
});

describe("the activity log on a store slower than the records", () => {
  it("gathers what comes during a write into one next batch, bounded to the newest entries", async () => {
    const appended: number[] = [];
    let release: (() => void) | undefined;
    const store = createFileActivityStore(undefined);
    const slow: ActivityStore = {
      ...store,
      async append(connectorId, entries, counts, hour) {
        appended.push(entries.length);
        if (appended.length === 1) await new Promise<void>((resolve) => (release = resolve));
        await store.append(connectorId, entries, counts, hour);
      },
    };
    const log = createActivityLog({ store: slow, batchMs: 1 });
    const webhook = (index: number) =>
      log.record("c1", { kind: "webhook", outcome: "ok", message: `webhook ${index}` });
    webhook(0);
    await waitUntil(() => release, { what: "the first write in progress" });
    // The burst comes in slices with the event loop free between them, so timers do fire meanwhile.
    const burst = 2 * MAX_BUFFERED_ENTRIES;
    for (let index = 1; index <= burst; index += 1) {
      webhook(index);
      if (index % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    release!();
    await log.flush();
    expect(appended).toHaveLength(2);
    expect(appended[1]).toBeLessThanOrEqual(MAX_BUFFERED_ENTRIES * 1.25);
    const newest = await log.page("c1", { limit: 1 });
    expect(newest.entries[0]?.message).toBe(`webhook ${burst}`);
  });
});
