import type { Redis } from "ioredis";
import { decrypt, deriveKey, encrypt } from "../crypto";
import { RetryableError } from "../errors";
import {
  DRAIN_BATCH_ENTRIES,
  offerInOrder,
  type Outbox,
  type OutboxRecord,
} from "../durable/outbox";
import { createRedisLock } from "./redis-lock";

/** How long (ms) one process may drain before it lets the lock go (the next tick goes on). */
const DRAIN_TURN_MS = 30_000;

// Forgets the per-connector counts once nothing waits: a process that died between delivering a
// record and uncounting it cannot keep its connector queueing behind an empty outbox for good.
const FORGET_WHEN_EMPTY = `if redis.call("llen", KEYS[1]) == 0 and redis.call("llen", KEYS[2]) == 0 then return redis.call("del", KEYS[3]) else return 0 end`;

/**
 * The outbox as a Redis list shared by every process, with a count per connector (a hash) of the
 * records it holds. One process drains at a time (a lock): it moves up to DRAIN_BATCH_ENTRIES
 * records to a processing list (LMOVE), so a process that dies mid-drain leaves them there for
 * the next drain, which puts them back first, in order.
 */
export function createRedisOutbox(redis: Redis, prefix: string, secret: string): Outbox {
  const sealKey = deriveKey(secret, "outbox");
  const pending = `${prefix}:outbox`;
  const processing = `${prefix}:outbox:processing`;
  const held = `${prefix}:outbox:held`;
  // Waits for no one: a process that finds another draining leaves the turn to it. The lease is
  // eight turns (240 s): no write begins after the turn's 30 s (offerInOrder's `until`), and one
  // write takes about 62 s at most (the firehose writer: 15 s a try, four tries, 2.1 s between),
  // perhaps after as long behind a batch of the same people (ADR 027), so it never lapses
  // mid-turn. A process that dies holding it stops replays for up to 4 minutes.
  const lock = createRedisLock(redis, prefix, { ttlMs: DRAIN_TURN_MS * 8, waitMs: 0 });
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

  /** The connector id of a stored record, read without its secret; undefined when unreadable. */
  const connectorIdOf = (raw: string): string | undefined => {
    try {
      const { id } = JSON.parse(raw) as { id?: unknown };
      return typeof id === "string" ? id : undefined;
    } catch {
      return undefined;
    }
  };

  /** Puts the processing list back where the next drain takes first, the oldest taken next. */
  async function putBack(): Promise<void> {
    while ((await redis.lmove(processing, pending, "RIGHT", "RIGHT")) !== null);
  }

  /**
   * One drain: every record offered in order until Hull stops taking them or the turn ends. The
   * records of a held connector (ConnectorHeld) stay in the processing list, in order, while the
   * turn goes on with the others', and go back first when it ends.
   */
  async function drainTurn(write: Parameters<Outbox["drain"]>[0]): Promise<number> {
    // Records a dead process was working on go back first.
    await putBack();
    try {
      return await offerTurn(write);
    } finally {
      await putBack();
    }
  }

  async function offerTurn(write: Parameters<Outbox["drain"]>[0]): Promise<number> {
    const turnEnds = Date.now() + DRAIN_TURN_MS;
    const heldConnectors = new Set<string>();
    let delivered = 0;
    while (Date.now() < turnEnds) {
      const raws: string[] = [];
      for (let taken = 0; taken < DRAIN_BATCH_ENTRIES; taken++) {
        const raw = await redis.lmove(pending, processing, "RIGHT", "RIGHT");
        if (raw === null) break;
        raws.push(raw);
      }
      if (raws.length === 0) {
        await redis.eval(FORGET_WHEN_EMPTY, 3, pending, processing, held);
        return delivered;
      }
      const kept: { raw: string; record: OutboxRecord }[] = [];
      for (const raw of raws) {
        try {
          kept.push({ raw, record: decode(raw) });
        } catch {
          // Sealed with another SECRET (or damaged): nobody can deliver it. It is uncounted too,
          // so that its connector does not queue behind a record that is gone.
          const forgotten = redis.multi().lrem(processing, 1, raw);
          const id = connectorIdOf(raw);
          if (id) forgotten.hincrby(held, id, -1);
          await forgotten.exec();
        }
      }
      const { taken, stopped } = await offerInOrder(
        kept.map(({ record }) => record),
        write,
        { held: heldConnectors, until: turnEnds },
      );
      const done = redis.multi();
      kept.forEach(({ raw, record }, index) => {
        if (!taken[index]) return; // stays in processing, put back when the turn ends
        done.lrem(processing, 1, raw).hincrby(held, record.credentials.id, -1);
        delivered += record.entries.length;
      });
      await done.exec();
      if (stopped) return delivered;
    }
    return delivered;
  }

  return {
    async append(credentials, entries) {
      await redis
        .multi()
        .hincrby(held, credentials.id, 1)
        .lpush(pending, encode({ credentials, entries }))
        .exec();
    },
    async drain(write) {
      try {
        return await lock.withLock("outbox-drain", () => drainTurn(write));
      } catch (error) {
        if (error instanceof RetryableError) return 0; // another process is draining
        throw error;
      }
    },
    async size() {
      return (await redis.llen(pending)) + (await redis.llen(processing));
    },
    async holds(connectorId) {
      return Number((await redis.hget(held, connectorId)) ?? 0) > 0;
    },
  };
}
