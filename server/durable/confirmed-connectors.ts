import { join } from "node:path";
import type { HullConnector } from "../clients/hull/types";
import { decrypt, deriveKey, encrypt } from "../crypto";
import { createJsonFileMap } from "./json-file-map";

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
 * The embedded store: one JSON file, `confirmed-connectors.json` under `dataDir` (a
 * `JsonFileMap`: written whole, one write at a time, a burst's changes together). Keeps at most
 * `maxEntries`, dropping the least recently written. Throws the file system's errors, other than
 * a missing file.
 */
export function createFileConfirmedConnectors(
  dataDir: string,
  secret: string,
  { maxEntries = MAX_CONFIRMED_CONNECTORS }: { maxEntries?: number } = {},
): ConfirmedConnectors {
  const stored = createJsonFileMap<string>(join(dataDir, "confirmed-connectors.json"));
  const key = deriveKey(secret, "confirmed-connectors");
  return {
    async get(hash) {
      const sealed = (await stored.read()).get(hash);
      return sealed === undefined ? undefined : unsealConfirmed(key, sealed);
    },
    set(hash, confirmed) {
      return stored.change((map) => {
        map.delete(hash); // set again last: the Map's order is the order of the last writes
        map.set(hash, sealConfirmed(key, confirmed));
        while (map.size > maxEntries) map.delete(map.keys().next().value!);
      });
    },
  };
}
