// Kind: the file outbox's per-connector count drifts below what waits. Found in review
// (2026-12-01): records were uncounted before the draining file's rewrite, so a failed rewrite
// uncounted them twice, and a connector with a record still kept was let past it.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { createFileOutbox } from "../../../server/durable/file-outbox";
import { CREDENTIALS } from "../../helpers/fakes";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
const numbered = (n: number): FirehoseEntry => ({
  type: "traits",
  claims: { email: "a@x.io" },
  body: { "intercom/n": n },
});
const numberOf = (entries: FirehoseEntry[]) =>
  Number((entries[0]!.body as Record<string, unknown>)["intercom/n"]);

describe("the file outbox's count after a failed rewrite", () => {
  it("still holds the connector while one of its records waits", async () => {
    const dir = await mkdtemp(join(tmpdir(), "outbox-rewrite-"));
    dirs.push(dir);
    const outbox = createFileOutbox(dir, "a-long-enough-secret-for-the-test");
    await outbox.append(CREDENTIALS, [numbered(1)]);
    await outbox.append(CREDENTIALS, [numbered(2)]);
    // The rewrite's temporary file cannot be made (stands in for ENOSPC).
    const temporary = join(dir, `outbox.draining.jsonl.${process.pid}.tmp`);
    await mkdir(temporary);
    // Hull fails the write holding 2; the rewrite keeping what it did not take fails.
    await expect(
      outbox.drain(async (_c, entries) => {
        if (entries.some((one) => numberOf([one]) === 2)) throw new Error("Hull is down");
      }),
    ).rejects.toThrow();
    await rm(temporary, { recursive: true });
    // 1 and 2 still wait in the draining file: the connector is held.
    expect(await outbox.size()).toBe(2);
    expect(await outbox.holds(CREDENTIALS.id)).toBe(true);
    await outbox.append(CREDENTIALS, [numbered(3)]); // a newer notification, kept
    expect(await outbox.holds(CREDENTIALS.id)).toBe(true);
    // Hull is back: the next drain delivers the draining file (1 and 2), then 3 behind them.
    const delivered: number[] = [];
    await outbox.drain(async (_c, entries) => {
      delivered.push(...entries.map((one) => numberOf([one])));
    });
    expect(delivered).toEqual([1, 2, 3]);
    expect(await outbox.size()).toBe(0);
    expect(await outbox.holds(CREDENTIALS.id)).toBe(false);
  });

  it("takes what the journal holds once, even after a crash between the merge and its removal", async () => {
    const dir = await mkdtemp(join(tmpdir(), "outbox-merge-"));
    dirs.push(dir);
    const outbox = createFileOutbox(dir, "a-long-enough-secret-for-the-test");
    await outbox.append(CREDENTIALS, [numbered(1)]);
    // Hull is down: 1 stays in the draining file.
    await outbox.drain(async () => {
      throw new Error("Hull is down");
    });
    await outbox.append(CREDENTIALS, [numbered(2)]);
    // A process died after moving the journal's text behind the draining file, before removing it.
    const drainingFile = join(dir, "outbox.draining.jsonl");
    const journalText = await readFile(join(dir, "outbox.jsonl"), "utf8");
    await writeFile(drainingFile, (await readFile(drainingFile, "utf8")) + journalText);
    const delivered: number[] = [];
    await createFileOutbox(dir, "a-long-enough-secret-for-the-test").drain(async (_c, entries) => {
      delivered.push(...entries.map((one) => numberOf([one])));
    });
    expect(delivered).toEqual([1, 2]);
  });
});
