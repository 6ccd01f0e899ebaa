import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Whether `header` (X-Hub-Signature, "sha1=<hex>") is the HMAC-SHA1 of the raw body with the app's
 * client secret, as Intercom signs webhooks (intercom-api.md §4). Compared in constant time.
 */
export function hubSignatureMatches(secret: string, body: Buffer, header: unknown): boolean {
  if (typeof header !== "string" || !header.startsWith("sha1=")) return false;
  const expected = createHmac("sha1", secret).update(body).digest();
  const given = Buffer.from(header.slice("sha1=".length), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
