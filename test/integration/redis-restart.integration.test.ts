import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
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

  // docs/adr/030: the workspace link was written only at OAuth connect, so a Redis that came back
  // empty dropped every webhook as "unknown-workspace" while Hull showed the connector connected.
  it("links the workspace again from Hull's settings when Redis comes back without its data", async () => {
    const contact = (
      (await (
        await fetch(`${stack.urls.intercom}/_sandbox/contacts`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ contacts: [{ role: "user", email: "emptied@example.com" }] }),
        })
      ).json()) as { ids: string[] }
    ).ids[0]!;
    const fresh = (body: string) => ({
      ...conversationNotification(stack.intercom.appId, contact, body),
      id: `notif_${randomUUID()}`,
    });

    await stopRedis();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    await startRedis();

    // Once the connector's connections are back, the link is gone: answered, and dropped.
    await expect
      .poll(() => deliver(fresh("While the link is lost")), { interval: 250 })
      .toEqual({ outcome: "unknown-workspace" });
    // Hull's status check, on its 5-minute schedule (manifest.json), is any Hull call.
    expect((await fetch(`${stack.urls.connector}/status?${stack.credentialsQuery}`)).status).toBe(
      200,
    );
    await expect
      .poll(() => deliver(fresh("After Hull's call")), { interval: 250 })
      .toEqual({ outcome: "written" });
    const activity = (await (
      await fetch(`${stack.urls.connector}/admin/api/activity?${stack.credentialsQuery}`)
    ).json()) as { entries: { kind: string; message: string; hint?: string }[] };
    expect(activity.entries).toContainEqual(
      expect.objectContaining({
        kind: "connection",
        message: expect.stringContaining(`workspace ${stack.intercom.appId}`),
        hint: expect.stringContaining("Fetch all users"),
      }),
    );
  }, 240_000);
});
