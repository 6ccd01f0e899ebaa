import type { Redis } from "ioredis";
import { deriveKey } from "../crypto";
import {
  sealConfirmed,
  unsealConfirmed,
  type ConfirmedConnectors,
} from "../durable/confirmed-connectors";

/**
 * The connectors Hull last confirmed, in one Redis hash shared by every process (ADR 031): a
 * process started during a Hull outage answers with what another confirmed. Throws what the
 * keys connection throws (RedisUnavailableError while Redis is away, ADR 029).
 */
export function createRedisConfirmedConnectors(
  redis: Redis,
  prefix: string,
  secret: string,
): ConfirmedConnectors {
  const key = deriveKey(secret, "confirmed-connectors");
  const hash = `${prefix}:confirmed-connectors`;
  return {
    async get(field) {
      const sealed = await redis.hget(hash, field);
      return sealed === null ? undefined : unsealConfirmed(key, sealed);
    },
    async set(field, confirmed) {
      await redis.hset(hash, field, sealConfirmed(key, confirmed));
    },
  };
}
