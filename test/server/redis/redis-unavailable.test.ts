import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../../sandbox/scenarios/connect-through-oauth";
import { createApp, type AppDeps } from "../../../server/app";
import { RedisUnavailableError } from "../../../server/errors";
import { createRedisKeys, type RedisKeys } from "../../../server/redis/redis-client";
import { createRedisDeadLetters } from "../../../server/redis/redis-dead-letters";
import { createRedisDeduplicator } from "../../../server/redis/redis-deduplicator";
import { createRedisLateWrites } from "../../../server/redis/redis-late-writes";
import { createRedisOutbox } from "../../../server/redis/redis-outbox";
import { createRedisPendingUsers } from "../../../server/redis/redis-pending-users";
import { createRedisRegistry } from "../../../server/redis/redis-registry";
import { SANDBOX_SECRET } from "../../../scripts/stack";
import { conversationNotification, deliverSigned } from "../../helpers/intercom-webhooks";
import { closedPort, REDIS, startRedisProxy, startSilentServer } from "../../helpers/redis-proxy";
import { startTestStack, type Stack } from "../../helpers/stack";

// docs/adr/029: in the scale-out mode, Redis away or silent answers a request 503 (naming Redis)
// instead of a wait without end, and a command the caller was told failed never runs later.
// Nothing here measures time: each answer must only come before the test's ceiling.

const ANSWER_CEILING_MS = 30_000;

const plain = new Redis(`redis://${REDIS.host}:${REDIS.port}`, { maxRetriesPerRequest: 2 });
const prefix = `redis-unavailable-${randomUUID()}`;
const opened: RedisKeys[] = [];
const servers: HttpServer[] = [];

async function keysAt(port: number, commandTimeoutMs = 500): Promise<RedisKeys> {
  const keys = await createRedisKeys(`redis://127.0.0.1:${port}`, { commandTimeoutMs });
  opened.push(keys);
  return keys;
}

/** Answers whether a PING on `keys` comes back (false while Redis is away or silent). */
const answers = (keys: RedisKeys) =>
  keys.redis.ping().then(
    () => true,
    () => false,
  );

afterAll(async () => {
  for (const keys of opened) keys.redis.disconnect();
  for (const server of servers) server.close();
  const left = await plain.keys(`${prefix}*`);
  if (left.length > 0) await plain.del(...left);
  await plain.quit();
});

describe("createRedisKeys: a command the caller was told failed never runs later", () => {
  it(
    "a write sent while Redis is away fails, and is not sent when Redis is back",
    async () => {
      const proxy = await startRedisProxy();
      const keys = await keysAt(proxy.port);
      await keys.ready();
      proxy.mode = "refuse";
      proxy.cutClients();
      await expect.poll(() => answers(keys)).toBe(false);
      const key = `${prefix}:offline`;
      await expect(keys.redis.set(key, "written behind the caller's back")).rejects.toBeInstanceOf(
        RedisUnavailableError,
      );
      proxy.mode = "pass";
      // Once a PING comes back on the new connection, anything queued before it has run.
      await expect.poll(() => answers(keys), { timeout: ANSWER_CEILING_MS }).toBe(true);
      expect(await plain.get(key)).toBeNull();
      keys.redis.disconnect();
      await proxy.close();
    },
    2 * ANSWER_CEILING_MS,
  );

  it(
    "a write that timed out on a silent connection is not sent again on the next one",
    async () => {
      const proxy = await startRedisProxy();
      const keys = await keysAt(proxy.port);
      await keys.ready();
      proxy.mode = "drop";
      const key = `${prefix}:timed-out`;
      await expect(keys.redis.set(key, "written behind the caller's back")).rejects.toBeInstanceOf(
        RedisUnavailableError,
      );
      expect(keys.answering()).toBe(false);
      proxy.mode = "pass";
      proxy.cutClients();
      await expect.poll(() => answers(keys), { timeout: ANSWER_CEILING_MS }).toBe(true);
      expect(await plain.get(key)).toBeNull();
      expect(keys.answering()).toBe(true);
      keys.redis.disconnect();
      await proxy.close();
    },
    2 * ANSWER_CEILING_MS,
  );
});

describe("an Intercom webhook while the keys connection's Redis is away or silent", () => {
  let stack: Stack;
  let contactId: string;
  beforeAll(async () => {
    stack = await startTestStack({
      env: { REDIS_URL: `redis://${REDIS.host}:${REDIS.port}`, REDIS_PREFIX: prefix },
    });
    await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
    const created = (await (
      await fetch(`${stack.urls.intercom}/_sandbox/contacts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contacts: [{ role: "user", email: "redis-away@example.com" }] }),
      })
    ).json()) as { ids: string[] };
    contactId = created.ids[0]!;
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** The stack's connector, its Redis-backed stores on `keys` (same prefix), on a port of its own. */
  async function connectorOn(keys: RedisKeys): Promise<string> {
    const redis = keys.redis;
    const deps: AppDeps = {
      ...stack.connector.deps,
      registry: createRedisRegistry(redis, prefix, SANDBOX_SECRET),
      deduplicator: createRedisDeduplicator(redis, prefix),
      outbox: createRedisOutbox(redis, prefix, SANDBOX_SECRET),
      lateWrites: createRedisLateWrites(redis, prefix),
      deadLetters: createRedisDeadLetters(redis, prefix),
      pending: createRedisPendingUsers(redis, prefix, SANDBOX_SECRET),
      redisAnswering: keys.answering,
    };
    const server = createHttpServer(createApp(deps).callback());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async function deliver(base: string, message: string) {
    const envelope = conversationNotification(stack.intercom.appId, contactId, message);
    const response = await deliverSigned(base, stack.intercom.clientSecret, envelope);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function expectRefusedNamingRedis(base: string) {
    const before = await stack.connector.deps.outbox.size();
    const { status, body } = await deliver(base, `refused ${randomUUID()}`);
    expect(status).toBe(503);
    expect(String(body.error)).toMatch(/Redis/);
    expect(await stack.connector.deps.outbox.size()).toBe(before);
    const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, redis: "not answering" });
  }

  it(
    "answers 503 naming Redis when Redis accepts connections and never answers",
    async () => {
      const silent = await startSilentServer();
      try {
        await expectRefusedNamingRedis(await connectorOn(await keysAt(silent.port)));
      } finally {
        silent.close();
      }
    },
    ANSWER_CEILING_MS,
  );

  it(
    "answers 503 naming Redis when Redis is unreachable (a closed port)",
    async () => {
      await expectRefusedNamingRedis(await connectorOn(await keysAt(await closedPort())));
    },
    ANSWER_CEILING_MS,
  );

  it(
    "a webhook refused while Redis stalls is written on Intercom's retry, not taken for a duplicate",
    async () => {
      const proxy = await startRedisProxy();
      const keys = await keysAt(proxy.port);
      await keys.ready();
      const base = await connectorOn(keys);
      const envelope = conversationNotification(stack.intercom.appId, contactId, "stalled");
      proxy.mode = "hold";
      const refused = await deliverSigned(base, stack.intercom.clientSecret, envelope);
      expect(refused.status).toBe(503);
      // Redis wakes and runs what it was sent meanwhile: the de-duplication claim among it.
      proxy.wake();
      await expect.poll(() => answers(keys), { timeout: ANSWER_CEILING_MS }).toBe(true);
      const retried = await deliverSigned(base, stack.intercom.clientSecret, envelope);
      expect(retried.status).toBe(200);
      expect(await retried.json()).toMatchObject({ outcome: "written" });
      keys.redis.disconnect();
      await proxy.close();
    },
    3 * ANSWER_CEILING_MS,
  );

  it(
    "answers 503 naming Redis when Redis stops answering a ready connection, and 200 once it is back",
    async () => {
      const proxy = await startRedisProxy();
      const keys = await keysAt(proxy.port);
      await keys.ready();
      const base = await connectorOn(keys);
      expect((await deliver(base, "before the silence")).status).toBe(200);
      proxy.mode = "drop";
      await expectRefusedNamingRedis(base);
      proxy.mode = "pass";
      proxy.cutClients();
      await expect.poll(() => answers(keys), { timeout: ANSWER_CEILING_MS }).toBe(true);
      expect((await deliver(base, "after the silence")).status).toBe(200);
      const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ ok: true, redis: "answering" });
      keys.redis.disconnect();
      await proxy.close();
    },
    3 * ANSWER_CEILING_MS,
  );
});
