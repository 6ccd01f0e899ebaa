// Kind: the file outbox's per-connector count drifts below what waits. Found in review
// (2026-12-01): records were uncounted before the draining file's rewrite, so a failed rewrite
// uncounted them twice, and a connector with a record still kept was let past it.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
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
    await outbox.append(CREDENTIALS, [numbered(3)]); // a newer notification, kept
    // Hull is back: the next drain delivers the draining file (1 and 2). 3 still waits.
    await outbox.drain(async () => undefined);
    expect(await outbox.size()).toBe(1);
    expect(await outbox.holds(CREDENTIALS.id)).toBe(true);
  });
});
