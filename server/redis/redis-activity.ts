import type { Redis } from "ioredis";
import {
  ACTIVITY_TIERS,
  DEFAULT_BOUNDS,
  emptyCounts,
  matches,
  newestFirst,
  tierOf,
  tiersOf,
  type ActivityEntry,
  type ActivityStore,
  type ActivityTier,
} from "../durable/activity-store";

const HOUR_MS = 3_600_000;
/** How long an hour's counters live: a day's window plus a margin (s). */
const COUNTS_TTL_S = 26 * 3600;
/** Entries read per round trip while a filtered page is being filled. */
const CHUNK = 200;

/**
 * The activity log in Redis, shared by every process. Per connector and tier, a sorted set
 * `<prefix>:activity:<connector>:<tier>` whose members are `<entry id>\t<entry JSON>`, all with
 * score 0, so Redis keeps them in id order (lexicographic) and pages with ZREVRANGEBYLEX; each
 * append trims the set to its bound (ZREMRANGEBYRANK drops the oldest). Counters: one hash per
 * hour, `<prefix>:activity-counts:<connector>:<hour ms>`, HINCRBY'd and expiring after 26 h.
 */
export function createRedisActivityStore(
  redis: Redis,
  prefix: string,
  bounds: Readonly<Record<ActivityTier, number>> = DEFAULT_BOUNDS,
): ActivityStore {
  const setOf = (connectorId: string, tier: ActivityTier) =>
    `${prefix}:activity:${connectorId}:${tier}`;
  const countsOf = (connectorId: string, hour: number) =>
    `${prefix}:activity-counts:${connectorId}:${hour}`;
  const parse = (member: string) =>
    JSON.parse(member.slice(member.indexOf("\t") + 1)) as ActivityEntry;

  /** Up to `limit` matching entries of one tier older than `before`, newest first. */
  async function fromTier(
    connectorId: string,
    tier: ActivityTier,
    query: Parameters<ActivityStore["page"]>[1],
  ) {
    const found: ActivityEntry[] = [];
    // "(" + id excludes the id itself; "\t" sorts before every id character, so "(<id>" ends
    // right below every member of that id.
    let max = query.before === undefined ? "+" : `(${query.before}`;
    for (;;) {
      const members = await redis.zrevrangebylex(
        setOf(connectorId, tier),
        max,
        "-",
        "LIMIT",
        0,
        CHUNK,
      );
      for (const member of members) {
        const entry = parse(member);
        if (matches(entry, query)) found.push(entry);
        if (found.length >= query.limit) return found;
      }
      if (members.length < CHUNK) return found;
      max = `(${members.at(-1)!}`;
    }
  }

  return {
    async append(connectorId, entries, counts, hour) {
      const multi = redis.multi();
      const touched = new Set<ActivityTier>();
      for (const entry of entries) {
        const tier = tierOf(entry);
        touched.add(tier);
        multi.zadd(setOf(connectorId, tier), 0, `${entry.id}\t${JSON.stringify(entry)}`);
      }
      for (const tier of touched) {
        multi.zremrangebyrank(setOf(connectorId, tier), 0, -(bounds[tier] + 1));
      }
      const names = Object.entries(counts);
      if (names.length > 0) {
        const key = countsOf(connectorId, hour);
        for (const [name, by] of names) multi.hincrby(key, name, by);
        multi.expire(key, COUNTS_TTL_S);
      }
      if (entries.length === 0 && names.length === 0) return;
      await multi.exec();
    },
    async page(connectorId, query) {
      const tiers = query.kind ? tiersOf(query.kind) : ACTIVITY_TIERS;
      const pages = await Promise.all(tiers.map((tier) => fromTier(connectorId, tier, query)));
      return pages.flat().sort(newestFirst).slice(0, query.limit);
    },
    async counters(connectorId, sinceHour) {
      // Hours expire after 26 h: two days from the window's start hold every hour that can exist.
      const hours = Array.from({ length: 48 }, (_, index) => sinceHour + index * HOUR_MS);
      const pipeline = redis.pipeline();
      for (const hour of hours) pipeline.hgetall(countsOf(connectorId, hour));
      const total = emptyCounts();
      for (const [error, value] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        const counts = value as Record<string, string>;
        for (const [name, by] of Object.entries(counts))
          total[name] = (total[name] ?? 0) + Number(by);
      }
      return total;
    },
  };
}
