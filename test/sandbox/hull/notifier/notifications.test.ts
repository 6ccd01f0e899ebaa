import jwt from "jsonwebtoken";
import { afterEach, describe, expect, it } from "vitest";

/** Notification payloads are asserted loosely, as a connector would read them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
import { startHullSandbox, type HullSandbox } from "../../../../sandbox/hull/index.js";
import {
  entry,
  getJson,
  hullHeaders,
  postFirehose,
  sendJson,
  startFakeConnector,
  userToken,
  waitFor,
  type FakeConnector,
} from "../helpers.js";

let hull: HullSandbox;
let connector: FakeConnector;

async function start(options: { retryLimit?: number; notifyDelayMs?: number } = {}) {
  connector = await startFakeConnector();
  hull = await startHullSandbox({ connectorUrl: connector.url, notifyDelayMs: 10, ...options });
}
afterEach(async () => {
  await hull.close();
  await connector.close();
});

const notifications = (channel: string) =>
  connector.received.filter(
    (request) => request.path === "/smart-notifier" && request.body.channel === channel,
  );

async function syncedSegment(
  name = "Leads",
  query: Record<string, unknown> = { "intercom/is_lead": true },
) {
  const segment = (await sendJson(`${hull.url}/_sandbox/segments`, "POST", { name, query })).body;
  await sendJson(`${hull.url}/_sandbox/connector/settings`, "PUT", {
    private_settings: { synchronized_segments: [segment.id] },
  });
  return segment as { id: string; name: string };
}

describe("smart-notifier notifications", () => {
  it("are signed with an RS256 JWT that verifies with the served public key", async () => {
    await start();
    await syncedSegment();
    const [request] = await waitFor(
      () => notifications("ship:update").length > 0 && notifications("ship:update"),
    );
    const headers = request!.headers;
    expect(headers["x-hull-smart-notifier"]).toBe("true");
    expect(headers["x-hull-smart-notifier-signature-version"]).toBe("v1");
    const signature = headers["x-hull-smart-notifier-signature"] as string;
    const keyUrl = headers["x-hull-smart-notifier-signature-public-key-url"] as string;
    expect(keyUrl).toBe(`${hull.url}/api/v1/smart_notifier/public_key`);
    const pem = await (await fetch(keyUrl, { method: "POST", body: signature })).text();
    expect(pem).toContain("-----BEGIN PUBLIC KEY-----");
    // Only the raw JWT as the whole body, as hull's SmartNotifierValidator sends it.
    for (const body of [JSON.stringify({ signature }), "", "not-a-jwt"]) {
      const refused = await fetch(keyUrl, { method: "POST", body });
      expect(refused.status).toBe(400);
      expect(await refused.text()).not.toContain("BEGIN PUBLIC KEY");
    }
    const claims = jwt.verify(signature, pem, {
      algorithms: ["RS256"],
      jwtid: request!.body.notification_id as string,
    }) as jwt.JwtPayload;
    expect(claims.iss).toBe(hull.organization);
    expect(() =>
      jwt.verify(signature, pem, { algorithms: ["RS256"], jwtid: "another-id" }),
    ).toThrow();
    expect(request!.body.configuration).toEqual(hull.connector);
    expect(request!.body.messages).toEqual([expect.objectContaining({ id: hull.connector.id })]);
  });

  it("send user:update only for users in a synchronized segment, with changes and events", async () => {
    await start();
    const segment = await syncedSegment();
    await postFirehose(hull, [
      entry(
        "traits",
        { "intercom/is_lead": true, plan: "free" },
        userToken(hull, { email: "lead@example.com" }),
      ),
      entry("traits", { plan: "pro" }, userToken(hull, { email: "outsider@example.com" })),
    ]);
    const [request] = await waitFor(
      () => notifications("user:update").length > 0 && notifications("user:update"),
    );
    const messages = request!.body.messages as Record<string, Loose>[];
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message!.user).toMatchObject({
      email: "lead@example.com",
      "traits_intercom/is_lead": true,
      traits_plan: "free",
      segment_ids: [segment.id],
    });
    expect(message!.changes).toMatchObject({
      is_new: true,
      user: { "traits_intercom/is_lead": [null, true], email: [null, "lead@example.com"] },
      segments: {
        entered: [
          expect.objectContaining({ id: segment.id, name: "Leads", type: "users_segment" }),
        ],
      },
    });
    expect(message!.events).toEqual([
      expect.objectContaining({
        event: "Entered segment",
        properties: { id: segment.id, name: "Leads" },
      }),
    ]);
    expect(request!.body.segments).toEqual([
      expect.objectContaining({ id: segment.id, stats: { users: 1 } }),
    ]);
  });

  it("tell the connector when a user leaves a synchronized segment", async () => {
    await start();
    const segment = await syncedSegment();
    const token = userToken(hull, { email: "lead@example.com" });
    await postFirehose(hull, [entry("traits", { "intercom/is_lead": true }, token)]);
    await waitFor(() => notifications("user:update").length === 1);
    await postFirehose(hull, [entry("traits", { "intercom/is_lead": false }, token)]);
    const second = await waitFor(() => notifications("user:update")[1]);
    const [message] = second.body.messages as Record<string, Loose>[];
    expect(message!.changes.is_new).toBe(false);
    expect(message!.changes.segments.left).toEqual([expect.objectContaining({ id: segment.id })]);
    expect(message!.changes.user).toEqual({ "traits_intercom/is_lead": [true, false] });
  });

  it("resend the same messages after a retry flow control, `in` ms later", async () => {
    await start();
    await syncedSegment();
    connector.respond = (request) =>
      request.body.channel === "user:update" && request.body.kraken === undefined
        ? { status: 200, body: { flow_control: { type: "retry", in: 20 } } }
        : { status: 200, body: { flow_control: { type: "next" } } };
    await postFirehose(hull, [
      entry("traits", { "intercom/is_lead": true }, userToken(hull, { email: "r@example.com" })),
    ]);
    const [first, second] = await waitFor(
      () => notifications("user:update").length === 2 && notifications("user:update"),
    );
    expect(second!.body.notification_id).toBe(first!.body.notification_id);
    expect(second!.body.messages).toEqual(first!.body.messages);
    // The connector sees the resend before Hull has logged its answer: wait for the log entry.
    const log = await waitFor(async () => {
      const items = await getJson<{ channel: string; attempt: number; outcome: string }[]>(
        `${hull.url}/_sandbox/notifications`,
      );
      return items.filter((item) => item.channel === "user:update").length === 2 && items;
    });
    expect(
      log
        .filter((item) => item.channel === "user:update")
        .map((item) => [item.attempt, item.outcome]),
    ).toEqual([
      [1, "retrying"],
      [2, "delivered"],
    ]);
  });

  it("give up after retryLimit resends of a failing batch (5xx counts as retry)", async () => {
    await start({ retryLimit: 2 });
    await syncedSegment();
    connector.respond = (request) =>
      request.body.channel === "user:update"
        ? { status: 503, body: { flow_control: { type: "retry", in: 5 } } }
        : { status: 200, body: {} };
    await postFirehose(hull, [
      entry("traits", { "intercom/is_lead": true }, userToken(hull, { email: "f@example.com" })),
    ]);
    const log = await waitFor(async () => {
      const items = await getJson<{ channel: string; outcome: string }[]>(
        `${hull.url}/_sandbox/notifications`,
      );
      return items.some((item) => item.outcome === "given-up") && items;
    });
    expect(notifications("user:update")).toHaveLength(3);
    expect(log.filter((item) => item.channel === "user:update").at(-1)!.outcome).toBe("given-up");
  });

  it("split the following messages into batches of the size a next flow control asks for", async () => {
    await start();
    const segment = await syncedSegment();
    connector.respond = () => ({
      status: 200,
      body: { flow_control: { type: "next", size: 2, in: 1 } },
    });
    const seeds = Array.from({ length: 5 }, (_, index) => ({
      claims: { email: `u${index}@example.com` },
      attributes: { "intercom/is_lead": true },
    }));
    await sendJson(`${hull.url}/_sandbox/users`, "POST", seeds);
    await waitFor(() => notifications("user:update").length === 1);
    await sendJson(`${hull.url}/_sandbox/notify`, "POST", { segment_id: segment.id });
    const sizes = await waitFor(() => {
      const counts = notifications("user:update").map(
        (request) => (request.body.messages as unknown[]).length,
      );
      return counts.reduce((sum, count) => sum + count, 0) === 10 && counts;
    });
    expect(sizes).toEqual([5, 2, 2, 1]);
  });

  it("send users_segment:update on rename and users_segment:delete on deletion", async () => {
    await start();
    const segment = await syncedSegment();
    await sendJson(`${hull.url}/_sandbox/segments/${segment.id}`, "PUT", { name: "Hot leads" });
    await fetch(`${hull.url}/_sandbox/segments/${segment.id}`, { method: "DELETE" });
    const [update] = await waitFor(
      () =>
        notifications("users_segment:update").length > 0 && notifications("users_segment:update"),
    );
    const [removal] = await waitFor(
      () =>
        notifications("users_segment:delete").length > 0 && notifications("users_segment:delete"),
    );
    expect(update!.body.messages).toEqual([
      expect.objectContaining({ id: segment.id, name: "Hot leads", type: "users_segment" }),
    ]);
    expect(removal!.body.messages).toEqual([
      expect.objectContaining({ id: segment.id, name: "Hot leads" }),
    ]);
  });

  it("say through /_sandbox/notifier what they still have to send: gathered, queued, out", async () => {
    // A gathering window no test outlasts, so the gathered user is seen before it is sent.
    await start({ notifyDelayMs: 60_000 });
    const state = () =>
      getJson<{ gathering: number; queued: number; sending: boolean }>(
        `${hull.url}/_sandbox/notifier`,
      );
    await syncedSegment();
    await waitFor(async () => !(await state()).sending); // the ship:update was answered
    expect(await state()).toEqual({ gathering: 0, queued: 0, sending: false });
    await postFirehose(hull, [
      entry("traits", { "intercom/is_lead": true }, userToken(hull, { email: "g@example.com" })),
    ]);
    expect(await state()).toEqual({ gathering: 1, queued: 0, sending: false });

    // The connector holds its answer: the notification is out until it answers.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    connector.respond = async () => {
      await held;
      return { status: 200, body: { flow_control: { type: "next" } } };
    };
    await sendJson(`${hull.url}/_sandbox/notify`, "POST", { all: true });
    await waitFor(() => notifications("user:update").length === 1);
    expect(await state()).toEqual({ gathering: 1, queued: 0, sending: true });
    release();
    await waitFor(async () => !(await state()).sending);
    expect(await state()).toEqual({ gathering: 1, queued: 0, sending: false });
    const log = await getJson<{ channel: string; status?: number }[]>(
      `${hull.url}/_sandbox/notifications`,
    );
    expect(log.filter((item) => item.channel === "user:update").map((item) => item.status)).toEqual(
      [200],
    );
  });

  it("send ship:update after the connector updates its private settings", async () => {
    await start();
    const response = await fetch(`${hull.url}/api/v1/${hull.connector.id}`, {
      method: "PUT",
      headers: hullHeaders(hull),
      body: JSON.stringify({
        private_settings: { access_token: "tok", synchronized_segments: [] },
      }),
    });
    expect(response.status).toBe(200);
    const [request] = await waitFor(
      () => notifications("ship:update").length > 0 && notifications("ship:update"),
    );
    expect((request!.body.messages as Loose[])[0].private_settings).toMatchObject({
      access_token: "tok",
      send_events: ["Entered segment", "Left segment"],
    });
  });
});
