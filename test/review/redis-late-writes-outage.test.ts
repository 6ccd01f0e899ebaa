// Review finding: LateWrites.track is documented "Throws when the mark cannot be kept (Redis)", and
// writeToHull catches that to log "a late firehose write could not be marked" and go on keeping
// the entries. But the connector's Redis client is built with `maxRetriesPerRequest: null`
// (server/redis/redis-client.ts): while Redis is unreachable a command neither fails nor answers,
// it waits in ioredis's offline queue. So with Redis down, a webhook whose Hull write went late
// never reaches `keep`: it hangs on the mark past Intercom's 5 s (ADR 003), and the warning branch
// cannot run. (The same holds for `has` in the replay, which then holds the drain lock's turn.)
import { describe, expect, it } from "vitest";
import { createRedis } from "../../server/redis/redis-client";
import { createRedisLateWrites } from "../../server/redis/redis-late-writes";
import { waitUntil } from "../helpers/wait";

describe("createRedisLateWrites when Redis is unreachable", () => {
  it("track rejects, as its contract says, rather than waiting for Redis to come back", async () => {
    // Nothing listens on port 1: Redis is down for as long as the test runs.
    const redis = await createRedis("redis://127.0.0.1:1");
    redis.on("error", () => undefined);
    try {
      const lateWrites = createRedisLateWrites(redis, "review-outage");
      let outcome: string | undefined;
      lateWrites.track("c1", new Promise(() => undefined)).then(
        () => (outcome = "resolved"),
        () => (outcome = "rejected"),
      );
      // A ceiling for a hang (the webhook had 5 s in all), not a measurement.
      await waitUntil(() => outcome, { what: "track to settle", timeoutMs: 10_000 }).catch(
        () => undefined,
      );
      expect(outcome ?? "still waiting for Redis").toBe("rejected");
    } finally {
      redis.disconnect();
    }
  });
});
