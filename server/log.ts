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
  "code",
  "state",
];

const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

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
    for (const key of SECRET_KEYS)
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, "[redacted]");
    return url.startsWith("http") ? parsed.toString() : `${parsed.pathname}${parsed.search}`;
  } catch {
    return "[unparseable url]";
  }
}
