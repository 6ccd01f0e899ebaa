import jwt from "jsonwebtoken";
import { LRUCache } from "lru-cache";
import { UnauthorizedError } from "../../errors";
import { createSafeFetch } from "../safe-fetch";
import { isAllowedHost } from "./hosts";

/**
 * A refused smart-notifier signature, with the code hull's framework answers for it
 * (lib/utils/smart-notifier-middleware.js: UNSUPPORTED_SIGNATURE_VERSION, MISSING_SIGNATURE_HEADERS,
 * INVALID_SIGNATURE).
 */
export class NotifierSignatureError extends UnauthorizedError {
  constructor(code: string, message: string) {
    super(message, code);
  }
}

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
 * signature is POSTed to it: the raw JWT is the whole body, as hull's SmartNotifierValidator
 * (lib/utils/smart-notifier-validator.js, `superagent.post(certUrl, signature)`) sends it — a
 * string body, so superagent's form content type. We only ever ask hosts on the allow-list, never
 * follow a redirect, and cache keys per URL.
 * The verifier throws NotifierSignatureError (an UnauthorizedError, 401, with hull's own code) for
 * a missing, malformed, expired or wrongly signed token, or a key it may not fetch.
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
      throw new NotifierSignatureError(
        "INVALID_SIGNATURE",
        "Invalid smart-notifier public key URL",
      );
    }
    if (!["http:", "https:"].includes(url.protocol) || !isAllowedHost(url.host, allowedHosts)) {
      throw new NotifierSignatureError(
        "INVALID_SIGNATURE",
        `Smart-notifier public key host ${url.host} is not an allowed Hull host`,
      );
    }
    // hull's SmartNotifierValidator POSTs the raw signature JWT as the body; the SSRF-safe
    // transport re-checks every redirect hop and the resolved address (ADR 011).
    const pem = await transport(url.toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/plain" },
      body: signature,
      signal: AbortSignal.timeout(5000),
    })
      .then(async (response) => (response.ok ? response.text() : ""))
      .catch(() => "");
    if (!pem.includes("-----BEGIN PUBLIC KEY-----")) {
      throw new NotifierSignatureError(
        "INVALID_SIGNATURE",
        "Could not obtain Hull's smart-notifier public key",
      );
    }
    keys.set(keyUrl, pem);
    return pem;
  }

  return {
    async verify(headers, notificationId) {
      if (!header(headers, "x-hull-smart-notifier"))
        throw new NotifierSignatureError(
          "MISSING_SIGNATURE_HEADERS",
          "Missing x-hull-smart-notifier header",
        );
      if (header(headers, "x-hull-smart-notifier-signature-version") !== "v1") {
        throw new NotifierSignatureError(
          "UNSUPPORTED_SIGNATURE_VERSION",
          "Unsupported smart-notifier signature version",
        );
      }
      const signature = header(headers, "x-hull-smart-notifier-signature");
      const keyUrl = header(headers, "x-hull-smart-notifier-signature-public-key-url");
      if (!signature || !keyUrl)
        throw new NotifierSignatureError(
          "MISSING_SIGNATURE_HEADERS",
          "Missing smart-notifier signature headers",
        );
      const pem = await publicKey(keyUrl, signature);
      let claims: string | jwt.JwtPayload;
      try {
        claims = jwt.verify(signature, pem, { algorithms: ["RS256"], jwtid: notificationId });
      } catch {
        throw new NotifierSignatureError("INVALID_SIGNATURE", "Invalid smart-notifier signature");
      }
      if (typeof claims === "string" || typeof claims.jti !== "string" || claims.jti === "")
        throw new NotifierSignatureError(
          "INVALID_SIGNATURE",
          "The smart-notifier signature names no notification",
        );
      return claims.jti;
    },
  };
}
