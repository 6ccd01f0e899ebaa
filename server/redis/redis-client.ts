import { Redis } from "ioredis";

/** One connection for the connector's keys; BullMQ wants maxRetriesPerRequest null on its own. */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
