import type { Redis } from "ioredis";
import type { HullCredentials } from "../clients/hull/types";
import { decrypt, deriveKey, encrypt } from "../crypto";
import type { PendingUpdate, PendingUsers } from "../outgoing/pending/pending-users";

type Stored = { at: number; m: boolean; up: PendingUpdate["update"] };

/**
 * Drops the first N updates of a user; the user leaves the waiting order when none is left.
 * With a holder (ARGV[3]), only while it holds the drain lock (KEYS[3]).
 */
const SETTLE = `
if ARGV[3] ~= "" and redis.call("GET", KEYS[3]) ~= ARGV[3] then return 0 end
redis.call("LTRIM", KEYS[1], tonumber(ARGV[1]), -1)
if redis.call("LLEN", KEYS[1]) == 0 then
  redis.call("DEL", KEYS[1])
  redis.call("ZREM", KEYS[2], ARGV[2])
end
return 1`;

/** Takes the drain lock, or renews it for the holder that has it. */
const CLAIM = `
local current = redis.call("GET", KEYS[1])
if current == false or current == ARGV[1] then
  redis.call("SET", KEYS[1], ARGV[1], "PX", tonumber(ARGV[2]))
  return 1
end
return 0`;

const RELEASE = `
if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("DEL", KEYS[1]) end
return 1`;

/**
 * The waiting users in Redis, shared by every process: per connector a sorted set of user ids by
 * the time they started waiting, and per user a list of updates in arrival order. Settling trims
 * a user's list atomically (a Lua script), so an update added meanwhile by another process stays.
 */
export function createRedisPendingUsers(
  redis: Redis,
  prefix: string,
  secret: string,
): PendingUsers {
  const sealKey = deriveKey(secret, "pending-users");
  const connectorsKey = `${prefix}:pending:connectors`;
  const orderKey = (connectorId: string) => `${prefix}:pending:${connectorId}:order`;
  const userKey = (connectorId: string, userId: string) =>
    `${prefix}:pending:${connectorId}:user:${userId}`;
  const lockKey = (connectorId: string) => `${prefix}:pending:${connectorId}:lock`;

  return {
    async add(credentials, updates) {
      if (updates.length === 0) return;
      const at = Date.now();
      const transaction = redis.multi();
      transaction.hset(
        connectorsKey,
        credentials.id,
        JSON.stringify({
          org: credentials.organization,
          sealed: encrypt(sealKey, credentials.secret),
        }),
      );
      for (const { update, manual } of updates) {
        const stored: Stored = { at, m: manual, up: update };
        transaction.rpush(userKey(credentials.id, update.user.id), JSON.stringify(stored));
        transaction.zadd(orderKey(credentials.id), "NX", String(at), update.user.id);
      }
      const results = await transaction.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error("Redis refused the pending users");
    },
    async oldest(connectorId, limit) {
      const userIds = await redis.zrange(orderKey(connectorId), "0", String(limit - 1));
      const pipeline = redis.pipeline();
      for (const userId of userIds) pipeline.lrange(userKey(connectorId, userId), 0, -1);
      const lists = (await pipeline.exec()) ?? [];
      return userIds.flatMap((userId, index) => {
        const [error, raw] = lists[index] ?? [];
        if (error || !Array.isArray(raw) || raw.length === 0) return [];
        const updates = (raw as string[]).map((item) => {
          const { at, m, up } = JSON.parse(item) as Stored;
          return { update: up, manual: m, at };
        });
        return [{ userId, updates }];
      });
    },
    async settle(connectorId, settled, holder) {
      const pipeline = redis.pipeline();
      for (const { userId, updates } of settled) {
        if (updates <= 0) continue;
        pipeline.eval(
          SETTLE,
          3,
          userKey(connectorId, userId),
          orderKey(connectorId),
          lockKey(connectorId),
          String(updates),
          userId,
          holder ?? "",
        );
      }
      await pipeline.exec();
    },
    async summary(connectorId) {
      const [users, first] = await Promise.all([
        redis.zcard(orderKey(connectorId)),
        redis.zrange(orderKey(connectorId), "0", "0", "WITHSCORES"),
      ]);
      return { users, since: first[1] === undefined ? undefined : Number(first[1]) };
    },
    async connectors() {
      const all = await redis.hgetall(connectorsKey);
      const out: HullCredentials[] = [];
      for (const [id, raw] of Object.entries(all)) {
        if ((await redis.zcard(orderKey(id))) === 0) continue;
        try {
          const { org, sealed } = JSON.parse(raw) as { org: string; sealed: string };
          out.push({ id, organization: org, secret: decrypt(sealKey, sealed) });
        } catch {
          // sealed with another SECRET: this deployment cannot reach that connector's Hull
        }
      }
      return out;
    },
    async claim(connectorId, holder, ttlMs) {
      return (await redis.eval(CLAIM, 1, lockKey(connectorId), holder, ttlMs)) === 1;
    },
    async release(connectorId, holder) {
      await redis.eval(RELEASE, 1, lockKey(connectorId), holder);
    },
  };
}
