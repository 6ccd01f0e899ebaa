import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { createFileOutbox } from "../../../server/durable/file-outbox";

// Issue 16, finding 1, on a real full filesystem: a 64 KB tmpfs mounted for this file (the tests
// run as root on this machine and in CI), filled to the last byte by another file.
const mountPoint = mkdtempSync(join(tmpdir(), "outbox-full-disk-"));
beforeAll(() => {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mountPoint]);
});
afterAll(() => {
  execFileSync("umount", ["-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret",
};
const entries = (email: string, count = 1): FirehoseEntry[] =>
  Array.from({ length: count }, (_, index) => ({
    type: "traits",
    claims: { email },
    body: { "intercom/email": email, "intercom/index": index },
  }));

function fillDisk(): string {
  const filler = join(mountPoint, "filler");
  const fd = openSync(filler, "w");
  try {
    for (const size of [16_384, 1024, 1]) {
      const chunk = Buffer.alloc(size, 0x41);
      for (;;) writeSync(fd, chunk);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe("the file outbox on a filesystem that fills up", () => {
  it("refuses the append the full disk tore, and loses nothing appended after space returns", async () => {
    const outbox = createFileOutbox(mountPoint, "a-long-enough-secret");
    await outbox.append(credentials, entries("before@x.io"));
    const filler = fillDisk();
    // Bigger than what is left of the journal's last page: the disk takes a part of it, then ENOSPC.
    await expect(outbox.append(credentials, entries("torn@x.io", 100))).rejects.toThrow(/ENOSPC/);
    rmSync(filler);
    await outbox.append(credentials, entries("after-1@x.io"));
    await outbox.append(credentials, entries("after-2@x.io"));
    expect((await readFile(join(mountPoint, "outbox.jsonl"), "utf8")).split("\n")).toHaveLength(4);

    const seen: string[] = [];
    await createFileOutbox(mountPoint, "a-long-enough-secret").drain(async (_creds, written) => {
      seen.push(...new Set(written.map((entry) => entry.claims.email!)));
    });
    expect(seen).toEqual(["before@x.io", "after-1@x.io", "after-2@x.io"]);
  });
});
