import type { Redis } from "ioredis";

/**
 * One connection for the connector's keys; BullMQ wants maxRetriesPerRequest null on its own.
 * ioredis is loaded on first use (a dynamic import the bundle keeps as one): the embedded mode never
 * loads it (~25 MB of RSS and a fifth of a second at start; issue 18).
 */
export async function createRedis(url: string): Promise<Redis> {
  const { Redis } = await import("ioredis");
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
