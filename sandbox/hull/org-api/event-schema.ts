import type { UserRecord } from "../store/user-record.js";

/**
 * One entry of Hull's events schema, `GET /api/v1/search/event/bootstrap`, as the `hull`
 * framework in hull-connectors types it (HullEventSchemaEntry: `{name, properties, created_at,
 * updated_at, emitted}`; its EVENTS_ROUTE reads this path).
 */
export interface EventSchemaEntry {
  name: string;
  /** Property names seen on the event, sorted. */
  properties: string[];
  created_at: string;
  updated_at: string;
  emitted: boolean;
}

/**
 * The events schema built from the events the organization has received (tracked through the
 * firehose, and Hull's own "Entered segment" / "Left segment"), one entry per event name, sorted
 * by name. Real Hull keeps it from its event index; the stand-in derives it from its users.
 */
export function buildEventSchema(users: readonly UserRecord[]): EventSchemaEntry[] {
  const byName = new Map<string, { properties: Set<string>; first: string; last: string }>();
  for (const user of users) {
    for (const event of user.events) {
      const entry = byName.get(event.event) ?? {
        properties: new Set<string>(),
        first: event.created_at,
        last: event.created_at,
      };
      for (const key of Object.keys(event.properties ?? {})) entry.properties.add(key);
      if (event.created_at < entry.first) entry.first = event.created_at;
      if (event.created_at > entry.last) entry.last = event.created_at;
      byName.set(event.event, entry);
    }
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => ({
      name,
      properties: [...entry.properties].sort(),
      created_at: entry.first,
      updated_at: entry.last,
      emitted: true,
    }));
}
