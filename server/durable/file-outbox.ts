import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { decrypt, deriveKey, encrypt } from "../crypto";
import type { Outbox, OutboxRecord } from "./outbox";

type Line = { org: string; id: string; sealed: string; entries: OutboxRecord["entries"] };

/**
 * The embedded default: an append-only JSON-lines journal under DATA_DIR, synced to disk before an
 * append resolves. A drain renames the journal first, so appends never wait for Hull; a crash during
 * a drain leaves the renamed file, which the next drain picks up (at-least-once; Hull de-duplicates
 * events by event_id and attribute writes are idempotent).
 */
export function createFileOutbox(dataDir: string, secret: string): Outbox {
  const journal = join(dataDir, "outbox.jsonl");
  const draining = join(dataDir, "outbox.draining.jsonl");
  const key = deriveKey(secret, "outbox");
  let appending: Promise<unknown> = Promise.resolve();
  let drainingNow: Promise<number> | undefined;

  const toLine = ({ credentials, entries }: OutboxRecord) =>
    `${JSON.stringify({ org: credentials.organization, id: credentials.id, sealed: encrypt(key, credentials.secret), entries } satisfies Line)}\n`;

  async function appendLines(text: string): Promise<void> {
    const next = appending.then(async () => {
      await mkdir(dataDir, { recursive: true });
      const handle = await open(journal, "a", 0o600);
      try {
        await handle.appendFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    appending = next.catch(() => undefined);
    return next;
  }

  async function readRecords(file: string): Promise<OutboxRecord[]> {
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });
    return text
      .split("\n")
      .filter(Boolean)
      .flatMap((line) => {
        try {
          const parsed = JSON.parse(line) as Line;
          return [
            {
              credentials: {
                organization: parsed.org,
                id: parsed.id,
                secret: decrypt(key, parsed.sealed),
              },
              entries: parsed.entries,
            },
          ];
        } catch {
          return []; // a torn last line from a crash, or another SECRET
        }
      });
  }

  async function drainOnce(write: Parameters<Outbox["drain"]>[0]): Promise<number> {
    await appending;
    const leftover = await readRecords(draining);
    if (leftover.length === 0) {
      await rename(journal, draining).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    }
    const records = leftover.length > 0 ? leftover : await readRecords(draining);
    let delivered = 0;
    const kept: OutboxRecord[] = [];
    for (const record of records) {
      if (kept.length > 0) {
        kept.push(record); // Hull is still down: keep the order, do not hammer it
        continue;
      }
      try {
        await write(record.credentials, record.entries);
        delivered += record.entries.length;
      } catch {
        kept.push(record);
      }
    }
    if (kept.length > 0) await appendLines(kept.map(toLine).join(""));
    await rm(draining, { force: true });
    return delivered;
  }

  return {
    append: (credentials, entries) => appendLines(toLine({ credentials, entries })),
    drain(write) {
      drainingNow ??= drainOnce(write).finally(() => (drainingNow = undefined));
      return drainingNow;
    },
    async size() {
      await appending;
      return (await readRecords(journal)).length + (await readRecords(draining)).length;
    },
  };
}
