import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../../sandbox/scenarios/connect-through-oauth";
import { createRedisKeys } from "../../../server/redis/redis-client";
import { REDIS_UNREACHABLE_MESSAGE } from "../../../server/status/compute-status";
import {
  closeBehindProxy,
  REDIS,
  startRedisProxy,
  type RedisProxy,
} from "../../helpers/redis-proxy";
import { hullConnector, startTestStack, type Stack } from "../../helpers/stack";
import { HEAVY_TEST_MS, WAIT_CEILING_MS } from "../../helpers/wait";
import { hullControl } from "../outgoing/helpers/sandbox-control";

// docs/adr/033: in the scale-out mode, the connector's status — answered to Hull's /status call
// and PUT to Hull — says when Redis is away (refused, or stalled: the proxy holds what is sent and
// passes it on when it "wakes", as `kill -STOP` / `-CONT` would), and says it no more once Redis
// answers again. The whole connector process reaches Redis through the proxy. Nothing here
// measures time: every wait is on a condition, under a ceiling that only catches a hang.

type Status = { status: string; messages: string[] };

describe("RedisKeys.probe: asks Redis now, bounded, never rejects", () => {
  it(
    "true while Redis answers; false while it refuses or is silent; true again once it is back",
    async () => {
      const proxy = await startRedisProxy();
      const keys = await createRedisKeys(proxy.url, { commandTimeoutMs: 500 });
      try {
        await keys.ready();
        expect(await keys.probe()).toBe(true);

        // Silent: the connection still looks ready and nothing has failed on it yet, so only a
        // command sent now can tell; the PING fails on its timeout.
        proxy.mode = "drop";
        expect(keys.answering()).toBe(true);
        const [first, second] = [keys.probe(), keys.probe()];
        expect(second).toBe(first); // one PING out at a time, shared
        expect(await first).toBe(false);
        expect(keys.answering()).toBe(false);

        proxy.mode = "pass";
        proxy.cutClients();
        await expect.poll(() => keys.probe(), { timeout: WAIT_CEILING_MS }).toBe(true);
        expect(keys.answering()).toBe(true);

        // Down: refused at once by the connection (no offline queue), no timeout to wait for.
        proxy.mode = "refuse";
        proxy.cutClients();
        await expect.poll(() => keys.probe(), { timeout: WAIT_CEILING_MS }).toBe(false);
        proxy.mode = "pass";
        await expect.poll(() => keys.probe(), { timeout: WAIT_CEILING_MS }).toBe(true);
      } finally {
        keys.redis.disconnect();
        await proxy.close();
      }
    },
    HEAVY_TEST_MS,
  );
});

describe("the connector's status while Redis is away", () => {
  const plain = new Redis(`redis://${REDIS.host}:${REDIS.port}`, { maxRetriesPerRequest: 2 });
  const prefix = `status-redis-away-${randomUUID()}`;
  let proxy: RedisProxy;
  let stack: Stack;

  beforeAll(async () => {
    proxy = await startRedisProxy();
    stack = await startTestStack({
      env: { REDIS_URL: proxy.url, REDIS_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: "500" },
    });
    await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
    // Nothing else to say about this connector: its status is "ok" while Redis answers.
    const customers = await hullControl(stack).createSegment("Customers", { customer: true });
    await hullControl(stack).settings({
      synchronized_segments: [customers.id],
      send_events: ["Signed up"],
    });
  }, HEAVY_TEST_MS);

  afterAll(async () => {
    await closeBehindProxy({ proxy, app: stack, plain, prefix });
  });

  /** Hull's status call (its 5-minute schedule, manifest.json): the answer. */
  async function statusCall(): Promise<Status> {
    const response = await fetch(`${stack.urls.connector}/status?${stack.credentialsQuery}`, {
      method: "POST",
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Status;
  }

  /** What Hull holds as the connector's status (what its admin sees), from the PUT. */
  async function statusInHull(): Promise<Status> {
    const { status } = (await hullConnector(stack)) as unknown as { status: Status };
    return { status: status.status, messages: status.messages };
  }

  const ok: Status = { status: "ok", messages: [] };
  const storeAway: Status = { status: "error", messages: [REDIS_UNREACHABLE_MESSAGE] };

  for (const [outage, says] of [
    ["refuse", "refuses connections"],
    ["hold", "stalls"],
  ] as const) {
    it(
      `while Redis ${says}: "error" saying the store is unreachable, to Hull too; "ok" once it is back`,
      async () => {
        expect(await statusCall()).toEqual(ok);

        proxy.mode = outage;
        if (outage === "refuse") proxy.cutClients();
        // One status call finds out (a stall: its own PING times out), whatever else ran before.
        const answer = await statusCall();
        expect(answer).toEqual(storeAway);
        expect(await statusInHull()).toEqual(storeAway);
        // Nothing of the deployment in what Hull shows: not Redis's address or port.
        for (const text of [JSON.stringify(answer), JSON.stringify(await statusInHull())]) {
          expect(text).not.toContain(proxy.url);
          expect(text).not.toContain(String(proxy.port));
        }

        if (outage === "refuse") proxy.mode = "pass";
        else proxy.wake();
        await expect.poll(statusCall, { timeout: WAIT_CEILING_MS }).toEqual(ok);
        expect(await statusInHull()).toEqual(ok);
      },
      HEAVY_TEST_MS,
    );
  }
});
