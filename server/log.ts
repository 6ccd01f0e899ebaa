import { LRUCache } from "lru-cache";
import pino, { type Logger } from "pino";

export type { Logger };

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
const SECRET_KEYS = [
  "secret",
  "access_token",
  "token",
  "hullToken",
  "client_secret",
  "clientSecret",
  "authorization",
  "Authorization",
  "password",
  "state",
];

/**
 * An OAuth authorization `code` is redacted where a request's query or form carries it, and in
 * every URL (`safeUrl`); anywhere else `code` is an error's code (ECONNREFUSED, `redis-unavailable`)
 * that an operator needs to read (found in review: every one was "[redacted]").
 */
const CODE_PATHS = ["query.code", "form.code", "*.query.code", "*.form.code"];

const redactPaths = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ...CODE_PATHS,
];

/** Query parameters removed from a URL before it is logged. */
const SECRET_PARAMS = [...SECRET_KEYS, "code"];

export function createLogger(level = "info", destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "hull-intercom" },
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Removes credentials from a URL before it is logged. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url, "http://x");
    for (const key of SECRET_PARAMS)
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, "[redacted]");
    return url.startsWith("http") ? parsed.toString() : `${parsed.pathname}${parsed.search}`;
  } catch {
    return "[unparseable url]";
  }
}

/**
 * A gate for a log line that a flood would repeat (one per webhook, say): `(key) => boolean`,
 * true the first time a key is seen and then false for `everyMs` (ms). Remembers at most 1,000
 * keys (an LRU), so a key pushed out by many others may be said again sooner.
 */
export function oncePerKey(everyMs: number): (key: string) => boolean {
  const said = new LRUCache<string, true>({ max: 1000, ttl: everyMs });
  return (key) => {
    if (said.has(key)) return false;
    said.set(key, true);
    return true;
  };
}
