import { join } from "node:path";
import type { HullCredentials } from "./clients/hull/types";
import { decrypt, deriveKey, encrypt } from "./crypto";
import { createJsonFileMap } from "./durable/json-file-map";

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

/**
 * The embedded default: one JSON file under DATA_DIR, connector secrets encrypted with a key from
 * SECRET.
 * Its calls throw the file system's errors (other than a missing file) as they are.
 */
export function createFileRegistry(dataDir: string, secret: string): WorkspaceRegistry {
  const key = deriveKey(secret, "registry");
  // Keyed by Intercom's app_id, which callers choose (`__proto__` too): a Map, never a plain object.
  const stored = createJsonFileMap<Entry[]>(join(dataDir, "workspaces.json"));

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
      return unseal((await stored.read()).get(appId) ?? []);
    },
    async findConnector(connectorId) {
      const entries = [...(await stored.read()).values()].flat();
      return unseal(entries.filter((entry) => entry.id === connectorId))[0];
    },
    register(appId, credentials) {
      return stored.change((map) => {
        const others = (map.get(appId) ?? []).filter((entry) => entry.id !== credentials.id);
        map.set(appId, [
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
      return stored.change((map) => {
        const remaining = (map.get(appId) ?? []).filter((entry) => entry.id !== connectorId);
        if (remaining.length > 0) map.set(appId, remaining);
        else map.delete(appId);
      });
    },
  };
}
