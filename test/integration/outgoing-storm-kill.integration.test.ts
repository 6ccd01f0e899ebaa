import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../sandbox/hull/index";
import { startIntercomSandbox, type IntercomSandbox } from "../../sandbox/intercom/index";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import {
  standInEnv,
  startConnectorProcess,
  type ConnectorProcess,
} from "../helpers/connector-process";
import {
  expectEveryUserOnce,
  intercomFault,
  prepareOutgoing,
  seedCustomers,
  type StormTarget,
} from "../helpers/outgoing-storm";

// Issue 21: the connector process is killed (SIGKILL: no shutdown, no flush) while it holds users
// a 429 storm kept from Intercom; a new process on the same DATA_DIR, or the same Redis, sends
// every one of them, each exactly once.
const USERS = Number(process.env.STORM_USERS ?? 2000);
let intercom: IntercomSandbox | undefined;
let hull: HullSandbox | undefined;
const processes: ConnectorProcess[] = [];
const redisPrefixes: string[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((connector) => connector.kill()));
  await Promise.all([hull?.close(), intercom?.close()]);
});
afterAll(async () => {
  if (redisPrefixes.length === 0) return;
  const redis = new Redis("redis://127.0.0.1:6379");
  for (const prefix of redisPrefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

async function startConnector(env: Record<string, string>): Promise<ConnectorProcess> {
  const connector = await startConnectorProcess(env);
  processes.push(connector);
  hull!.setConnectorUrl(connector.url);
  return connector;
}

/** How many users the connector says wait for Intercom (its dashboard's figure). */
async function waiting(connector: ConnectorProcess): Promise<number> {
  const query = new URLSearchParams({
    ship: hull!.connector.id,
    organization: hull!.organization,
    secret: hull!.connector.secret,
  });
  const response = await fetch(`${connector.url}/admin/api/overview?${query}`);
  const body = (await response.json()) as { outgoing: { waiting_users: number } };
  return body.outgoing.waiting_users;
}

async function killedMidStorm(extraEnv: Record<string, string>): Promise<void> {
  intercom = await startIntercomSandbox({ webhookRetryDelayMs: 100 });
  hull = await startHullSandbox({ notifyDelayMs: 50 });
  const env = {
    SECRET: "storm-kill-secret-0123456789",
    ...standInEnv(intercom, hull),
    DATA_DIR: mkdtempSync(join(tmpdir(), "storm-kill-")),
    ...extraEnv,
  };
  const doomed = await startConnector(env);
  const credentials = new URLSearchParams({
    ship: hull.connector.id,
    organization: hull.organization,
    secret: hull.connector.secret,
  });
  await connectThroughOAuth(`${doomed.url}/auth?${credentials}`);
  const target: StormTarget = { hullUrl: hull.url, intercomUrl: intercom.url };
  await prepareOutgoing(target);
  // Every request answered 429 until the process holding users has died: the storm ends on a
  // condition the test saw, not after a count of requests (which would reward spending more
  // requests into it, ADR 013) or a time (which a loaded machine can outlast).
  await intercomFault(target, { status: 429, share: 1 });
  const run = `kill-${randomUUID().slice(0, 8)}`;
  await seedCustomers(target, run, USERS);
  await expect.poll(() => waiting(doomed), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
  await doomed.kill();
  await intercomFault(target, {});
  const survivor = await startConnector(env);
  await expectEveryUserOnce(target, run, USERS);
  await expect.poll(() => waiting(survivor), { timeout: 60_000 }).toBe(0);
}

describe("a connector killed while it holds users a 429 storm kept from Intercom", () => {
  it("embedded: the restarted process sends them from DATA_DIR, each once", async () => {
    await killedMidStorm({});
  }, 600_000);

  it("Redis: the restarted process takes the drain over once the lock lapses, each once", async () => {
    const prefix = `storm-kill-${randomUUID()}`;
    redisPrefixes.push(prefix);
    await killedMidStorm({
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: prefix,
      JOB_LOCK_MS: "2000",
    });
  }, 600_000);
});
