import jwt from "jsonwebtoken";
import { LRUCache } from "lru-cache";
import { UnauthorizedError } from "../../errors";
import { fetchJson } from "../fetch-json";
import { createSafeFetch } from "../safe-fetch";
import { isAllowedHost } from "./hosts";

export interface NotifierSignatureVerifier {
  /**
   * Checks a smart-notifier request's signature headers, and resolves to the notification id they
   * sign (the JWT's `jti`). With `notificationId`, that id must be the one signed. The signature is
   * in the headers, so a route can call this before it reads the body (then compare the body's
   * `notification_id` with the answer). Throws UnauthorizedError.
   */
  verify(
    headers: Record<string, string | string[] | undefined>,
    notificationId?: string,
  ): Promise<string>;
}

function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Hull signs smart-notifier bodies with RS256 and names a URL that returns its public key when the
 * signature is POSTed to it. We only ever ask hosts on the allow-list, and cache keys per URL.
 */
export function createNotifierSignatureVerifier(
  allowedHosts: readonly string[],
  { allowLoopback = false }: { allowLoopback?: boolean } = {},
): NotifierSignatureVerifier {
  // Bounded: the URL is the caller's, and an allowed host may answer for many of them.
  const keys = new LRUCache<string, string>({ max: 100 });
  // Every hop re-checked against the allow-list, no private destination (server/clients/safe-fetch.ts).
  const transport = createSafeFetch({ allowedHosts, allowLoopback });

  async function publicKey(keyUrl: string, signature: string): Promise<string> {
    const cached = keys.get(keyUrl);
    if (cached) return cached;
    let url: URL;
    try {
      url = new URL(keyUrl);
    } catch {
      throw new UnauthorizedError("Invalid smart-notifier public key URL");
    }
    if (!["http:", "https:"].includes(url.protocol) || !isAllowedHost(url.host, allowedHosts)) {
      throw new UnauthorizedError(
        `Smart-notifier public key host ${url.host} is not an allowed Hull host`,
      );
    }
    const response = await fetchJson<string>(url.toString(), {
      method: "POST",
      body: { signature },
      headers: { accept: "text/plain" },
      timeoutMs: 5000,
      fetch: transport,
    }).catch(() => undefined);
    const pem = typeof response?.body === "string" ? response.body : "";
    if (!response || response.status >= 300 || !pem.includes("-----BEGIN PUBLIC KEY-----")) {
      throw new UnauthorizedError("Could not obtain Hull's smart-notifier public key");
    }
    keys.set(keyUrl, pem);
    return pem;
  }

  return {
    async verify(headers, notificationId) {
      if (!header(headers, "x-hull-smart-notifier"))
        throw new UnauthorizedError("Missing x-hull-smart-notifier header");
      if (header(headers, "x-hull-smart-notifier-signature-version") !== "v1") {
        throw new UnauthorizedError("Unsupported smart-notifier signature version");
      }
      const signature = header(headers, "x-hull-smart-notifier-signature");
      const keyUrl = header(headers, "x-hull-smart-notifier-signature-public-key-url");
      if (!signature || !keyUrl)
        throw new UnauthorizedError("Missing smart-notifier signature headers");
      const pem = await publicKey(keyUrl, signature);
      let claims: string | jwt.JwtPayload;
      try {
        claims = jwt.verify(signature, pem, { algorithms: ["RS256"], jwtid: notificationId });
      } catch {
        throw new UnauthorizedError("Invalid smart-notifier signature");
      }
      if (typeof claims === "string" || typeof claims.jti !== "string" || claims.jti === "")
        throw new UnauthorizedError("The smart-notifier signature names no notification");
      return claims.jti;
    },
  };
}
