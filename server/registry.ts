import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HullCredentials } from "./clients/hull/types";
import { decrypt, deriveKey, encrypt } from "./crypto";

/**
 * Intercom sends every webhook of the app to one URL with only the workspace's app_id, so we keep
 * which Hull connectors are connected to which workspace (DESIGN.md §3).
 */
export interface WorkspaceRegistry {
  connectorsFor(appId: string): Promise<HullCredentials[]>;
  /**
   * The credentials of one connected connector by its Hull id, or undefined: how the connector
   * reads a connector's settings for a caller that has no credentials (ship.js, docs/adr/007).
   */
  findConnector(connectorId: string): Promise<HullCredentials | undefined>;
  register(appId: string, credentials: HullCredentials): Promise<void>;
  unregister(appId: string, connectorId: string): Promise<void>;
}

type Entry = { id: string; organization: string; sealedSecret: string };
/** Keyed by Intercom's app_id, which callers choose (`__proto__` too): a Map, never a plain object. */
type Stored = Map<string, Entry[]>;

/**
 * The embedded default: one JSON file under DATA_DIR, connector secrets encrypted with a key from
 * SECRET.
 * Its calls throw the file system's errors (other than a missing file) as they are.
 */
export function createFileRegistry(dataDir: string, secret: string): WorkspaceRegistry {
  const file = join(dataDir, "workspaces.json");
  const key = deriveKey(secret, "registry");
  let cache: Promise<Stored> | undefined;
  let writing: Promise<unknown> = Promise.resolve();

  async function read(): Promise<Stored> {
    try {
      const onDisk = JSON.parse(await readFile(file, "utf8")) as Record<string, Entry[]>;
      return new Map(Object.entries(onDisk));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      return new Map();
    }
  }

  // One read, shared by every caller: two first reads each setting the cache let the later one
  // replace a map a register had already changed, hiding the new link until a restart.
  function load(): Promise<Stored> {
    if (!cache) {
      const reading = read();
      cache = reading;
      reading.catch(() => {
        if (cache === reading) cache = undefined;
      });
    }
    return cache;
  }

  function change(mutate: (stored: Stored) => void): Promise<void> {
    const next = writing.then(async () => {
      const stored = await load();
      mutate(stored);
      await mkdir(dataDir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      // Object.fromEntries defines own properties, so "__proto__" is written as a key like any other.
      const onDisk = Object.fromEntries(stored);
      await writeFile(temporary, JSON.stringify(onDisk, null, 2), { mode: 0o600 });
      await rename(temporary, file);
    });
    writing = next.catch(() => undefined);
    return next;
  }

  // Every webhook asks for its workspace's connectors: secrets are decrypted once per sealed value
  // (a change seals a new value), not once per notification.
  const unsealed = new Map<string, string | undefined>();
  const secretOf = (sealedSecret: string) => {
    if (!unsealed.has(sealedSecret)) {
      let secret: string | undefined;
      try {
        secret = decrypt(key, sealedSecret);
      } catch {
        secret = undefined; // sealed with another SECRET: that connector must reconnect
      }
      if (unsealed.size >= 10_000) unsealed.clear();
      unsealed.set(sealedSecret, secret);
    }
    return unsealed.get(sealedSecret);
  };
  const unseal = (entries: Entry[]): HullCredentials[] =>
    entries.flatMap(({ id, organization, sealedSecret }) => {
      const secret = secretOf(sealedSecret);
      return secret === undefined ? [] : [{ id, organization, secret }];
    });

  return {
    async connectorsFor(appId) {
      return unseal((await load()).get(appId) ?? []);
    },
    async findConnector(connectorId) {
      const entries = [...(await load()).values()].flat();
      return unseal(entries.filter((entry) => entry.id === connectorId))[0];
    },
    register(appId, credentials) {
      return change((stored) => {
        const others = (stored.get(appId) ?? []).filter((entry) => entry.id !== credentials.id);
        stored.set(appId, [
          ...others,
          {
            id: credentials.id,
            organization: credentials.organization,
            sealedSecret: encrypt(key, credentials.secret),
          },
        ]);
      });
    },
    unregister(appId, connectorId) {
      return change((stored) => {
        const remaining = (stored.get(appId) ?? []).filter((entry) => entry.id !== connectorId);
        if (remaining.length > 0) stored.set(appId, remaining);
        else stored.delete(appId);
      });
    },
  };
}
