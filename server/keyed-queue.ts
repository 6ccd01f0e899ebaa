/**
 * Runs work one at a time per key, in the order it was asked for, within this process: a piece
 * starts once every earlier piece of the same key has settled (a failure does not hold up the
 * next; it rejects its own caller only). A key with nothing under way is forgotten, so the map
 * holds only keys in use. Returns what `work` returns; rejects with what it throws.
 */
export type KeyedQueue = <T>(key: string, work: () => Promise<T>) => Promise<T>;

/** A new, empty queue (settings writes per connector, company tag operations per tag). */
export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (tails.get(key) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => undefined);
    tails.set(key, settled);
    void settled.then(() => {
      if (tails.get(key) === settled) tails.delete(key);
    });
    return next;
  };
}
