import type { IntercomApi } from "../../clients/intercom/api";
import { IntercomApiError } from "../../clients/intercom/errors";
import { RetryableError } from "../../errors";
import { readDataType, type IntercomDataType } from "../mapping/intercom-value";

export interface CustomAttributes {
  /** Intercom's custom contact attributes and their types (read once, then cached). */
  types(): Promise<ReadonlyMap<string, IntercomDataType>>;
  /**
   * Makes sure each attribute exists, creating it through `POST /data_attributes` when allowed;
   * returns the names that may be written, and why the others may not.
   */
  ensure(
    missing: { name: string; dataType: IntercomDataType }[],
  ): Promise<{ usable: Set<string>; refused: { name: string; reason: string }[] }>;
}

interface Cached {
  types: Promise<Map<string, IntercomDataType>>;
  loadedAt: number;
  created: Map<string, Promise<string | undefined>>;
}

/** Shared by the runs of one process, per workspace, so a batch of users reads the list once. */
export type CustomAttributeCache = Map<string, Cached>;

export function createCustomAttributeCache(): CustomAttributeCache {
  return new Map();
}

const TTL_MS = 5 * 60_000;

/**
 * Intercom 2.x rejects a contact write naming a custom attribute that does not exist: they
 * "can only be created through the Data Attributes API" (intercom-api.md §1.2).
 */
export function customAttributesOf(
  api: IntercomApi,
  options: {
    cache: CustomAttributeCache;
    workspace: string;
    createMissing: boolean;
    now?: () => number;
    /**
     * The run's deadline in ms (a notification Hull waits for). The catalogue read is shared with
     * other runs of the workspace, whose clients may wait much longer for the rate budget: a run
     * with a deadline waits at most this long for it, then fails with a RetryableError.
     */
    maxWaitMs?: number;
  },
): CustomAttributes {
  const { cache, workspace, createMissing, now = Date.now, maxWaitMs } = options;
  const inTime = <T>(shared: Promise<T>): Promise<T> => {
    if (maxWaitMs === undefined) return shared;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RetryableError(
              "Intercom's data attribute catalogue is still being read",
              maxWaitMs,
            ),
          ),
        maxWaitMs,
      );
    });
    return Promise.race([shared, late]).finally(() => clearTimeout(timer));
  };
  const load = async () => {
    const types = new Map<string, IntercomDataType>();
    for (const attribute of await api.listDataAttributes()) {
      const custom =
        attribute.custom === true || attribute.full_name?.startsWith("custom_attributes.");
      const type = readDataType(attribute.data_type);
      if (custom && !attribute.archived && type) types.set(attribute.name, type);
    }
    return types;
  };
  const entry = (): Cached => {
    let cached = cache.get(workspace);
    if (!cached || now() - cached.loadedAt > TTL_MS) {
      const types = load();
      cached = { types, loadedAt: now(), created: new Map() };
      const current = cached;
      // A failed read is not cached: the next user tries again.
      types.catch(() => {
        if (cache.get(workspace) === current) cache.delete(workspace);
      });
      cache.set(workspace, cached);
    }
    return cached;
  };

  async function create(name: string, dataType: IntercomDataType): Promise<string | undefined> {
    try {
      await api.createDataAttribute({
        name,
        data_type: dataType,
        description: "Created by the Hull connector for an outgoing attribute",
      });
      (await entry().types).set(name, dataType);
      return undefined;
    } catch (error) {
      if (error instanceof IntercomApiError && error.alreadyExists) {
        // Created meanwhile (another process, or a person): read the list again next time.
        cache.delete(workspace);
        return undefined;
      }
      if (error instanceof IntercomApiError)
        return `Intercom refused to create it: ${error.message}`;
      throw error;
    }
  }

  return {
    types: () => inTime(entry().types),
    async ensure(missing) {
      const usable = new Set<string>();
      const refused: { name: string; reason: string }[] = [];
      for (const { name, dataType } of missing) {
        if (!createMissing) {
          refused.push({
            name,
            reason: "it does not exist in Intercom (create_missing_attributes is off)",
          });
          continue;
        }
        const created = entry().created;
        let pending = created.get(name);
        if (!pending) {
          pending = create(name, dataType);
          created.set(name, pending);
        }
        const reason = await inTime(pending);
        if (reason) refused.push({ name, reason });
        else usable.add(name);
      }
      return { usable, refused };
    },
  };
}
