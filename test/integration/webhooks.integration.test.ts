import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { hubSignature } from "../helpers/intercom-webhooks";
import { startTestStack, type Stack } from "../helpers/stack";

type HullUser = {
  id: string;
  email: string | null;
  external_id: string | null;
  anonymous_ids: string[];
  attributes: Record<string, unknown>;
  events: { event: string; properties: Record<string, unknown> }[];
};

let stack: Stack;
let userId: string;
let leadId: string;
let leadVisitorId: string;

const json = { "content-type": "application/json" };
const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });
  return {
    status: response.status,
    body: (await response.json().catch(() => undefined)) as Record<string, unknown>,
  };
};
const hullUsers = async () =>
  (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as HullUser[];
const firehoseCount = async () =>
  ((await (await fetch(`${stack.urls.hull}/_sandbox/firehose`)).json()) as unknown[]).length;
const sendWebhook = (topic: string, contactId: string, extra: Record<string, unknown> = {}) =>
  post(`${stack.urls.intercom}/_sandbox/webhooks`, { topic, contact_id: contactId, ...extra });
const byAnonymousId = (users: HullUser[], anonymousId: string) =>
  users.find((user) => user.anonymous_ids.includes(anonymousId));
/**
 * The Hull user holding `anonymousId`. Poll it after a webhook: a 200 to a webhook means the data is durable, not
 * that it is in Hull. When Hull is slower than the connector's budget (HULL_BUDGET_MS, easily
 * reached on a loaded machine) the connector keeps the entries in its outbox, answers "queued",
 * and the write lands later (ADR 003).
 */
const hullUser = async (anonymousId: string) => byAnonymousId(await hullUsers(), anonymousId);
const sign = (body: string, secret = stack.intercom.clientSecret) => hubSignature(body, secret);
const deliver = (body: string, signature: string | null = sign(body)) =>
  fetch(`${stack.urls.connector}/intercom`, {
    method: "POST",
    headers: { ...json, ...(signature ? { "x-hub-signature": signature } : {}) },
    body,
  });

beforeAll(async () => {
  stack = await startTestStack();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  const created = await post(`${stack.urls.intercom}/_sandbox/contacts`, {
    contacts: [
      {
        role: "user",
        email: "ada@example.com",
        external_id: "customer-1",
        name: "Ada",
        custom_attributes: { plan: "pro" },
      },
      { role: "lead", email: "visitor@example.com", name: "Visitor" },
    ],
  });
  [userId, leadId] = created.body.ids as string[];
  const contacts = (await (await fetch(`${stack.urls.intercom}/_sandbox/contacts`)).json()) as {
    contacts: { id: string; external_id: string }[];
  };
  leadVisitorId = contacts.contacts.find((contact) => contact.id === leadId)!.external_id;
});
afterAll(() => stack.close());

describe("Intercom webhooks into Hull", () => {
  it("answers Intercom's HEAD check of the URL", async () => {
    expect((await fetch(`${stack.urls.connector}/intercom`, { method: "HEAD" })).status).toBe(200);
  });

  it("creates the Hull user for a new Intercom user, with its claims and intercom/ attributes", async () => {
    await expect
      .poll(async () => byAnonymousId(await hullUsers(), `intercom:${userId}`))
      .toMatchObject({
        email: "ada@example.com",
        external_id: "customer-1",
        attributes: {
          "intercom/id": userId,
          "intercom/is_lead": false,
          "intercom/email": "ada@example.com",
        },
      });
  });

  it("creates the lead under its visitor id, aliased with its contact id", async () => {
    await expect
      .poll(async () => byAnonymousId(await hullUsers(), `intercom:${leadId}`)?.anonymous_ids)
      .toEqual(expect.arrayContaining([`intercom:${leadVisitorId}`, `intercom:${leadId}`]));
    expect(
      byAnonymousId(await hullUsers(), `intercom:${leadId}`)?.attributes["intercom/is_lead"],
    ).toBe(true);
  });

  it.each([
    ["conversation.user.created", "User started conversation"],
    ["conversation.admin.replied", "Admin replied to conversation"],
    ["conversation.admin.closed", "Admin closed conversation"],
  ])("turns %s into the Hull event %s on the user", async (topic, event) => {
    expect((await sendWebhook(topic, userId)).body.status).toBe(200);
    await expect
      .poll(async () => (await hullUser(`intercom:${userId}`))?.events)
      .toContainEqual(
        expect.objectContaining({
          event,
          properties: expect.objectContaining({ topic, initiated: expect.any(String) }),
        }),
      );
  });

  it("records a tag added in Intercom as an event, and skips the connector's own segment tags", async () => {
    const token = (await post(`${stack.urls.intercom}/_sandbox/token`, {})).body
      .access_token as string;
    const api = (path: string, body: unknown) =>
      fetch(`${stack.urls.intercom}${path}`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }).then((response) => response.json() as Promise<{ id: string }>);
    await post(`${stack.urls.hull}/_sandbox/segments`, {
      name: "Segment tag",
      query: { never: "matches" },
    });
    const ownTag = await api("/tags", { name: "Segment tag" });
    const tag = await api("/tags", { name: "Beta tester" });
    await api(`/contacts/${userId}/tags`, { id: ownTag.id });
    await api(`/contacts/${userId}/tags`, { id: tag.id });
    const tagEvents = async () =>
      (await hullUsers()).flatMap((user) =>
        user.events
          .filter((event) => event.event === "Added Tag")
          .map((event) => event.properties.tag),
      );
    await expect.poll(tagEvents).toContain("Beta tester");
    expect(await tagEvents()).not.toContain("Segment tag");
  });

  it("marks the lead converted when it signs up, on the same Hull profile", async () => {
    expect((await sendWebhook("contact.lead.signed_up", leadId)).body.status).toBe(200);
    await expect
      .poll(() => hullUser(`intercom:${leadId}`))
      .toMatchObject({
        anonymous_ids: expect.arrayContaining([`intercom:${leadVisitorId}`]),
        attributes: { "intercom/is_lead": false },
      });
  });

  it("marks a user deleted in Intercom", async () => {
    expect((await sendWebhook("contact.deleted", userId)).body.status).toBe(200);
    await expect
      .poll(async () => (await hullUser(`intercom:${userId}`))?.attributes["intercom/deleted_at"])
      .toEqual(expect.any(String));
  });

  it("accepts legacy 1.x topics and shapes", async () => {
    expect(
      (await sendWebhook("conversation.user.replied", userId, { legacy: true })).body.status,
    ).toBe(200);
    expect((await sendWebhook("user.created", userId)).body.status).toBe(200);
    await expect
      .poll(async () => (await hullUser(`intercom:${userId}`))?.events.map(({ event }) => event))
      .toContain("User replied to conversation");
  });

  it("applies incoming attribute rows edited in Hull to the very next webhook", async () => {
    await fetch(`${stack.urls.hull}/_sandbox/connector/settings`, {
      method: "PUT",
      headers: json,
      body: JSON.stringify({
        private_settings: { sync_fields_to_hull: [{ name: "plan", hull: "intercom/plan" }] },
      }),
    });
    // Hull tells the connector with ship:update; wait for that, not for a cache to expire.
    await expect
      .poll(async () => {
        const sent = (await (await fetch(`${stack.urls.hull}/_sandbox/notifications`)).json()) as {
          channel: string;
          status?: number;
        }[];
        return sent.filter(
          (notification) => notification.channel === "ship:update" && notification.status === 200,
        ).length;
      })
      .toBeGreaterThan(0);
    expect((await sendWebhook("contact.user.created", userId)).body.status).toBe(200);
    await expect
      .poll(async () => (await hullUser(`intercom:${userId}`))?.attributes["intercom/plan"])
      .toBe("pro");
  });

  it("writes nothing new for a redelivered notification", async () => {
    const envelope = {
      type: "notification_event",
      app_id: stack.intercom.appId,
      id: "notif_redelivered-1",
      topic: "conversation.user.created",
      created_at: 1767000000,
      data: {
        type: "notification_event_data",
        item: {
          type: "conversation",
          id: "42",
          contacts: { type: "contact.list", contacts: [{ type: "contact", id: userId }] },
          source: { body: "Hi" },
        },
      },
    };
    expect((await post(`${stack.urls.intercom}/_sandbox/webhooks/raw`, envelope)).body.status).toBe(
      200,
    );
    // Count only once the first delivery's event is in Hull (a 200 may be "queued", see hullUser).
    await expect
      .poll(async () =>
        (await hullUsers()).some((user) =>
          user.events.some((event) => event.properties.conversation_id === "42"),
        ),
      )
      .toBe(true);
    const before = await firehoseCount();
    expect(
      (
        await post(`${stack.urls.intercom}/_sandbox/webhooks/raw`, {
          ...envelope,
          delivery_attempts: 2,
        })
      ).body.status,
    ).toBe(200);
    expect(await firehoseCount()).toBe(before);
  });
});

describe("the webhook endpoint refuses bad input and writes nothing", () => {
  it.each([
    ["no signature", null],
    ["a forged signature", "sha1=0000000000000000000000000000000000000000"],
    ["a signature made with another secret", "other"],
    ["a sha256 signature", "sha256=abc"],
  ])("401 for %s", async (_name, signature) => {
    const body = JSON.stringify({
      app_id: stack.intercom.appId,
      topic: "contact.user.created",
      id: "notif_x",
      data: { item: { id: "1" } },
    });
    const before = await firehoseCount();
    const header = signature === "other" ? sign(body, "not-the-client-secret") : signature;
    expect((await deliver(body, header)).status).toBe(401);
    expect(await firehoseCount()).toBe(before);
  });

  it("400 for signed bytes that are not JSON, or not a notification", async () => {
    expect((await deliver("{not json")).status).toBe(400);
    expect((await deliver(JSON.stringify({ hello: "world" }))).status).toBe(400);
  });

  it("413 for a body over the limit", async () => {
    const body = JSON.stringify({ app_id: "x", topic: "ping", padding: "a".repeat(1_100_000) });
    expect((await deliver(body)).status).toBe(413);
  });

  it("2xx for ping, unknown workspaces and topics we do not handle (never 4xx or 410)", async () => {
    for (const envelope of [
      { app_id: stack.intercom.appId, topic: "ping", id: null, data: { item: { type: "ping" } } },
      {
        app_id: "someone-else",
        topic: "contact.user.created",
        id: "notif_y",
        data: { item: { id: "1" } },
      },
      {
        app_id: stack.intercom.appId,
        topic: "company.created",
        id: "notif_z",
        data: { item: { id: "1" } },
      },
    ]) {
      expect((await deliver(JSON.stringify(envelope))).status).toBe(200);
    }
  });

  it("never answers 5xx to random signed payloads", async () => {
    const topics = fc.constantFrom(
      "contact.user.created",
      "contact.lead.created",
      "contact.lead.signed_up",
      "conversation.user.created",
      "user.tag.created",
      "contact.deleted",
      "ping",
      "x",
    );
    await fc.assert(
      fc.asyncProperty(
        topics,
        fc.jsonValue(),
        fc.option(fc.string(), { nil: null }),
        async (topic, item, id) => {
          const body = JSON.stringify({ app_id: stack.intercom.appId, topic, id, data: { item } });
          const response = await deliver(body);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("when Hull cannot take the data", () => {
  it("acknowledges once the notification is durable, and delivers it when Hull is back, exactly once", async () => {
    const body = JSON.stringify({
      app_id: stack.intercom.appId,
      topic: "conversation.user.created",
      id: "notif_during_outage",
      data: {
        item: {
          type: "conversation",
          id: "77",
          contacts: { contacts: [{ id: userId }] },
          source: { body: "Written during the outage" },
        },
      },
    });
    await post(`${stack.urls.hull}/_sandbox/faults`, { status: 503 });
    const response = await deliver(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: "queued" });
    await post(`${stack.urls.hull}/_sandbox/faults`, {});
    const outageEvents = async () =>
      (await hullUsers()).flatMap((user) =>
        user.events.filter((event) => event.properties.message === "Written during the outage"),
      );
    await expect.poll(outageEvents, { interval: 250 }).toHaveLength(1);
    expect((await deliver(body)).status).toBe(200);
    expect(await outageEvents()).toHaveLength(1);
  });
});
