import { appendFile, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { createFileOutbox } from "../../../server/durable/file-outbox";
import type { JournalHandle, OpenJournal } from "../../../server/durable/journal";

/**
 * Opens the real journal file, but while `space.left` is set an append writes only that many
 * bytes and then fails with ENOSPC, as a full disk does: a real torn line is left on disk.
 */
function diskWithSpace(space: { left?: number; cutFails?: boolean }): OpenJournal {
  return async (path) => {
    const handle = await open(path, "a+", 0o600);
    const limited: JournalHandle = {
      stat: () => handle.stat(),
      read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
      sync: () => handle.sync(),
      close: () => handle.close(),
      async truncate(length) {
        if (space.cutFails) throw Object.assign(new Error("EIO: i/o error"), { code: "EIO" });
        await handle.truncate(length);
      },
      async appendFile(data) {
        if (space.left === undefined) return handle.appendFile(data);
        await handle.appendFile(Buffer.from(data).subarray(0, space.left));
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
        });
      },
    };
    return limited;
  };
}

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret",
};
const entry = (email: string): FirehoseEntry => ({
  type: "traits",
  claims: { email },
  body: { "intercom/email": email },
});

describe("createFileOutbox(dataDir, secret)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "outbox-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("keeps appended records across a restart and hands them over in order", async () => {
    await createFileOutbox(dir, "a-long-enough-secret").append(credentials, [entry("a@x.io")]);
    await createFileOutbox(dir, "a-long-enough-secret").append(credentials, [
      entry("b@x.io"),
      entry("c@x.io"),
    ]);
    const seen: string[] = [];
    const delivered = await createFileOutbox(dir, "a-long-enough-secret").drain(
      async (creds, entries) => {
        expect(creds).toEqual(credentials);
        seen.push(...entries.map((e) => e.claims.email!));
      },
    );
    expect(delivered).toBe(3);
    expect(seen).toEqual(["a@x.io", "b@x.io", "c@x.io"]);
    expect(await createFileOutbox(dir, "a-long-enough-secret").size()).toBe(0);
  });

  it("keeps what Hull refused for the next drain", async () => {
    const outbox = createFileOutbox(dir, "a-long-enough-secret");
    await outbox.append(credentials, [entry("a@x.io")]);
    await outbox.append(credentials, [entry("b@x.io")]);
    expect(await outbox.drain(async () => Promise.reject(new Error("Hull is down")))).toBe(0);
    expect(await outbox.size()).toBe(2);
    expect(await outbox.drain(async () => undefined)).toBe(2);
    expect(await outbox.size()).toBe(0);
  });

  it("keeps what Hull could not take ahead of what was appended during the drain, so an older value never lands last", async () => {
    const outbox = createFileOutbox(dir, "a-long-enough-secret");
    await outbox.append(credentials, [entry("old@x.io")]);
    await outbox.drain(async () => {
      // A newer webhook for the same person is kept while Hull refuses the older one.
      await outbox.append(credentials, [entry("new@x.io")]);
      throw new Error("Hull is down");
    });
    const seen: string[] = [];
    for (let drains = 0; drains < 3 && (await outbox.size()) > 0; drains++)
      await outbox.drain(async (_creds, entries) => {
        seen.push(...entries.map((e) => e.claims.email!));
      });
    expect(seen).toEqual(["old@x.io", "new@x.io"]);
    expect(await outbox.size()).toBe(0);
  });

  it("picks up a drain a crash interrupted", async () => {
    const outbox = createFileOutbox(dir, "a-long-enough-secret");
    await outbox.append(credentials, [entry("a@x.io")]);
    const line = await readFile(join(dir, "outbox.jsonl"), "utf8");
    await rm(join(dir, "outbox.jsonl"));
    await writeFile(join(dir, "outbox.draining.jsonl"), `${line}{"torn`);
    expect(await createFileOutbox(dir, "a-long-enough-secret").drain(async () => undefined)).toBe(
      1,
    );
  });

  it("cuts a torn append back, so the records appended after space returns are all delivered (issue 16, finding 1)", async () => {
    const space: { left?: number } = {};
    const outbox = createFileOutbox(dir, "a-long-enough-secret", {
      openJournal: diskWithSpace(space),
    });
    await outbox.append(credentials, [entry("before@x.io")]);
    space.left = 40; // the disk fills up in the middle of the next record
    await expect(outbox.append(credentials, [entry("torn@x.io")])).rejects.toThrow(/ENOSPC/);
    space.left = undefined; // space returns
    await outbox.append(credentials, [entry("after-1@x.io")]);
    await outbox.append(credentials, [entry("after-2@x.io")]);
    const seen: string[] = [];
    await createFileOutbox(dir, "a-long-enough-secret").drain(async (_creds, entries) => {
      seen.push(...entries.map((e) => e.claims.email!));
    });
    expect(seen).toEqual(["before@x.io", "after-1@x.io", "after-2@x.io"]);
  });

  it("cuts a torn tail it could not cut at once (or a crash left) before the next append", async () => {
    const space: { left?: number; cutFails?: boolean } = { left: 25, cutFails: true };
    const outbox = createFileOutbox(dir, "a-long-enough-secret", {
      openJournal: diskWithSpace(space),
    });
    await expect(outbox.append(credentials, [entry("torn@x.io")])).rejects.toThrow(/ENOSPC/);
    const torn = await readFile(join(dir, "outbox.jsonl"), "utf8");
    expect(torn.length).toBe(25); // a real partial line on disk
    space.left = undefined;
    space.cutFails = false;
    await outbox.append(credentials, [entry("after@x.io")]);
    const seen: string[] = [];
    await outbox.drain(async (_creds, entries) => {
      seen.push(...entries.map((e) => e.claims.email!));
    });
    expect(seen).toEqual(["after@x.io"]);
  });

  it("checks every line's checksum: a damaged line is left out, the good lines after it are kept", async () => {
    const damaged: number[] = [];
    const outbox = createFileOutbox(dir, "a-long-enough-secret", {
      onDamaged: (count) => damaged.push(count),
    });
    await outbox.append(credentials, [entry("a@x.io")]);
    const file = join(dir, "outbox.jsonl");
    const line = await readFile(file, "utf8");
    await appendFile(file, line.replace("a@x.io", "z@x.io")); // same shape, wrong checksum
    await appendFile(file, `{"not":"a record"}\n`);
    await outbox.append(credentials, [entry("b@x.io")]);
    const seen: string[] = [];
    await outbox.drain(async (_creds, entries) => {
      seen.push(...entries.map((e) => e.claims.email!));
    });
    expect(seen).toEqual(["a@x.io", "b@x.io"]);
    expect(damaged).toEqual([2]);
  });

  it("stores the connector secret encrypted", async () => {
    await createFileOutbox(dir, "a-long-enough-secret").append(credentials, [entry("a@x.io")]);
    expect(await readFile(join(dir, "outbox.jsonl"), "utf8")).not.toContain(credentials.secret);
  });
});
