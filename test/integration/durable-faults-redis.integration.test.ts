import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import type { RunningConnector } from "../../server/main";
import { conversationNotification, deliverSigned } from "../helpers/intercom-webhooks";
import { startTestStack, type Stack } from "../helpers/stack";

// Issue 16, finding 2 in scale-out: two processes on one Redis, a poison record in the Redis
// outbox, a restart; every acknowledged webhook reaches Hull exactly once, the poison is
// dead-lettered in Redis and retried from the other process's dashboard API.

type HullUser = {
  email: string | null;
  events: { properties: Record<string, unknown> }[];
};
type DeadLetterRow = { id: string; source: string; reason: string; who: string };

const prefix = `durable-faults-${randomUUID()}`;
let stack: Stack;
let other: RunningConnector;
let userId: string;
const acknowledged = new Set<string>();
const json = { "content-type": "application/json" };
const post = async (url: string, body: unknown = {}) =>
  (await (
    await fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) })
  ).json()) as Record<string, unknown>;
const hullUsers = async () =>
  (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as HullUser[];
const deadLetters = async (base: string) =>
  (await (await fetch(`${base}/admin/api/dead-letters?${stack.credentialsQuery}`)).json()) as {
    letters: DeadLetterRow[];
  };

async function sendReply(base: string, message: string): Promise<number> {
  const envelope = conversationNotification(stack.intercom.appId, userId, message, {
    id: `notif_${message}`,
  });
  const response = await deliverSigned(base, stack.intercom.clientSecret, envelope);
  if (response.status === 200) acknowledged.add(message);
  return response.status;
}

beforeAll(async () => {
  stack = await startTestStack({
    env: { REDIS_URL: "redis://127.0.0.1:6379", REDIS_PREFIX: prefix, JOB_LOCK_MS: "2000" },
  });
  other = await stack.startExtraConnector();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  userId = (
    (await post(`${stack.urls.intercom}/_sandbox/contacts`, {
      contacts: [{ role: "user", email: "ada@example.com", external_id: "a-1" }],
    })) as { ids: string[] }
  ).ids[0]!;
}, 60_000);

afterAll(async () => {
  await stack?.close();
  const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("a poison record in the Redis outbox, and a restart", () => {
  it("never blocks the records behind it; it is dead-lettered in Redis and can be retried", async () => {
    await post(`${stack.urls.hull}/_sandbox/faults`, { status: 503 });
    await post(`${stack.urls.intercom}/_sandbox/contacts`, {
      contacts: [
        { role: "user", email: "blank-id@example.com", external_id: "  " },
        { role: "user", email: "poison@example.com", external_id: "p-1" },
      ],
    });
    for (const index of [1, 2, 3]) {
      expect(await sendReply(stack.urls.connector, `behind the poison ${index}`)).toBe(200);
      expect(await sendReply(other.deps.publicUrl, `on the other process ${index}`)).toBe(200);
    }
    await expect
      .poll(
        async () => {
          const { deliveries } = (await (
            await fetch(`${stack.urls.intercom}/_sandbox/webhooks`)
          ).json()) as { deliveries: { delivered: boolean }[] };
          return deliveries.every((delivery) => delivery.delivered);
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(true);

    await stack.restartConnector();
    expect(await sendReply(stack.urls.connector, "after the restart")).toBe(200);
    await post(`${stack.urls.hull}/_sandbox/faults`, {
      refuse_claims: { email: "poison@example.com" },
    });

    const replies = async () =>
      (await hullUsers()).flatMap((user) =>
        user.events.map((event) => event.properties.message as string),
      );
    await expect
      .poll(
        async () => {
          const seen = new Set(await replies());
          return [...acknowledged].filter((message) => !seen.has(message));
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual([]);
    const seen = await replies();
    for (const message of acknowledged)
      expect(
        seen.filter((found) => found === message),
        message,
      ).toHaveLength(1);
    expect(acknowledged.size).toBe(7);
    await expect
      .poll(
        async () => (await hullUsers()).filter((user) => user.email === "blank-id@example.com"),
        {
          timeout: 30_000,
        },
      )
      .toHaveLength(1);

    const poison = (await deadLetters(other.deps.publicUrl)).letters.find((letter) =>
      letter.who.includes("poison@example.com"),
    );
    expect(poison).toMatchObject({ source: "replay" });
    await post(`${stack.urls.hull}/_sandbox/faults`, {});
    expect(
      await post(
        `${other.deps.publicUrl}/admin/api/dead-letters/${poison!.id}/retry?${stack.credentialsQuery}`,
      ),
    ).toEqual({ outcome: "written" });
    expect((await hullUsers()).filter((user) => user.email === "poison@example.com")).toHaveLength(
      1,
    );
    expect((await deadLetters(stack.urls.connector)).letters).toEqual([]);
  }, 120_000);
});
