/** How many recent entries the sandbox's inspection logs keep, so that long runs stay small. */
export const LOG_LIMIT = 10_000;

/** Appends to a log, dropping the oldest entries beyond `limit`. */
export function pushCapped<T>(log: T[], item: T, limit = LOG_LIMIT): void {
  log.push(item);
  if (log.length > limit) log.splice(0, log.length - limit);
}
