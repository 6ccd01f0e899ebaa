// Kind: the file outbox's per-connector counts (what `holds` answers, ADR 026) stuck on one
// failed read. Found in review (2026-12-01): a cached rejected read made every later holds(),
// append() and drain() fail until a restart, and a drain wrote the same records on every tick.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { createFileOutbox } from "../../../server/durable/file-outbox";
import { CREDENTIALS } from "../../helpers/fakes";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
const entry: FirehoseEntry = {
  type: "traits",
  claims: { email: "a@x.io" },
  body: { "intercom/n": 1 },
};

describe("the file outbox after one failed read of its counts", () => {
  it("recovers once the file system does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "outbox-sticky-"));
    dirs.push(dir);
    const draining = join(dir, "outbox.draining.jsonl");
    await mkdir(draining); // a read of it fails (EISDIR) — a stand-in for any transient read error
    const outbox = createFileOutbox(dir, "a-long-enough-secret-for-the-test");
    await expect(outbox.holds(CREDENTIALS.id)).rejects.toThrow();
    await rm(draining, { recursive: true }); // the file system is fine again

    // The file system is fine again, and so is the outbox.
    expect(await outbox.holds(CREDENTIALS.id)).toBe(false);
    await outbox.append(CREDENTIALS, [entry]);
    const written: number[] = [];
    expect(await outbox.drain(async () => void written.push(1))).toBe(1);
    expect(await outbox.size()).toBe(0);
  });

  it("does not write the same records to Hull on every drain after that failed read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "outbox-sticky-"));
    dirs.push(dir);
    const draining = join(dir, "outbox.draining.jsonl");
    const outbox = createFileOutbox(dir, "a-long-enough-secret-for-the-test");
    await mkdir(draining);
    await expect(outbox.holds(CREDENTIALS.id)).rejects.toThrow(); // one transient failure
    await rm(draining, { recursive: true });
    // A record kept by another process (or before the failure) over the same files.
    await createFileOutbox(dir, "a-long-enough-secret-for-the-test").append(CREDENTIALS, [entry]);

    let writes = 0;
    for (let drain = 0; drain < 3; drain++)
      await outbox.drain(async () => void writes++).catch(() => undefined);
    // Hull took the record on the first drain; it must not be written again on every drain.
    expect(writes).toBe(1);
  });
});
