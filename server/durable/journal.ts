import { createHash } from "node:crypto";
import { mkdir, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";

/** The part of node's FileHandle a journal uses; tests pass one that fails mid-write (a full disk). */
export interface JournalHandle {
  stat(): Promise<{ size: number }>;
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  appendFile(data: string): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens a journal file for appending and reading (mode 0600). */
export type OpenJournal = (path: string) => Promise<JournalHandle>;

/** The real journal file, opened for appending and reading. */
export const openJournalFile: OpenJournal = (path) => open(path, "a+", 0o600);

const digest = (json: string) => createHash("sha256").update(json).digest("hex").slice(0, 16);

/** One record as a line: `<first 16 hex of sha256(json)> <json>\n`. */
export function sealLine(record: unknown): string {
  const json = JSON.stringify(record);
  return `${digest(json)} ${json}\n`;
}

/**
 * The records of a journal's text, in order. A line whose checksum does not match (a torn write, a
 * disk error) and a last line without its newline (a write cut short) are counted as `damaged` and
 * left out; the good records after a damaged line are kept.
 */
export function readLines(text: string): { records: unknown[]; damaged: number } {
  const lines = text.split("\n");
  const complete = lines.slice(0, -1); // the piece after the last newline is never a whole record
  let damaged = lines.at(-1) === "" ? 0 : 1;
  const records: unknown[] = [];
  for (const line of complete) {
    if (line === "") continue;
    const space = line.indexOf(" ");
    const json = line.slice(space + 1);
    if (space !== 16 || digest(json) !== line.slice(0, 16)) {
      damaged += 1;
      continue;
    }
    try {
      records.push(JSON.parse(json));
    } catch {
      damaged += 1;
    }
  }
  return { records, damaged };
}

/**
 * Reads a journal file; a missing file is empty.
 * Throws the file system's error for anything but a missing file.
 */
export async function readJournal(path: string): Promise<{ records: unknown[]; damaged: number }> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  return readLines(text);
}

/**
 * An append-only journal whose appends are all or nothing: an append resolves once its lines are
 * synced to disk; one that fails (ENOSPC, EIO) is cut back to the size before it, so a partial line
 * never sits in front of the records appended later. If even the cut fails, or a crash tore the
 * last line, the next append first cuts the file back to its last complete line. Appends run one
 * at a time.
 */
export function createJournal(path: string, openJournal: OpenJournal = openJournalFile) {
  let appending: Promise<unknown> = Promise.resolve();
  // Unknown until checked: a previous process may have died mid-append.
  let tailChecked = false;

  async function cutTornTail(handle: JournalHandle, size: number): Promise<number> {
    if (size === 0) return 0;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return size;
    const whole = Buffer.alloc(size);
    await handle.read(whole, 0, size, 0);
    const keep = whole.lastIndexOf(0x0a) + 1;
    await handle.truncate(keep);
    await handle.sync();
    return keep;
  }

  /** Runs `task` between appends (none starts before it ends), e.g. renaming the file. */
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = appending.then(task);
    appending = next.catch(() => undefined);
    return next;
  }

  /** Appends text made of `sealLine`s; rejects (having written nothing) when it cannot. */
  function append(text: string): Promise<void> {
    return exclusive(async () => {
      // The directory is made on the first append, and again only if it has gone since.
      const handle = await openJournal(path).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
        await mkdir(dirname(path), { recursive: true });
        return openJournal(path);
      });
      try {
        let size = (await handle.stat()).size;
        if (!tailChecked) {
          size = await cutTornTail(handle, size);
          tailChecked = true;
        }
        try {
          await handle.appendFile(text);
          await handle.sync();
        } catch (error) {
          await handle
            .truncate(size)
            .then(() => handle.sync())
            .catch(() => (tailChecked = false));
          throw error;
        }
      } finally {
        await handle.close();
      }
    });
  }

  return {
    path,
    append,
    exclusive,
    /** Waits for appends in progress. */
    settled: () => appending,
  };
}
