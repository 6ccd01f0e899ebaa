import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { conversationNotification, deliverSigned } from "../helpers/intercom-webhooks";
import { startTestStack, type Stack } from "../helpers/stack";
import { waitUntil } from "../helpers/wait";

// A Redis of our own (append-only, as a production Redis would be), restarted under the connector.
let redis: ChildProcess;
let port: number;
const dir = mkdtempSync(join(tmpdir(), "redis-restart-"));
let stack: Stack;
const json = { "content-type": "application/json" };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
}

async function startRedis(): Promise<void> {
  redis = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--dir",
      dir,
    ],
    { stdio: "ignore" },
  );
  const ping = () =>
    spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout.trim();
  await waitUntil(() => ping() === "PONG", { what: "redis-server to answer PING" });
}

async function stopRedis(): Promise<void> {
  const exited = new Promise((resolve) => redis.once("exit", resolve));
  redis.kill("SIGTERM");
  await exited;
}

const deliver = (envelope: unknown) =>
  deliverSigned(stack.urls.connector, stack.intercom.clientSecret, envelope).then((response) =>
    response.json(),
  );

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  stack = await startTestStack({
    env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: `restart-${randomUUID()}` },
  });
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
});

afterAll(async () => {
  await stack?.close();
  await stopRedis();
});

describe("Redis restarted under a running connector", () => {
  it("keeps routing webhooks, recognises redeliveries and runs fetches once it is back", async () => {
    const contact = (
      (await (
        await fetch(`${stack.urls.intercom}/_sandbox/contacts`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ contacts: [{ role: "user", email: "redis@example.com" }] }),
        })
      ).json()) as { ids: string[] }
    ).ids[0];
    const envelope = conversationNotification(stack.intercom.appId, contact!, "Before the restart");
    expect(await deliver(envelope)).toEqual({ outcome: "written" });

    await stopRedis();
    await startRedis();

    await expect.poll(() => deliver(envelope), { interval: 250 }).toEqual({ outcome: "duplicate" });
    const fresh = { ...envelope, id: `notif_${randomUUID()}` };
    expect(await deliver(fresh)).toEqual({ outcome: "written" });
    const started = (await (
      await fetch(`${stack.urls.connector}/fetch-all?${stack.credentialsQuery}`, { method: "POST" })
    ).json()) as { started: boolean };
    expect(started.started).toBe(true);
    await expect
      .poll(
        async () =>
          (
            (await (
              await fetch(`${stack.urls.connector}/jobs?${stack.credentialsQuery}`)
            ).json()) as { jobs: { state: string }[] }
          ).jobs[0]?.state,
        { interval: 200 },
      )
      .toBe("done");
    // A hang-catcher only (4 wait ceilings, test/helpers/wait.ts): the waits inside fail first.
  }, 240_000);
});
