// Which Intercom visitor ids this browser has already aliased into Hull, so that a page view does
// not POST /me/alias again (peers.md §8). Kept in localStorage; in memory when storage is blocked.

export interface AliasMemory {
  has(visitorId: string): boolean;
  add(visitorId: string): void;
}

const KEY = "hull-intercom:aliased-visitors";
// A browser sees few visitor ids (one per person and logout); the newest ones are enough.
const KEEP = 20;

export function createAliasMemory(
  storage: Pick<Storage, "getItem" | "setItem"> | undefined,
): AliasMemory {
  let ids: string[] = [];
  try {
    const stored: unknown = JSON.parse(storage?.getItem(KEY) ?? "[]");
    if (Array.isArray(stored)) ids = stored.filter((id): id is string => typeof id === "string");
  } catch {
    ids = [];
  }
  return {
    has: (visitorId) => ids.includes(visitorId),
    add(visitorId) {
      if (ids.includes(visitorId)) return;
      ids = [...ids, visitorId].slice(-KEEP);
      try {
        storage?.setItem(KEY, JSON.stringify(ids));
      } catch {
        // storage full or blocked: remembered for this page only
      }
    },
  };
}

/** localStorage, or undefined where reading it throws (privacy modes, sandboxed frames). */
export function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}
