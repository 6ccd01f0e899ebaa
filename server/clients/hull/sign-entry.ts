import { createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { usableAccountClaims, usableClaims } from "../../hull-entry-rules";
import type { FirehoseEntry, HullCredentials } from "./types";

// jsonwebtoken tries to read a string secret as a PEM key first, which costs ~300 µs per token;
// a key object skips that (measured by the fetch benchmark).
const keys = new Map<string, KeyObject>();
function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, "utf8"));
    if (keys.size > 1000) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/**
 * The per-entry token Hull's firehose reads the subject from: HS256 with the connector secret,
 * with the claims hull-client's lib/crypto.js `lookupToken` always sends: `iss` (connector id),
 * `iat` (seconds), `io.hull.asUser`, `io.hull.subjectType`, and `sub` when the user is named by
 * its Hull `id` (write-backs by id).
 */
export function signEntry(credentials: HullCredentials, entry: FirehoseEntry, now = new Date()) {
  const claims = usableClaims(entry.claims);
  const account =
    entry.type === "traits" && entry.account ? usableAccountClaims(entry.account) : undefined;
  // An account write carries asAccount (and asUser only to link that user): hull-client's
  // `asAccount(a)` and `asUser(u).account(a)` (hull-platform.md §2.2).
  const subject = account
    ? {
        ...(Object.keys(claims).length > 0 ? { "io.hull.asUser": claims } : {}),
        "io.hull.asAccount": account,
        "io.hull.subjectType": "account",
      }
    : { "io.hull.asUser": claims, "io.hull.subjectType": "user" };
  const token = jwt.sign(
    {
      iss: credentials.id,
      iat: Math.floor(now.getTime() / 1000),
      ...(!account && claims.id ? { sub: claims.id } : {}),
      ...(account?.id && Object.keys(claims).length === 0 ? { sub: account.id } : {}),
      ...subject,
      ...("create" in entry && entry.create === false ? { "io.hull.create": false } : {}),
    },
    keyFor(credentials.secret),
    { algorithm: "HS256" },
  );
  const body =
    entry.type === "track" ? { ip: null, url: null, referer: null, ...entry.body } : entry.body;
  return {
    type: entry.type,
    body,
    headers: { "Hull-Access-Token": token },
    timestamp: now.toISOString(),
  };
}
