import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HullConnector } from "../clients/hull/types";
import { decrypt, deriveKey, encrypt } from "../crypto";

/**
 * The connector Hull last confirmed for each set of credentials, kept across restarts (ADR 031):
 * what the authenticator answers with while Hull is unreachable and its memory holds nothing,
 * as after a restart during a Hull outage. Keys are the authenticator's hashes of the
 * credentials; values are sealed with a key derived from SECRET (private_settings hold the
 * Intercom token).
 */
export interface ConfirmedConnectors {
  /** What was last kept for `key`, or undefined (none, or sealed with another SECRET). */
  get(key: string): Promise<ConfirmedConnector | undefined>;
  /** Keeps `confirmed` for `key` (only `keptPartOf` its connector), replacing what was kept. */
  set(key: string, confirmed: ConfirmedConnector): Promise<void>;
}

/** A connector as Hull confirmed it, and when (ms since epoch). */
export interface ConfirmedConnector {
  connector: HullConnector;
  confirmedAtMs: number;
}

/** The sealed form both stores keep. */
export function sealConfirmed(key: Buffer, confirmed: ConfirmedConnector): string {
  return encrypt(
    key,
    JSON.stringify({
      connector: keptPartOf(confirmed.connector),
      confirmedAtMs: confirmed.confirmedAtMs,
    }),
  );
}

/** The kept value, or undefined when it was sealed with another SECRET or is not one. */
export function unsealConfirmed(key: Buffer, sealed: string): ConfirmedConnector | undefined {
  try {
    const value = JSON.parse(decrypt(key, sealed)) as Partial<ConfirmedConnector>;
    if (typeof value.confirmedAtMs !== "number" || typeof value.connector?.id !== "string")
      return undefined;
    return value as ConfirmedConnector;
  } catch {
    return undefined;
  }
}

/** At most this many credentials are kept by the file store; the oldest kept go first. */
export const MAX_CONFIRMED_CONNECTORS = 10_000;

/** What is kept of a connector: what the flows read, not Hull's whole answer. */
export function keptPartOf(connector: HullConnector): HullConnector {
  return {
    id: connector.id,
    ...(connector.name !== undefined ? { name: connector.name } : {}),
    settings: connector.settings ?? {},
    private_settings: connector.private_settings ?? {},
  };
}

/**
 * The embedded store: one JSON file, `confirmed-connectors.json` under `dataDir`, written whole
 * (to a temporary file, then renamed), one write at a time; writes asked for while one runs are
 * made together by the next. Keeps at most `maxEntries`, dropping the least recently written.
 * Throws the file system's errors, other than a missing file.
 */
export function createFileConfirmedConnectors(
  dataDir: string,
  secret: string,
  { maxEntries = MAX_CONFIRMED_CONNECTORS }: { maxEntries?: number } = {},
): ConfirmedConnectors {
  const file = join(dataDir, "confirmed-connectors.json");
  const key = deriveKey(secret, "confirmed-connectors");
  let stored: Promise<Map<string, string>> | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  let unwritten = false;

  async function read(): Promise<Map<string, string>> {
    try {
      return new Map(
        Object.entries(JSON.parse(await readFile(file, "utf8")) as Record<string, string>),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      return new Map();
    }
  }
  // One read shared by every caller (see registry.ts: two first reads must not race).
  function load(): Promise<Map<string, string>> {
    if (!stored) {
      const reading = read();
      stored = reading;
      reading.catch(() => {
        if (stored === reading) stored = undefined;
      });
    }
    return stored;
  }

  async function writeWhole(map: Map<string, string>): Promise<void> {
    if (!unwritten) return; // an earlier write took this change with it
    unwritten = false;
    try {
      const text = JSON.stringify(Object.fromEntries(map));
      await mkdir(dataDir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, file);
    } catch (error) {
      unwritten = true;
      throw error;
    }
  }

  return {
    async get(hash) {
      const sealed = (await load()).get(hash);
      return sealed === undefined ? undefined : unsealConfirmed(key, sealed);
    },
    async set(hash, confirmed) {
      const map = await load();
      map.delete(hash); // set again last: the Map's order is the order of the last writes
      map.set(hash, sealConfirmed(key, confirmed));
      while (map.size > maxEntries) map.delete(map.keys().next().value!);
      unwritten = true;
      const next = writing.then(() => writeWhole(map));
      writing = next.catch(() => undefined);
      return next;
    },
  };
}
