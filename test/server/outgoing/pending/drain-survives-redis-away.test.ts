import { describe, expect, it } from "vitest";
import type { HullCredentials } from "../../../../server/clients/hull/types";
import { RedisUnavailableError } from "../../../../server/errors";
import { createLogger } from "../../../../server/log";
import { createCustomAttributeCache } from "../../../../server/outgoing/intercom/custom-attributes";
import { startPendingDrain } from "../../../../server/outgoing/pending/drain-pending-users";
import type { PendingUsers } from "../../../../server/outgoing/pending/pending-users";

// docs/adr/029: with Redis away, the waiting users' drain lock refuses at once instead of waiting;
// the drain must neither leave that rejection unhandled (it would end the process) nor stop.

describe("startPendingDrain while the store (Redis) refuses", () => {
  it("goes on looking, with no rejection left unhandled, and drains once the store answers", async () => {
    const credentials = { id: "c1", organization: "o.example", secret: "s" } as HullCredentials;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    let claims = 0;
    let redisBack = false;
    let readAfterBack = false;
    const pending = {
      connectors: async () => [credentials],
      claim: async () => {
        claims++;
        if (!redisBack) throw new RedisUnavailableError(new Error("Command timed out"));
        return true;
      },
      release: async () => undefined,
      oldest: async () => {
        readAfterBack = true;
        return [];
      },
    } as unknown as PendingUsers;
    const drain = startPendingDrain(
      { logger: createLogger("silent"), pending } as unknown as Parameters<
        typeof startPendingDrain
      >[0],
      { attributeCache: createCustomAttributeCache(), pollMs: 20 },
    );
    try {
      await expect.poll(() => claims).toBeGreaterThanOrEqual(3);
      redisBack = true;
      await expect.poll(() => readAfterBack).toBe(true);
    } finally {
      await drain.stop();
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
