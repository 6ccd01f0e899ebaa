// The raw floor's work on one page (raw-fetch.ts), apart from its I/O so that the bench can also
// time it alone (pure-work.ts): node:crypto and JSON.stringify, nothing else.
import { createHmac } from "node:crypto";
import { concatUtf8 } from "../../server/clients/json-bytes";
import { attributesOf, type BaselineContact } from "./contact-attributes";

const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");

/**
 * The firehose request body for one page of contacts, as UTF-8 bytes: each contact's attributes
 * and its signed claims (a JWT per entry, as hull-client's `asUser`), written with node:crypto
 * alone and stamped with `now`. Pure: the floor's whole CPU work per page but the two requests.
 */
export function floorBatchBody(
  contacts: BaselineContact[],
  id: string,
  secret: string,
  now: Date,
): Buffer {
  const timestamp = now.toISOString();
  const iat = Math.floor(now.getTime() / 1000);
  const batch = contacts.map((contact) => {
    const claims: Record<string, string> = { anonymous_id: `intercom:${contact.id}` };
    if (contact.email) claims.email = contact.email;
    if (contact.external_id) claims.external_id = contact.external_id;
    const payload = JSON.stringify({
      iss: id,
      "io.hull.asUser": claims,
      "io.hull.subjectType": "user",
      iat,
    });
    const body = `${HEADER}.${Buffer.from(payload).toString("base64url")}`;
    const token = `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
    return JSON.stringify({
      type: "traits",
      body: attributesOf(contact),
      headers: { "Hull-Access-Token": token },
      timestamp,
    });
  });
  const stamp = JSON.stringify(timestamp);
  const parts = ['{"batch":['];
  for (const [index, entry] of batch.entries()) parts.push(index === 0 ? "" : ",", entry);
  parts.push(`],"timestamp":${stamp},"sentAt":${stamp}}`);
  return concatUtf8(parts);
}
