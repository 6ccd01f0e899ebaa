import { isRecord } from "../errors.js";
import { parseAttributeWrite, type AttributeWrite } from "../store/attribute-operation.js";
import { CLAIM_KEYS, type Claims } from "../store/user-record.js";

export interface UserSeed {
  claims: Claims;
  writes: Record<string, AttributeWrite>;
  events: {
    event: string;
    properties: Record<string, unknown>;
    context: Record<string, unknown>;
  }[];
}

/** Reads `POST /_sandbox/users`: `[{claims, attributes, events?}]`, or the first error. */
export function parseSeeds(body: unknown): UserSeed[] | string {
  if (!Array.isArray(body)) return "Body must be an array of {claims, attributes, events?}";
  const seeds: UserSeed[] = [];
  for (const [index, raw] of body.entries()) {
    const fail = (reason: string) => `user ${index}: ${reason}`;
    if (!isRecord(raw) || !isRecord(raw.claims)) return fail("claims must be an object");
    const claims: Claims = {};
    for (const key of CLAIM_KEYS) {
      const value = raw.claims[key];
      if (value === undefined) continue;
      if (typeof value !== "string" || value === "")
        return fail(`claims.${key} must be a non-empty string`);
      claims[key] = value;
    }
    if (!claims.email && !claims.external_id && !claims.anonymous_id) {
      return fail("claims need an email, external_id or anonymous_id");
    }
    const attributes = raw.attributes ?? {};
    if (!isRecord(attributes)) return fail("attributes must be an object");
    const writes: Record<string, AttributeWrite> = Object.create(null); // names are input
    for (const [name, value] of Object.entries(attributes)) {
      const write = parseAttributeWrite(value);
      if (typeof write === "string") return fail(`attribute "${name}": ${write}`);
      writes[name] = write;
    }
    const events = raw.events ?? [];
    if (!Array.isArray(events)) return fail("events must be an array");
    const parsedEvents: UserSeed["events"] = [];
    for (const event of events) {
      if (!isRecord(event) || typeof event.event !== "string" || event.event === "") {
        return fail("every event needs an event name");
      }
      if (event.properties !== undefined && !isRecord(event.properties))
        return fail("event properties must be an object");
      if (event.context !== undefined && !isRecord(event.context))
        return fail("event context must be an object");
      parsedEvents.push({
        event: event.event,
        properties: (event.properties as Record<string, unknown>) ?? {},
        context: (event.context as Record<string, unknown>) ?? { source: "sandbox" },
      });
    }
    seeds.push({ claims, writes, events: parsedEvents });
  }
  return seeds;
}
