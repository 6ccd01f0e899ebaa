// The file job store: what a save promises (on disk when it resolves), with saves that arrive
// during a write sharing the next write (the bench's fetch profile: one rewrite per page).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileJobStore } from "../../../server/jobs/file-job-store";
import type { StoredJob } from "../../../server/jobs/types";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "job-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const job = (id: string, overrides: Partial<StoredJob> = {}): StoredJob => ({
  id,
  connectorId: "c1",
  kind: "fetch-users",
  mode: "full",
  state: "running",
  params: {},
  checkpoint: {},
  progress: { fetched: 0, errors: 0 },
  credentials: { id: "c1", organization: "org.hullapp.io", secret: "connector-secret" },
  ...overrides,
});

const onDisk = () =>
  JSON.parse(readFileSync(join(dir, "jobs.json"), "utf8")) as {
    id: string;
    checkpoint: { page?: number };
    credentials: Record<string, string>;
  }[];

describe("createFileJobStore(dataDir, secret)", () => {
  it("keeps jobs across processes with the connector secret sealed, and unreadable under another SECRET", async () => {
    await createFileJobStore(dir, "app-secret").save(job("j1", { checkpoint: { cursor: "abc" } }));
    const raw = readFileSync(join(dir, "jobs.json"), "utf8");
    expect(raw).not.toContain("connector-secret");
    const again = await createFileJobStore(dir, "app-secret").get("j1");
    expect(again).toMatchObject({
      checkpoint: { cursor: "abc" },
      credentials: { secret: "connector-secret" },
    });
    expect(await createFileJobStore(dir, "another-secret").get("j1")).toBeUndefined();
  });

  it("has every save on disk when it resolves, even when saves arrive faster than files are written", async () => {
    const store = createFileJobStore(dir, "app-secret");
    const saves = Array.from({ length: 40 }, (_, page) =>
      store.save(job("j1", { checkpoint: { page } })),
    );
    for (const [page, save] of saves.entries()) {
      await save;
      expect(onDisk()[0]!.checkpoint.page).toBeGreaterThanOrEqual(page);
    }
    expect(onDisk()[0]!.checkpoint.page).toBe(39);
    expect((await createFileJobStore(dir, "app-secret").get("j1"))!.checkpoint).toEqual({
      page: 39,
    });
  });

  it("seals a secret again when a job's credentials change, and forgets removed jobs", async () => {
    const store = createFileJobStore(dir, "app-secret");
    await store.save(job("j1"));
    const first = onDisk()[0]!.credentials.sealedSecret;
    await store.save(job("j1", { checkpoint: { page: 1 } }));
    expect(onDisk()[0]!.credentials.sealedSecret).toBe(first);
    await store.save(
      job("j1", { credentials: { id: "c1", organization: "org.hullapp.io", secret: "rotated" } }),
    );
    expect(onDisk()[0]!.credentials.sealedSecret).not.toBe(first);
    expect((await createFileJobStore(dir, "app-secret").get("j1"))!.credentials.secret).toBe(
      "rotated",
    );
    await store.remove("j1");
    expect(onDisk()).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it("reads its own saves at once and keeps the last finished jobs per connector", async () => {
    const store = createFileJobStore(dir, "app-secret", 2);
    const saves = [store.save(job("running"))];
    for (const day of [1, 2, 3])
      saves.push(
        store.save(job(`done-${day}`, { state: "done", finished_at: `2026-11-0${day}T00:00:00Z` })),
      );
    expect((await store.list("c1")).map((each) => each.id).sort()).toEqual([
      "done-2",
      "done-3",
      "running",
    ]);
    expect(await store.get("done-1")).toBeUndefined();
    await Promise.all(saves);
  });
});
