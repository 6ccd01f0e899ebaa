import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { decrypt, deriveKey, encrypt } from "../crypto";
import { createJournal, openJournalFile, readJournal, sealLine, type OpenJournal } from "./journal";
import type { Outbox, OutboxRecord } from "./outbox";

type Line = { org: string; id: string; sealed: string; entries: OutboxRecord["entries"] };

export interface FileOutboxOptions {
  /** How the journal file is opened (tests pass one that fails mid-write, as a full disk does). */
  openJournal?: OpenJournal;
  /** Told when damaged lines (a torn write, another SECRET) were left out of a read. */
  onDamaged?: (count: number) => void;
}

/**
 * The embedded default: an append-only journal under DATA_DIR (`journal.ts`: one checksummed line
 * per record, synced before an append resolves, a failed append cut back so it never tears the
 * records after it). A drain renames the journal first, between appends, so appends never wait for
 * Hull; a crash during a drain leaves the renamed file, which the next drain picks up
 * (at-least-once; Hull de-duplicates events by event_id and attribute writes are idempotent).
 */
export function createFileOutbox(
  dataDir: string,
  secret: string,
  options: FileOutboxOptions = {},
): Outbox {
  const journal = createJournal(
    join(dataDir, "outbox.jsonl"),
    options.openJournal ?? openJournalFile,
  );
  const draining = join(dataDir, "outbox.draining.jsonl");
  const key = deriveKey(secret, "outbox");
  let drainingNow: Promise<number> | undefined;

  const toLine = ({ credentials, entries }: OutboxRecord) =>
    sealLine({
      org: credentials.organization,
      id: credentials.id,
      sealed: encrypt(key, credentials.secret),
      entries,
    } satisfies Line);

  async function readRecords(file: string): Promise<OutboxRecord[]> {
    const { records, damaged } = await readJournal(file);
    let unreadable = damaged;
    const read = records.flatMap((record) => {
      const line = record as Line;
      try {
        const credentials = {
          organization: line.org,
          id: line.id,
          secret: decrypt(key, line.sealed),
        };
        return [{ credentials, entries: line.entries }];
      } catch {
        unreadable += 1; // sealed with another SECRET: nobody can deliver it
        return [];
      }
    });
    if (unreadable > 0) options.onDamaged?.(unreadable);
    return read;
  }

  async function drainOnce(write: Parameters<Outbox["drain"]>[0]): Promise<number> {
    let records = await readRecords(draining);
    if (records.length === 0) {
      await journal.exclusive(() =>
        rename(journal.path, draining).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        }),
      );
      records = await readRecords(draining);
    }
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
    if (kept.length > 0) await journal.append(kept.map(toLine).join(""));
    await rm(draining, { force: true });
    return delivered;
  }

  return {
    append: (credentials, entries) => journal.append(toLine({ credentials, entries })),
    drain(write) {
      drainingNow ??= drainOnce(write).finally(() => (drainingNow = undefined));
      return drainingNow;
    },
    async size() {
      await journal.settled();
      return (await readRecords(journal.path)).length + (await readRecords(draining)).length;
    },
  };
}
