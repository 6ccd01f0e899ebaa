import type { Redis } from "ioredis";
import { decrypt, deriveKey, encrypt } from "../crypto";
import type { Outbox, OutboxRecord } from "../durable/outbox";

/**
 * The outbox as a Redis list shared by every process. A drain moves one record at a time to a
 * processing list (LMOVE), so a process that dies mid-drain leaves it there for the next drain.
 */
export function createRedisOutbox(redis: Redis, prefix: string, secret: string): Outbox {
  const sealKey = deriveKey(secret, "outbox");
  const pending = `${prefix}:outbox`;
  const processing = `${prefix}:outbox:processing`;
  const encode = ({ credentials, entries }: OutboxRecord) =>
    JSON.stringify({
      org: credentials.organization,
      id: credentials.id,
      sealed: encrypt(sealKey, credentials.secret),
      entries,
    });
  const decode = (raw: string): OutboxRecord => {
    const parsed = JSON.parse(raw) as {
      org: string;
      id: string;
      sealed: string;
      entries: OutboxRecord["entries"];
    };
    return {
      credentials: {
        organization: parsed.org,
        id: parsed.id,
        secret: decrypt(sealKey, parsed.sealed),
      },
      entries: parsed.entries,
    };
  };

  return {
    async append(credentials, entries) {
      await redis.lpush(pending, encode({ credentials, entries }));
    },
    async drain(write) {
      // Records a dead process was working on go back first.
      while ((await redis.lmove(processing, pending, "RIGHT", "RIGHT")) !== null);
      let delivered = 0;
      for (;;) {
        const raw = await redis.lmove(pending, processing, "RIGHT", "LEFT");
        if (raw === null) return delivered;
        let record: OutboxRecord;
        try {
          record = decode(raw);
        } catch {
          await redis.lrem(processing, 1, raw); // sealed with another SECRET: nobody can deliver it
          continue;
        }
        try {
          await write(record.credentials, record.entries);
        } catch {
          await redis.lmove(processing, pending, "LEFT", "RIGHT");
          return delivered;
        }
        await redis.lrem(processing, 1, raw);
        delivered += record.entries.length;
      }
    },
    async size() {
      return (await redis.llen(pending)) + (await redis.llen(processing));
    },
  };
}
