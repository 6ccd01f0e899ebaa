import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import type { RunningConnector } from "../../server/main";
import { conversationNotification, deliverSigned } from "../helpers/intercom-webhooks";
import { startTestStack, type Stack } from "../helpers/stack";

// Two connector processes sharing one Redis, as behind a load balancer (DESIGN.md §3).
type Job = { kind: string; state: string; progress: { fetched: number } };
type LoggedRequest = { path: string; body: unknown; status: number };

let stack: Stack;
let second: RunningConnector;
const json = { "content-type": "application/json" };
const post = (url: string, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });
const call = (base: string, path: string, method = "POST") =>
  fetch(`${base}${path}${path.includes("?") ? "&" : "?"}${stack.credentialsQuery}`, { method });
const jobs = async (base: string) =>
  ((await (await call(base, "/jobs", "GET")).json()) as { jobs: Job[] }).jobs;
const firehoseCount = async () =>
  ((await (await fetch(`${stack.urls.hull}/_sandbox/firehose`)).json()) as unknown[]).length;

const deliver = (base: string, envelope: unknown) =>
  deliverSigned(base, stack.intercom.clientSecret, envelope);

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: `test-${randomUUID()}`,
      JOB_LOCK_MS: "2000",
    },
  });
  second = await stack.startExtraConnector();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  await post(`${stack.urls.intercom}/_sandbox/contacts`, { count: 1500, role: "user" });
});
afterAll(() => stack.close());

describe("several connector processes on one Redis", () => {
  it("routes a webhook on a process that did not do the OAuth, and recognises its redelivery on the other", async () => {
    const contact = (
      (await (
        await post(`${stack.urls.intercom}/_sandbox/contacts`, {
          contacts: [{ role: "user", email: "shared@example.com", external_id: "s-1" }],
        })
      ).json()) as { ids: string[] }
    ).ids[0];
    const envelope = conversationNotification(stack.intercom.appId, contact!, "Hello", {
      topic: "conversation.user.created",
    });
    const first = await deliver(second.deps.publicUrl, envelope);
    expect(await first.json()).toEqual({ outcome: "written" });
    const before = await firehoseCount();
    const again = await deliver(stack.urls.connector, envelope);
    expect(await again.json()).toEqual({ outcome: "duplicate" });
    expect(await firehoseCount()).toBe(before);
  });

  it("runs one fetch of a kind per connector across all processes", async () => {
    await post(`${stack.urls.intercom}/_sandbox/faults`, {
      delay_ms: 150,
      share: 1,
      path: "/contacts/search",
    });
    const first = (await (await call(stack.urls.connector, "/fetch-all")).json()) as {
      started: boolean;
    };
    const other = (await (await call(second.deps.publicUrl, "/fetch-all")).json()) as {
      started: boolean;
      message: string;
    };
    expect(first.started).toBe(true);
    expect(other).toMatchObject({
      started: false,
      message: expect.stringContaining("already running"),
    });
  });

  it("lets another process finish a fetch from its checkpoint when the first one stops", async () => {
    await expect
      .poll(
        async () =>
          (await jobs(second.deps.publicUrl)).find((job) => job.state === "running")?.progress
            .fetched ?? 0,
        { interval: 50 },
      )
      .toBeGreaterThanOrEqual(300);
    await stack.connector.close();
    await post(`${stack.urls.intercom}/_sandbox/faults`, {});
    await expect
      .poll(
        async () =>
          (await jobs(second.deps.publicUrl)).find((job) => job.kind === "fetch-users")?.state,
        { interval: 100 },
      )
      .toBe("done");
    const job = (await jobs(second.deps.publicUrl)).find(
      (candidate) => candidate.kind === "fetch-users",
    )!;
    expect(job.progress.fetched).toBe(1501);
    const searches = (
      (await (await fetch(`${stack.urls.intercom}/_sandbox/requests`)).json()) as {
        requests: LoggedRequest[];
      }
    ).requests.filter((request) => request.path === "/contacts/search" && request.status === 200);
    expect(
      searches.filter(
        (request) =>
          !(request.body as { pagination?: { starting_after?: string } }).pagination
            ?.starting_after,
      ),
    ).toHaveLength(1);
    await stack.restartConnector();
  });
});
