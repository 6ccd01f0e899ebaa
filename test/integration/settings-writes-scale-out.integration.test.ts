// Issue 16, finding 7: with two connector processes on one Redis, a settings save through one and
// the custom attribute names recorded by the other must both survive (docs/adr/005). Hull here is
// minihull (Hull's own fake), whose PUT replaces private_settings whole, as Hull's API does.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRedis } from "../../server/redis/redis-client";
import type { RunningConnector } from "../../server/main";
import { startMinihullStack, type MinihullStack } from "../conformance/hull/minihull-stack";

const prefix = `test-settings-lock-${randomBytes(6).toString("hex")}`;
let stack: MinihullStack;
let other: RunningConnector;

beforeAll(async () => {
  stack = await startMinihullStack({
    env: { REDIS_URL: "redis://127.0.0.1:6379", REDIS_PREFIX: prefix },
  });
  other = await stack.startExtraConnector();
}, 60_000);

afterAll(async () => {
  await stack?.close();
  const redis = await createRedis("redis://127.0.0.1:6379");
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/**
 * Widens the read-merge-write window as a slow Hull would: a read of the connector is held until a
 * second read arrives (both then answered with the same settings) or a second has passed.
 */
function holdConnectorReads(connectorId: string) {
  let waiting: (() => void)[] = [];
  let reads = 0;
  stack.minihull
    .stubApp("get", `/api/v1/${connectorId}`)
    .respond((_req: IncomingMessage, res: ServerResponse & { json(body: unknown): void }) => {
      reads += 1;
      const answer = () =>
        res.json(stack.minihull.db.get("connectors").find({ id: connectorId }).value());
      waiting.push(answer);
      const release = () => {
        const answers = waiting;
        waiting = [];
        for (const send of answers) send();
      };
      if (waiting.length >= 2) release();
      else setTimeout(release, 1000);
    });
  return { reads: () => reads };
}

it("keeps both writes when two processes write one connector's settings at once", async () => {
  const { credentials } = stack;
  stack.minihull.db.get("connectors").find({ id: credentials.id }).value().private_settings = {
    access_token: "token",
    tag_mapping: { s0: "t0" },
  };
  const held = holdConnectorReads(credentials.id);
  const first = stack.connector.deps.hullClient(credentials);
  const second = other.deps.hullClient(credentials);
  // What a dashboard save writes, and what the webhook flow writes when it sees new custom
  // attribute names (server/incoming/webhook/receive-notification.ts).
  await Promise.all([
    first.updateSettings({ private_settings: { synchronized_segments: ["s1"] } }),
    second.updateSettings({ private_settings: { custom_attributes: ["plan", "seats"] } }),
  ]);
  expect(held.reads()).toBe(2);
  expect(stack.stored().private_settings).toEqual({
    access_token: "token",
    tag_mapping: { s0: "t0" },
    synchronized_segments: ["s1"],
    custom_attributes: ["plan", "seats"],
  });
}, 60_000);
