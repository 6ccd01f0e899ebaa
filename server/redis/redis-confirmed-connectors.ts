import type { Redis } from "ioredis";
import { KEPT_MAX_AGE_MS } from "../clients/hull/authenticate";
import { deriveKey } from "../crypto";
import {
  sealConfirmed,
  unsealConfirmed,
  type ConfirmedConnectors,
} from "../durable/confirmed-connectors";

/**
 * The connectors Hull last confirmed, one Redis key per set of credentials, shared by every
 * process (ADR 031): a process started during a Hull outage answers with what another confirmed.
 * Each key expires an hour after the age a kept answer may stand in (`KEPT_MAX_AGE_MS`), so
 * answers for deleted connectors, old secrets or another SECRET do not pile up; an answer in use
 * is written again hourly. Throws what the keys connection throws (RedisUnavailableError while
 * Redis is away, ADR 029).
 */
export function createRedisConfirmedConnectors(
  redis: Redis,
  prefix: string,
  secret: string,
  ttlMs = KEPT_MAX_AGE_MS + 3_600_000,
): ConfirmedConnectors {
  const key = deriveKey(secret, "confirmed-connectors");
  const keyOf = (hash: string) => `${prefix}:confirmed-connector:${hash}`;
  return {
    async get(hash) {
      const sealed = await redis.get(keyOf(hash));
      return sealed === null ? undefined : unsealConfirmed(key, sealed);
    },
    async set(hash, confirmed) {
      await redis.set(keyOf(hash), sealConfirmed(key, confirmed), "PX", ttlMs);
    },
  };
}
