import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * A Map of string keys to JSON values, kept as one JSON object in a file: the embedded stores
 * that are small enough to be written whole (the workspace registry, Hull's last answers).
 */
export interface JsonFileMap<V> {
  /**
   * The map, read from the file once: the first read is shared by every caller, since two first
   * reads each keeping their own map let the later one hide a change made to the earlier one
   * (found in the registry, ADR 030). A missing file is an empty map; a failed read is tried
   * again by the next call.
   */
  read(): Promise<Map<string, V>>;
  /**
   * Applies `mutate` to the map now, then resolves once a write that holds the change is on
   * disk. Writes run one at a time; changes made while one runs go out together in the next.
   * Rejects with the file system's error when that write fails (the change stays in memory and
   * goes out with the next write).
   */
  change(mutate: (map: Map<string, V>) => void): Promise<void>;
}

/** Keys may be anything callers send (`__proto__` too): they live in a Map and are written with Object.fromEntries, which defines own properties. */
export function createJsonFileMap<V>(file: string): JsonFileMap<V> {
  let loaded: Promise<Map<string, V>> | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  let unwritten = false;

  async function readFromDisk(): Promise<Map<string, V>> {
    try {
      return new Map(Object.entries(JSON.parse(await readFile(file, "utf8")) as Record<string, V>));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      return new Map();
    }
  }

  function read(): Promise<Map<string, V>> {
    if (!loaded) {
      const reading = readFromDisk();
      loaded = reading;
      reading.catch(() => {
        if (loaded === reading) loaded = undefined;
      });
    }
    return loaded;
  }

  async function writeWhole(map: Map<string, V>): Promise<void> {
    if (!unwritten) return; // an earlier write took this change with it
    unwritten = false;
    try {
      const text = JSON.stringify(Object.fromEntries(map));
      await mkdir(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, file);
    } catch (error) {
      unwritten = true;
      throw error;
    }
  }

  return {
    read,
    async change(mutate) {
      const map = await read();
      mutate(map);
      unwritten = true;
      const next = writing.then(() => writeWhole(map));
      writing = next.catch(() => undefined);
      return next;
    },
  };
}
