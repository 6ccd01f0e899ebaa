// A job that meets a transient failure (Hull or Intercom down, a 5xx, a rate limit) is queued
// again from its checkpoint instead of failing, for up to a day (docs/adr/025); anything else
// still fails it. Both queues: the embedded one and BullMQ on Redis.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBullJobRunner } from "../../../server/jobs/bull-job-runner";
import {
  executeJob,
  retryDelayMs,
  RETRY_WINDOW_MS,
  type JobHandler,
} from "../../../server/jobs/execute-job";
import { createFileJobStore, type JobStore } from "../../../server/jobs/file-job-store";
import { createJobRunner, type JobRunner } from "../../../server/jobs/job-runner";
import type { JobKind, StoredJob } from "../../../server/jobs/types";
import { BadRequestError, RedisUnavailableError, RetryableError } from "../../../server/errors";
import { createLogger } from "../../../server/log";
import { waitUntil } from "../../helpers/wait";

const logger = createLogger("silent");
const credentials = { id: "c1", organization: "org.hullapp.io", secret: "connector-secret" };
let dir: string;
let store: JobStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "job-retries-"));
  store = createFileJobStore(dir, "app-secret");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const job = (overrides: Partial<StoredJob> = {}): StoredJob => ({
  id: "j1",
  connectorId: "c1",
  kind: "send-extract",
  mode: "full",
  state: "queued",
  params: { url: "https://hull.example/extract.json" },
  checkpoint: {},
  progress: { fetched: 0, errors: 0 },
  credentials,
  ...overrides,
});

/** Handlers for every kind: `send-extract` runs `handler`, the rest never run here. */
const handlers = (handler: JobHandler) =>
  ({
    "send-extract": handler,
    "send-account-extract": handler,
    "fetch-users": handler,
    "fetch-leads": handler,
    "fetch-companies": handler,
  }) satisfies Record<JobKind, JobHandler>;

/**
 * A handler that checkpoints ten more lines (unless `progress` is false), then throws each of
 * `failures` in turn, then succeeds.
 */
function flaky(failures: Error[], { progress = true } = {}) {
  const seen: { lines: unknown; attempt: number }[] = [];
  const handler: JobHandler = async (running, control) => {
    seen.push({ lines: running.checkpoint.lines, attempt: seen.length });
    if (progress) await control.checkpoint({ checkpoint: { lines: seen.length * 10 } });
    const failure = failures.shift();
    if (failure) throw failure;
  };
  return { handler, seen };
}

const run = (stored: StoredJob, handler: JobHandler, now = new Date()) =>
  executeJob(stored, {
    store,
    handlers: handlers(handler),
    logger,
    signal: new AbortController().signal,
    now: () => now,
  });

describe("executeJob after a failure", () => {
  it("queues the job again after a RetryableError, with the try counted and a time to run", async () => {
    const stored = job();
    const now = new Date("2026-12-01T10:00:00Z");
    const outcome = await run(
      stored,
      flaky([new RetryableError("Hull answered 503")]).handler,
      now,
    );
    expect(outcome).toBe("retry");
    const saved = (await store.get("j1"))!;
    expect(saved.state).toBe("queued");
    expect(saved.error).toBe("Hull answered 503");
    expect(saved.checkpoint).toEqual({ lines: 10 });
    expect(saved.retry).toEqual({
      attempts: 1,
      since: now.toISOString(),
      at: new Date(now.getTime() + 5000).toISOString(),
    });
  });

  it("waits as long as the failure asked when that is longer (a rate limit's reset)", async () => {
    const now = new Date("2026-12-01T10:00:00Z");
    const stored = job();
    await run(stored, flaky([new RetryableError("rate limit", 60_000)]).handler, now);
    expect(stored.retry?.at).toBe(new Date(now.getTime() + 60_000).toISOString());
  });

  it("fails the job at once for an error no retry mends", async () => {
    const stored = job();
    const outcome = await run(stored, flaky([new BadRequestError("Hull answered 403")]).handler);
    expect(outcome).toBe("failed");
    expect((await store.get("j1"))!).toMatchObject({ state: "failed", error: "Hull answered 403" });
    expect((await store.get("j1"))!.retry).toBeUndefined();
  });

  it("fails the job once a day has passed since its first transient failure", async () => {
    const since = new Date("2026-12-01T10:00:00Z");
    const stored = job({
      retry: { attempts: 90, since: since.toISOString(), at: since.toISOString() },
    });
    const later = new Date(since.getTime() + RETRY_WINDOW_MS);
    const noProgress = flaky([new RetryableError("still down")], { progress: false }).handler;
    const outcome = await run(stored, noProgress, later);
    expect(outcome).toBe("failed");
    expect(stored.state).toBe("failed");
  });

  it("starts a new window after progress: a long job is not failed for two blips a day apart", async () => {
    const since = new Date("2026-12-01T10:00:00Z");
    const stored = job({
      retry: { attempts: 7, since: since.toISOString(), at: since.toISOString() },
    });
    const later = new Date(since.getTime() + RETRY_WINDOW_MS + 3600_000);
    // The try checkpoints (the outage was over), then meets another one.
    const outcome = await run(stored, flaky([new RetryableError("down again")]).handler, later);
    expect(outcome).toBe("retry");
    expect(stored.retry).toMatchObject({ attempts: 1, since: later.toISOString() });
  });

  it("keeps counting while no try makes progress, and clears the retry once the job is done", async () => {
    const since = new Date("2026-12-01T10:00:00Z");
    const stored = job({
      retry: { attempts: 2, since: since.toISOString(), at: since.toISOString() },
    });
    const now = new Date(since.getTime() + 60_000);
    await run(stored, flaky([new RetryableError("again")], { progress: false }).handler, now);
    expect(stored.retry).toMatchObject({ attempts: 3, since: since.toISOString() });
    expect(stored.retry!.at).toBe(new Date(now.getTime() + 20_000).toISOString());
    expect(await run(stored, flaky([]).handler, now)).toBe("done");
    expect(stored.retry).toBeUndefined();
    expect(stored.error).toBeUndefined();
  });
});

describe("executeJob and its job store", () => {
  it("takes a checkpoint the store refuses as a transient failure: the job tries again", async () => {
    const stored = job();
    const refusing = refusingStore(store, [2]);
    const outcome = await executeJob(stored, {
      store: refusing,
      handlers: handlers(flaky([]).handler),
      logger,
      signal: new AbortController().signal,
    });
    expect(outcome).toBe("retry");
    expect((await store.get("j1"))!).toMatchObject({ state: "queued", retry: { attempts: 1 } });
    expect(stored.error).toMatch(/checkpoint could not be saved: ENOSPC/);
  });

  it("tells onEnd the outcome it decided and saved, with the error, once", async () => {
    const ends: [string, unknown][] = [];
    const options = (now: Date) => ({
      store,
      handlers: handlers(flaky([new RetryableError("Hull answered 503")]).handler),
      logger,
      signal: new AbortController().signal,
      now: () => now,
      onEnd: (_job: StoredJob, outcome: string, error?: unknown) =>
        void ends.push([outcome, (error as Error | undefined)?.message]),
    });
    const since = new Date("2026-12-01T10:00:00Z");
    expect(await executeJob(job(), options(since))).toBe("retry");
    // The same error past the window: failed, and onEnd is told failed, not "will go on".
    const old = job({
      retry: { attempts: 90, since: since.toISOString(), at: since.toISOString() },
    });
    const later = new Date(since.getTime() + RETRY_WINDOW_MS);
    const noProgress = {
      ...options(later),
      handlers: handlers(
        flaky([new RetryableError("Hull answered 503")], { progress: false }).handler,
      ),
    };
    expect(await executeJob(old, noProgress)).toBe("failed");
    expect(
      await executeJob(job({ id: "j2" }), {
        ...options(since),
        handlers: handlers(flaky([]).handler),
      }),
    ).toBe("done");
    expect(ends).toEqual([
      ["retry", "Hull answered 503"],
      ["failed", "Hull answered 503"],
      ["done", undefined],
    ]);
  });
});

describe("retryDelayMs", () => {
  it("doubles from 5 s, takes a longer wait the failure asks for, and stops at 15 minutes", () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts))).toEqual([
      5000, 10_000, 20_000, 40_000,
    ]);
    expect(retryDelayMs(30)).toBe(15 * 60_000);
    expect(retryDelayMs(1, 90_000)).toBe(90_000);
    expect(retryDelayMs(1, 10 * 24 * 3600 * 1000)).toBe(15 * 60_000);
  });
});

/** What both queues must do with a job that fails twice, transiently, then succeeds. */
function retriesUntilDone(start: (handler: JobHandler) => Promise<JobRunner>) {
  it("runs it again from its checkpoint until it is done", async () => {
    const { handler, seen } = flaky([
      new RetryableError("Intercom answered 503"),
      new RetryableError("Hull is unreachable"),
    ]);
    const runner = await start(handler);
    try {
      const { job: started } = await runner.start(credentials, {
        kind: "send-extract",
        mode: "full",
        params: { url: "https://hull.example/extract.json" },
      });
      await waitUntil(async () => (await store.get(started.id))?.state === "done", {
        what: "the job to be done",
      });
      // Each try resumed from the checkpoint the one before it saved.
      expect(seen.map((entry) => entry.lines)).toEqual([undefined, 10, 20]);
      expect((await store.get(started.id))!.retry).toBeUndefined();
    } finally {
      await runner.stop();
    }
  });

  it("still fails it for an error no retry mends", async () => {
    const { handler, seen } = flaky([new BadRequestError("Hull answered 404")]);
    const runner = await start(handler);
    try {
      const { job: started } = await runner.start(credentials, {
        kind: "send-extract",
        mode: "full",
      });
      await waitUntil(async () => (await store.get(started.id))?.state === "failed", {
        what: "the job to fail",
      });
      expect(seen).toHaveLength(1);
    } finally {
      await runner.stop();
    }
  });
}

/**
 * A job store that refuses the saves numbered in `refused` (1 is the first save through it) with
 * the error a full disk gives, and passes every other one to `inner`.
 */
function refusingStore(inner: JobStore, refused: number[]): JobStore {
  let saves = 0;
  return {
    ...inner,
    save(saved) {
      saves += 1;
      if (!refused.includes(saves)) return inner.save(saved);
      const error = new Error("ENOSPC: no space left on device, write");
      return Promise.reject(Object.assign(error, { code: "ENOSPC" }));
    },
  };
}

/** What both queues must do when their job store refuses a job's state for a while. */
function survivesStoreRefusals(
  start: (handler: JobHandler, store: JobStore) => Promise<JobRunner>,
) {
  it("runs a job whose start the store refused once it takes writes again", async () => {
    const { handler, seen } = flaky([]);
    // Save 1 is the request's (start), save 2 the run's "running": refused twice in a row.
    const runner = await start(handler, refusingStore(store, [2, 3]));
    try {
      const { job: started } = await runner.start(credentials, {
        kind: "send-extract",
        mode: "full",
      });
      await waitUntil(async () => (await store.get(started.id))?.state === "done", {
        what: "the job to be done once the store takes writes",
      });
      expect(seen).toHaveLength(1);
    } finally {
      await runner.stop();
    }
  });
}

describe("the embedded queue", () => {
  retriesUntilDone(async (handler) =>
    createJobRunner({ store, handlers: handlers(handler), logger, retryDelayMs: () => 20 }),
  );
  survivesStoreRefusals(async (handler, refusing) =>
    createJobRunner({
      store: refusing,
      handlers: handlers(handler),
      logger,
      retryDelayMs: () => 20,
    }),
  );

  it("saves again an outcome the store refused, without doing the job's work again", async () => {
    const { handler, seen } = flaky([]);
    const ends: string[] = [];
    // Saves: 1 start, 2 running, 3 the checkpoint, 4 the outcome (refused), 5 the outcome again.
    const runner = createJobRunner({
      store: refusingStore(store, [4]),
      handlers: handlers(handler),
      logger,
      retryDelayMs: () => 20,
      onEnd: (_job, outcome) => void ends.push(outcome),
    });
    try {
      const { job: started } = await runner.start(credentials, {
        kind: "send-extract",
        mode: "full",
      });
      await waitUntil(async () => (await store.get(started.id))?.state === "done", {
        what: "the job's outcome to be saved",
      });
      expect(seen).toHaveLength(1);
      await waitUntil(async () => ends.length > 0, { what: "onEnd to be told" });
      expect(ends).toEqual(["done"]);
      // Ended, so a new job of its kind may start.
      const next = await runner.start(credentials, { kind: "fetch-users", mode: "full" });
      expect(next.started).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it("runs a job left waiting for its next try by an earlier process when the time comes", async () => {
    const at = new Date(Date.now() + 200).toISOString();
    await store.save(
      job({ retry: { attempts: 1, since: new Date().toISOString(), at }, error: "Hull is down" }),
    );
    const { handler, seen } = flaky([]);
    const runner = createJobRunner({ store, handlers: handlers(handler), logger });
    try {
      expect(await runner.resumeUnfinished()).toBe(1);
      // Resuming twice does not run it twice.
      expect(await runner.resumeUnfinished()).toBe(0);
      await waitUntil(async () => (await store.get("j1"))?.state === "done", {
        what: "the job to be done",
      });
      expect(seen).toHaveLength(1);
    } finally {
      await runner.stop();
    }
  });

  it("does not run a job left waiting by an earlier process before its time", async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    await store.save(
      job({ id: "later", retry: { attempts: 1, since: new Date().toISOString(), at } }),
    );
    // A job with no retry pending, resumed in the same call: it runs at once, through the same
    // steps the waiting one would take if it were run at once too.
    await store.save(job({ id: "now" }));
    const ran: string[] = [];
    const runner = createJobRunner({
      store,
      handlers: handlers(async (running) => void ran.push(running.id)),
      logger,
    });
    try {
      expect(await runner.resumeUnfinished()).toBe(2);
      await waitUntil(async () => (await store.get("now"))?.state === "done", {
        what: "the job without a pending retry to be done",
      });
      expect(ran).toEqual(["now"]);
      expect((await store.get("later"))!.state).toBe("queued");
    } finally {
      await runner.stop();
    }
  });

  it("leaves a job waiting for its next try queued when the process stops", async () => {
    const { handler } = flaky([new RetryableError("Hull answered 502")]);
    const runner = createJobRunner({
      store,
      handlers: handlers(handler),
      logger,
      retryDelayMs: () => 3_600_000,
    });
    const { job: started } = await runner.start(credentials, {
      kind: "send-extract",
      mode: "full",
    });
    await waitUntil(async () => (await store.get(started.id))?.retry !== undefined, {
      what: "the job to wait for its next try",
    });
    await runner.stop();
    expect((await store.get(started.id))!).toMatchObject({
      state: "queued",
      error: "Hull answered 502",
    });
  });
});

describe("the BullMQ queue (Redis)", () => {
  const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const prefix = `test-job-retries-${process.pid}-${Date.now()}`;
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(() => redis.quit());

  retriesUntilDone((handler) =>
    createBullJobRunner({
      redis,
      prefix,
      store,
      handlers: handlers(handler),
      logger,
      retryDelayMs: () => 20,
    }),
  );
  survivesStoreRefusals((handler, refusing) =>
    createBullJobRunner({
      redis,
      prefix,
      store: refusing,
      handlers: handlers(handler),
      logger,
      retryDelayMs: () => 20,
    }),
  );

  it("leaves no job behind when its start fails after the store carried out the save", async () => {
    // A stalled Redis that runs the save after the caller was told it failed (docs/adr/029): the
    // request is answered 503 and Hull retries, so a record left "queued" would be a ghost.
    const late: JobStore = {
      ...store,
      async save(saved) {
        await store.save(saved);
        throw new RedisUnavailableError(new Error("Command timed out"));
      },
    };
    const runner = await createBullJobRunner({
      redis,
      prefix,
      store: late,
      handlers: handlers(flaky([]).handler),
      logger,
    });
    try {
      await expect(
        runner.start(credentials, { kind: "send-extract", mode: "full" }),
      ).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(await store.list("c1")).toEqual([]);
    } finally {
      await runner.stop();
    }
  });

  it("queues anew, at its time, a job the store holds as unfinished but the queue lost", async () => {
    // As after a Redis error while the job was moved to the delayed set: stored, not queued.
    const past = new Date(Date.now() - 1000).toISOString();
    await store.save(
      job({ retry: { attempts: 1, since: past, at: past }, checkpoint: { lines: 10 } }),
    );
    const { handler, seen } = flaky([]);
    const runner = await createBullJobRunner({
      redis,
      prefix,
      store,
      handlers: handlers(handler),
      logger,
    });
    try {
      expect(await runner.resumeUnfinished()).toBe(1);
      await waitUntil(async () => (await store.get("j1"))?.state === "done", {
        what: "the lost job to be done",
      });
      expect(seen.map((entry) => entry.lines)).toEqual([10]);
      // Nothing is left to queue anew once it has ended.
      expect(await runner.resumeUnfinished()).toBe(0);
    } finally {
      await runner.stop();
    }
  });
});
