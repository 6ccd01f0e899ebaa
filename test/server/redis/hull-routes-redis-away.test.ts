import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../../sandbox/scenarios/connect-through-oauth";
import {
  closeBehindProxy,
  REDIS,
  startRedisProxy,
  type RedisProxy,
} from "../../helpers/redis-proxy";
import { startTestStack, type Stack } from "../../helpers/stack";
import { HEAVY_TEST_MS, waitUntil } from "../../helpers/wait";
import { hullControl, intercomControl } from "../outgoing/helpers/sandbox-control";

// docs/adr/029, Hull's side: the connector's own routes in the scale-out mode while Redis refuses
// connections (down) or stalls (the proxy holds what is sent and passes it on when it "wakes",
// as `kill -STOP` / `-CONT` would). The whole connector process (its keys connection and
// BullMQ's) reaches Redis through the proxy; Hull's notifications come from the Hull stand-in,
// which resends what is answered `retry` as Hull does. Nothing here measures time: an answer that
// comes at all (the stand-in waits 25 s, as Hull does) came within the command timeout's bound.

type Outage = "refuse" | "hold";
const OUTAGES: [Outage, string][] = [
  ["refuse", "refuses connections"],
  ["hold", "stalls"],
];

const plain = new Redis(`redis://${REDIS.host}:${REDIS.port}`, { maxRetriesPerRequest: 2 });
const prefix = `hull-routes-redis-away-${randomUUID()}`;
let proxy: RedisProxy;
let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;
let customers: { id: string; name: string };

beforeAll(async () => {
  proxy = await startRedisProxy();
  stack = await startTestStack({
    env: { REDIS_URL: proxy.url, REDIS_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: "500" },
    // Hull resends a notification answered `retry` for as long as it takes; the stand-in's
    // default (10 resends, 1 s apart) would make the test depend on how fast Redis comes back.
    notifyRetryLimit: 100_000,
  });
  hull = hullControl(stack);
  intercom = intercomControl(stack);
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  customers = await hull.createSegment("Customers", { customer: true });
  await hull.settings({ synchronized_segments: [customers.id] });
}, HEAVY_TEST_MS);

// A test that failed mid-outage leaves Redis back for the next one, and the Hull stand-in done
// resending: it sends one notification at a time, so one still answered `retry` would hold back
// the next test's.
afterEach(async () => {
  if (proxy.mode !== "pass") {
    proxy.wake();
    await expect.poll(redisHealth, { timeout: 60_000 }).toBe("answering");
  }
  await waitUntil(
    async () => {
      const deliveries = (await hull.notifications()) as Delivery[];
      const ended = new Set(
        deliveries
          .filter(
            (d) =>
              d.outcome === "given-up" || (d.status !== undefined && d.outcome === "delivered"),
          )
          .map((d) => d.notification_id),
      );
      return deliveries.every((d) => ended.has(d.notification_id));
    },
    { what: "the Hull stand-in to have no notification left to resend" },
  );
});

afterAll(async () => {
  await closeBehindProxy({ proxy, app: stack, plain, prefix });
});

/** What the connector's `/health` says of Redis: "answering" or "not answering". */
async function redisHealth(): Promise<unknown> {
  const health = (await (await fetch(`${stack.urls.connector}/health`)).json()) as {
    redis?: unknown;
  };
  return health.redis;
}

/** Redis goes away: refused (and the connector knows it), or stalled (it finds out itself). */
async function redisAway(outage: Outage): Promise<void> {
  if (outage === "refuse") {
    proxy.mode = "refuse";
    proxy.cutClients();
    await expect.poll(redisHealth).toBe("not answering");
  } else {
    proxy.mode = "hold";
  }
}

/**
 * Redis comes back (a stalled one first runs what it was sent meanwhile), and the connector has
 * seen it answer: every command sent during the outage has run or never will.
 */
async function redisBack(outage: Outage): Promise<void> {
  if (outage === "refuse") proxy.mode = "pass";
  else proxy.wake();
  await expect.poll(redisHealth, { timeout: 60_000 }).toBe("answering");
}

const jobRecords = () => plain.hkeys(`${prefix}:jobs`);
const keptUsers = () => plain.keys(`${prefix}:pending:*`);
const connectorUrl = (path: string) =>
  `${stack.urls.connector}${path}${path.includes("?") ? "&" : "?"}${stack.credentialsQuery}`;

type Delivery = Awaited<ReturnType<typeof hull.notifications>>[number] & {
  notification_id: string;
};

/** The first answered delivery of a notification that `matches`, once there is one. */
function answered(matches: (delivery: Delivery) => boolean): Promise<Delivery> {
  return waitUntil(
    async () =>
      ((await hull.notifications()) as Delivery[]).find(
        (delivery) => delivery.status !== undefined && matches(delivery),
      ),
    { what: "the notification's answer" },
  );
}

describe("POST /smart-notifier while Redis is away", () => {
  for (const [outage, says] of OUTAGES) {
    it(
      `user:update while Redis ${says}: 503 with retry, nothing sent or kept; Hull's resend is sent once Redis is back`,
      async () => {
        await intercom.clearRequests();
        const jobsBefore = await jobRecords();
        const email = `${outage}-${randomUUID().slice(0, 8)}@example.com`;
        await redisAway(outage);
        // A new customer: Hull sends its user:update on its own.
        const [user] = await hull.seedUsers([
          { claims: { email }, attributes: { customer: true } },
        ]);
        const refused = await answered(
          (delivery) => delivery.channel === "user:update" && delivery.user_ids.includes(user!.id),
        );
        // hull-platform.md §2.4 and §3 (hull's own connector framework, lib/connector/
        // hull-connector.js): a transient error answers 503 with the `retry` flow control.
        expect(refused).toMatchObject({
          status: 503,
          outcome: "retrying",
          flow_control: { type: "retry", in: expect.any(Number) },
        });
        // Nothing half-written while Redis is still away: Intercom was not called, no user was
        // kept for the drain, no job was stored.
        expect(await intercom.requests()).toEqual([]);
        expect(await keptUsers()).toEqual([]);
        expect(await jobRecords()).toEqual(jobsBefore);

        await redisBack(outage);
        const done = await answered(
          (delivery) =>
            delivery.notification_id === refused.notification_id &&
            delivery.outcome === "delivered",
        );
        expect(done).toMatchObject({ status: 200, flow_control: { type: "next" } });
        expect(done.attempt).toBeGreaterThan(refused.attempt);
        await waitUntil(async () =>
          (await intercom.contacts()).some((contact) => contact.email === email),
        );
        expect((await intercom.contacts()).filter((c) => c.email === email)).toHaveLength(1);
        expect(await jobRecords()).toEqual(jobsBefore);
      },
      HEAVY_TEST_MS,
    );
  }

  it(
    "ship:update and users_segment:update need nothing from Redis: answered next and done while it refuses",
    async () => {
      // The segment's tag exists (the tests above sent its members), so a rename renames it.
      await waitUntil(
        async () =>
          (await intercom.contacts()).some((contact) => contact.tags.includes("Customers")),
        { what: "the Customers tag" },
      );
      await redisAway("refuse");
      await intercom.clearRequests();
      const since = (await hull.notifications()).length;
      await hull.renameSegment(customers.id, "Customers (renamed)");
      const segment = await waitUntil(
        async () =>
          ((await hull.notifications()) as Delivery[])
            .slice(since)
            .find((d) => d.channel === "users_segment:update" && d.status !== undefined),
        { what: "the users_segment:update answer" },
      );
      expect(segment).toMatchObject({
        status: 200,
        outcome: "delivered",
        flow_control: { type: "next" },
      });
      expect((await intercom.requests()).map((r) => `${r.method} ${r.path}`)).toContain(
        "POST /tags",
      );

      await fetch(`${stack.urls.hull}/_sandbox/connector/settings`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ settings: { widget_url: `${stack.urls.intercom}/widget/changed` } }),
      });
      const ship = await waitUntil(
        async () =>
          ((await hull.notifications()) as Delivery[])
            .slice(since)
            .find((d) => d.channel === "ship:update" && d.status !== undefined),
        { what: "the ship:update answer" },
      );
      expect(ship).toMatchObject({
        status: 200,
        outcome: "delivered",
        flow_control: { type: "next" },
      });
      await redisBack("refuse");
    },
    HEAVY_TEST_MS,
  );
});

describe("Hull's schedules while Redis is away", () => {
  for (const [outage, says] of OUTAGES) {
    it(
      `/sync and /fetch-leads while Redis ${says}: 503 naming Redis and no job; after it is back they run`,
      async () => {
        const jobsBefore = await jobRecords();
        await redisAway(outage);
        for (const path of ["/sync", "/fetch-leads"]) {
          const response = await fetch(connectorUrl(path), { method: "POST" });
          expect(response.status).toBe(503);
          expect(((await response.json()) as { error: string }).error).toMatch(/Redis/);
        }
        await redisBack(outage);
        // A stalled Redis ran the job's save and, behind it, its removal: no record either way.
        expect(await jobRecords()).toEqual(jobsBefore);

        for (const path of ["/sync", "/fetch-leads"]) {
          const response = await fetch(connectorUrl(path), { method: "POST" });
          expect(response.status).toBe(202);
          const { job } = (await response.json()) as { job: { id: string } };
          await waitUntil(
            async () => {
              const { jobs } = (await (await fetch(connectorUrl("/jobs"))).json()) as {
                jobs: { id: string; state: string }[];
              };
              return jobs.find((listed) => listed.id === job.id)?.state === "done";
            },
            { what: `the job ${path} started to be done` },
          );
        }
      },
      HEAVY_TEST_MS,
    );
  }

  it(
    "/status while Redis refuses: answered and reported to Hull as usual (it needs nothing from Redis)",
    async () => {
      const jobsBefore = await jobRecords();
      await redisAway("refuse");
      const response = await fetch(connectorUrl("/status"), { method: "POST" });
      const body = (await response.json()) as { status: string; messages: string[] };
      await redisBack("refuse");
      expect(response.status).toBe(200);
      expect(body).toMatchObject({ status: expect.any(String), messages: expect.any(Array) });
      expect(await jobRecords()).toEqual(jobsBefore);
    },
    HEAVY_TEST_MS,
  );
});

describe("GET /ship/settings while Redis is away", () => {
  for (const [outage, says] of OUTAGES) {
    it(
      `answers 503 naming Redis while it ${says}, and the settings once it is back`,
      async () => {
        const url = `${stack.urls.connector}/ship/settings?ship=${stack.hull.connector.id}`;
        await redisAway(outage);
        const refused = await fetch(url);
        expect(refused.status).toBe(503);
        expect(((await refused.json()) as { error: string }).error).toMatch(/Redis/);
        // Not kept by the website's browser or a CDN as if it were the settings.
        expect(refused.headers.get("cache-control") ?? "").not.toMatch(/max-age/);
        await redisBack(outage);
        const answeredAgain = await fetch(url);
        expect(answeredAgain.status).toBe(200);
        expect(await answeredAgain.json()).toMatchObject({ app_id: stack.intercom.appId });
      },
      HEAVY_TEST_MS,
    );
  }
});
