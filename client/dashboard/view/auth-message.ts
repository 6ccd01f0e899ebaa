/** What the OAuth popup reports when it ends (see the dashboard brief, "Connect"). */
export interface AuthResult {
  type: "connected" | "failed";
  message: string;
}

/**
 * Accepts a postMessage only from the connector's own origin and only in the popup's shape;
 * anything else (other frames, extensions, Hull's own messages) is ignored.
 */
export function parseAuthMessage(
  data: unknown,
  origin: string,
  expectedOrigin: string,
): AuthResult | undefined {
  if (origin !== expectedOrigin || typeof data !== "object" || data === null) return undefined;
  const message = data as { source?: unknown; type?: unknown; message?: unknown };
  if (message.source !== "hull-intercom") return undefined;
  if (message.type !== "connected" && message.type !== "failed") return undefined;
  return {
    type: message.type,
    message: typeof message.message === "string" ? message.message : "",
  };
}

/** The popup's URL and the origin its messages come from, for a possibly relative API base. */
export function authTarget(apiBase: string, token: string, pageUrl: string) {
  const url = new URL(`${apiBase}/auth?token=${encodeURIComponent(token)}`, pageUrl);
  return { url: url.toString(), origin: url.origin };
}
