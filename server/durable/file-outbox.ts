import { open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { decrypt, deriveKey, encrypt } from "../crypto";
import { createJournal, openJournalFile, readJournal, sealLine, type OpenJournal } from "./journal";
import { offerInOrder, type Outbox, type OutboxRecord } from "./outbox";

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
 * (at-least-once; Hull de-duplicates events by event_id and attribute writes are idempotent), and
 * what Hull did not take stays in it, ahead of the journal, so records reach Hull in order.
 * `append` rejects with the file system's error (a full disk) having kept nothing.
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
  /**
   * Records waiting per connector id, as the files hold them: read on first use, counted up by
   * each append, and read again after each drain (so a count can never drift from the files for
   * longer than a drain, whatever failed in between). A failed read is tried again next time.
   */
  let held: Promise<Map<string, number>> | undefined;
  /** Appends under way per connector id: held already, so a notification arriving meanwhile queues. */
  const appending = new Map<string, number>();
  const heldCounts = () => {
    held ??= (async () => {
      const counts = new Map<string, number>();
      await journal.settled();
      for (const file of [draining, journal.path])
        for (const { credentials } of await readRecords(file, false))
          count(counts, credentials.id, 1);
      return counts;
    })();
    const reading = held;
    reading.catch(() => {
      if (held === reading) held = undefined;
    });
    return reading;
  };
  const count = (counts: Map<string, number>, id: string, change: number) => {
    const next = (counts.get(id) ?? 0) + change;
    if (next > 0) counts.set(id, next);
    else counts.delete(id);
  };
  const toLine = ({ credentials, entries }: OutboxRecord) =>
    sealLine({
      org: credentials.organization,
      id: credentials.id,
      sealed: encrypt(key, credentials.secret),
      entries,
    } satisfies Line);

  async function readRecords(file: string, report = true): Promise<OutboxRecord[]> {
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
    if (unreadable > 0 && report) options.onDamaged?.(unreadable);
    return read;
  }

  /** Replaces `file` with `text` all at once: a temporary file, synced, renamed over it. */
  async function rewrite(file: string, text: string): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      const handle = await open(temporary, "w", 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error; // the draining file is as it was: its records are offered again
    }
  }

  /** A file's text; a missing file is empty. */
  const textOf = (file: string) =>
    readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });

  /**
   * Moves what the journal holds behind what the draining file holds, between appends. The text
   * is moved as it is, so a crash between the rewrite and the removal is seen next time (the
   * draining file already ends with the journal's text) and nothing is taken twice. Resolves to
   * whether the journal held anything (the draining file may then hold more records).
   */
  async function mergeJournal(): Promise<boolean> {
    const added = await textOf(journal.path);
    if (added === "") return false;
    const waiting = await textOf(draining);
    if (!waiting.endsWith(added)) await rewrite(draining, waiting + added);
    await rm(journal.path, { force: true });
    return true;
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
    } else if (await journal.exclusive(mergeJournal)) {
      // Records left from earlier drains (Hull down, or a connector held by its late write):
      // what was appended since joins behind them, or a held connector would keep every other
      // connector's newer records in the journal until it is let go (found in review). Read
      // again only then: while Hull stays down and nothing arrives, a drain every 5 s decrypted
      // the whole backlog twice.
      records = await readRecords(draining);
    }
    // Hull still down stops the drain at the first record it did not take, and a held connector
    // keeps its records: the order is kept.
    const { taken } = await offerInOrder(records, write);
    let delivered = 0;
    const kept: OutboxRecord[] = [];
    records.forEach((record, index) => {
      if (taken[index]) delivered += record.entries.length;
      else kept.push(record);
    });
    // What Hull did not take stays in the draining file, which the next drain takes first: ahead
    // of what was appended meanwhile, so an older value of a trait never lands after a newer one.
    if (kept.length > 0) await rewrite(draining, kept.map(toLine).join(""));
    else await rm(draining, { force: true });
    return delivered;
  }

  return {
    async append(credentials, entries) {
      // Held from before the write is durable, so that a notification arriving meanwhile
      // already queues behind this one; nothing is counted if the append fails.
      count(appending, credentials.id, 1);
      try {
        await journal.append(toLine({ credentials, entries }));
        const counts = held && (await held.catch(() => undefined));
        if (counts) count(counts, credentials.id, 1);
      } finally {
        count(appending, credentials.id, -1);
      }
    },
    async holds(connectorId) {
      return appending.has(connectorId) || (await heldCounts()).has(connectorId);
    },
    drain(write) {
      drainingNow ??= drainOnce(write).finally(() => {
        drainingNow = undefined;
        held = undefined; // counted again from the files as the drain left them
      });
      return drainingNow;
    },
    async size() {
      await journal.settled();
      return (await readRecords(journal.path)).length + (await readRecords(draining)).length;
    },
  };
}
