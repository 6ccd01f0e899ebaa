import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Intercom signs the raw body with HMAC-SHA1 keyed with the app's client secret and sends
 * `X-Hub-Signature: sha1=<hex>` (reference/intercom-api.md §4.5). Compared in constant time.
 */
export function verifySignature(
  rawBody: Buffer,
  header: string | undefined,
  clientSecret: string,
): boolean {
  // Exactly one well-formed digest: Buffer.from(…, "hex") would quietly ignore trailing junk.
  if (!header || !/^sha1=[0-9a-fA-F]{40}$/.test(header)) return false;
  const received = Buffer.from(header.slice(5), "hex");
  const expected = createHmac("sha1", clientSecret).update(rawBody).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}
