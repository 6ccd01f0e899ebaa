import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox, type Loose, type TestSandbox } from "./sandbox-client.js";
import { startReceiver } from "./webhook-receiver.js";

let api: TestSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const appId = "sbx0app1";

// Intercom's own 5 s delivery timeout (the default): a shorter one lets a loaded machine turn a
// delivery into a timeout and a retry the test did not ask for.
beforeAll(async () => {
  api = await startTestSandbox({ webhookRetryDelayMs: 30 });
});
beforeEach(async () => {
  await api.reset();
  receiver = await startReceiver();
  await api.call("POST", "/_sandbox/settings", { webhook_url: receiver.url });
});
afterEach(async () => {
  await receiver.close();
});
afterAll(async () => {
  await api.close();
});

const messenger = (command: string, body: Record<string, unknown>) =>
  api.call(
    "POST",
    `/messenger/web/${command}`,
    { app_id: appId, ...body },
    { token: null, contract: false },
  );
const contacts = async () => (await api.call("GET", "/_sandbox/contacts")).body.contacts as Loose[];
const sessions = async () => (await api.call("GET", "/_sandbox/messenger")).body as Loose;
/** The topic of each notification received, once: a retry repeats its notification's id. */
const topics = () => [
  ...new Map(
    receiver.posts().map((post) => {
      const envelope = JSON.parse(post.raw) as { id: string; topic: string };
      return [envelope.id, envelope.topic] as const;
    }),
  ).values(),
];

describe("GET /widget/{app_id}", () => {
  it("serves the widget script for the workspace's app id, pointing back at this stand-in", async () => {
    const reply = await api.call("GET", `/widget/${appId}`, undefined, {
      token: null,
      contract: false,
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toContain("javascript");
    expect(reply.body).toContain(JSON.stringify(api.url));
    expect(reply.body).toContain("window.Intercom = Intercom");
  });

  it("answers 404 for an unknown app id, as Intercom does for a wrong workspace or region", async () => {
    const reply = await api.call("GET", "/widget/nope", undefined, {
      token: null,
      contract: false,
    });
    expect(reply.status).toBe(404);
  });
});

describe("POST /messenger/web/*", () => {
  it("answers the browser's CORS preflight for any website", async () => {
    const response = await fetch(`${api.url}/messenger/web/ping`, {
      method: "OPTIONS",
      headers: { Origin: "http://shop.example", "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://shop.example");
    expect(response.headers.get("access-control-allow-headers")).toContain("Content-Type");
  });

  it("records an anonymous visitor without creating a contact", async () => {
    const visitor = randomUUID();
    const reply = await messenger("ping", {
      visitor_id: visitor,
      user: { app_id: appId, plan: "free" },
    });
    expect(reply.body).toEqual({
      type: "visitor",
      visitor_id: visitor,
      role: "visitor",
      contact_id: null,
    });
    expect(await contacts()).toEqual([]);
    const view = await sessions();
    expect(view.visitors).toMatchObject([
      { visitor_id: visitor, role: "visitor", attributes: { plan: "free" } },
    ]);
    expect(view.commands).toMatchObject([{ command: "boot", visitor_id: visitor }]);
  });

  it("makes a visitor who gives an email a lead whose external_id is the visitor id, and notifies contact.lead.created", async () => {
    const visitor = randomUUID();
    await messenger("ping", { visitor_id: visitor });
    const reply = await messenger("email", { visitor_id: visitor, email: "ada@example.com" });
    expect(reply.body.role).toBe("lead");
    const [lead] = await contacts();
    expect(lead).toMatchObject({
      id: reply.body.contact_id,
      role: "lead",
      external_id: visitor,
      email: "ada@example.com",
    });
    await receiver.waitForPosts(1);
    const envelope = JSON.parse(receiver.posts()[0]!.raw);
    expect(envelope.topic).toBe("contact.lead.created");
    expect(envelope.data.item).toMatchObject({
      role: "lead",
      external_id: visitor,
      email: "ada@example.com",
    });
  });

  it("keeps events on the visitor, and on the contact once the visitor is a lead", async () => {
    const visitor = randomUUID();
    await messenger("ping", { visitor_id: visitor });
    await messenger("events", {
      visitor_id: visitor,
      event_name: "Viewed product",
      created_at: 1_700_000_000,
      metadata: { price: 14 },
    });
    await messenger("email", { visitor_id: visitor, email: "ada@example.com" });
    await messenger("events", {
      visitor_id: visitor,
      event_name: "Added to cart",
      metadata: { quantity: 1 },
    });
    const [lead] = await contacts();
    expect(lead.events).toMatchObject([{ event_name: "Added to cart", metadata: { quantity: 1 } }]);
    const [session] = (await sessions()).visitors;
    expect(session.events.map((event: Loose) => event.event_name)).toEqual([
      "Viewed product",
      "Added to cart",
    ]);
    expect(session.events[0]).toEqual({
      event_name: "Viewed product",
      created_at: 1_700_000_000,
      metadata: { price: 14 },
    });
  });

  it("boots a visitor with user_id and email as a user, notifying contact.user.created once", async () => {
    const visitor = randomUUID();
    const user = { user_id: "cust-1", email: "ada@example.com", name: "Ada" };
    await messenger("ping", { visitor_id: visitor, user });
    await messenger("ping", { visitor_id: visitor, user });
    const all = await contacts();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      role: "user",
      external_id: "cust-1",
      email: "ada@example.com",
      name: "Ada",
    });
    await receiver.waitForPosts(1);
    expect(topics()).toEqual(["contact.user.created"]);
    expect((await sessions()).commands.map((c: Loose) => c.command)).toEqual(["boot", "update"]);
  });

  it("turns the visitor's lead into a user when they log in (contact.lead.signed_up)", async () => {
    const visitor = randomUUID();
    await messenger("ping", { visitor_id: visitor });
    await messenger("email", { visitor_id: visitor, email: "ada@example.com" });
    await messenger("ping", {
      visitor_id: visitor,
      user: { user_id: "cust-1", email: "ada@example.com" },
    });
    const all = await contacts();
    expect(all).toMatchObject([{ role: "user", external_id: "cust-1", email: "ada@example.com" }]);
    await receiver.waitForPosts(2);
    expect(topics()).toEqual(["contact.lead.created", "contact.lead.signed_up"]);
  });

  it("makes a visitor who writes a message a lead, then notifies conversation.user.created for it", async () => {
    const visitor = randomUUID();
    await messenger("ping", { visitor_id: visitor });
    const reply = await messenger("conversations", {
      visitor_id: visitor,
      body: "Do you ship to Lyon?",
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ role: "lead", conversation_id: expect.any(String) });
    const [lead] = await contacts();
    // The REST view shows a missing email as "" (Intercom's contact schema).
    expect(lead).toMatchObject({ role: "lead", external_id: visitor, email: "" });
    const posts = await receiver.waitForPosts(2);
    const [created, conversation] = posts.map((post) => JSON.parse(post.raw));
    expect(created.topic).toBe("contact.lead.created");
    expect(conversation.topic).toBe("conversation.user.created");
    expect(conversation.data.item).toMatchObject({
      id: reply.body.conversation_id,
      source: { body: "<p>Do you ship to Lyon?</p>", author: { type: "lead", id: lead.id } },
      contacts: { contacts: [{ id: lead.id, external_id: visitor }] },
    });
  });

  it("writes a known user's message to their conversation without making a lead", async () => {
    const visitor = randomUUID();
    await messenger("ping", { visitor_id: visitor, user: { email: "ada@example.com" } });
    await messenger("conversations", { visitor_id: visitor, body: "Hello" });
    expect((await contacts()).map((contact) => contact.role)).toEqual(["user"]);
    await receiver.waitForPosts(2);
    expect(topics()).toEqual(["contact.user.created", "conversation.user.created"]);
  });

  it("records a shutdown, and the next ping of that visitor is a boot", async () => {
    const visitor = randomUUID();
    await messenger("ping", { visitor_id: visitor });
    await messenger("shutdown", { visitor_id: visitor });
    expect((await sessions()).visitors[0].shut_down).toBe(true);
    await messenger("ping", { visitor_id: visitor });
    expect((await sessions()).commands.map((c: Loose) => c.command)).toEqual([
      "boot",
      "shutdown",
      "boot",
    ]);
  });

  it.each([
    {
      why: "the visitor id is not a UUID",
      command: "ping",
      body: { visitor_id: "not-a-uuid" },
      code: "parameter_invalid",
    },
    { why: "the visitor id is missing", command: "ping", body: {}, code: "parameter_not_found" },
    {
      why: "the user's email is not an email",
      command: "ping",
      body: { visitor_id: randomUUID(), user: { email: "nope" } },
      code: "parameter_invalid",
    },
    {
      why: "the supplied email is not an email",
      command: "email",
      body: { visitor_id: randomUUID(), email: "nope" },
      code: "parameter_invalid",
    },
    {
      why: "the event has no name",
      command: "events",
      body: { visitor_id: randomUUID(), event_name: "" },
      code: "parameter_not_found",
    },
    {
      why: "metadata is nested",
      command: "events",
      body: { visitor_id: randomUUID(), event_name: "x", metadata: { deep: { a: 1 } } },
      code: "parameter_invalid",
    },
    {
      why: "created_at is not Unix seconds",
      command: "events",
      body: { visitor_id: randomUUID(), event_name: "x", created_at: "soon" },
      code: "parameter_invalid",
    },
    {
      why: "the message is blank",
      command: "conversations",
      body: { visitor_id: randomUUID(), body: "  " },
      code: "parameter_not_found",
    },
    {
      why: "the message is too long",
      command: "conversations",
      body: { visitor_id: randomUUID(), body: "x".repeat(5001) },
      code: "parameter_invalid",
    },
  ])(
    "refuses $command with 400 $code when $why, and writes nothing",
    async ({ command, body, code }) => {
      const reply = await messenger(command, body);
      expect(reply.status).toBe(400);

      expect(reply.body).toMatchObject({ type: "error.list", errors: [{ code }] });
      expect(await sessions()).toEqual({ visitors: [], commands: [] });
      expect(await contacts()).toEqual([]);
    },
  );

  it("answers 404 App Not Found for another workspace's app id", async () => {
    const reply = await api.call(
      "POST",
      "/messenger/web/ping",
      { app_id: "other", visitor_id: randomUUID() },
      { token: null, contract: false },
    );
    expect(reply.status).toBe(404);
    expect(reply.body.errors[0]).toEqual({ code: "not_found", message: "App Not Found" });
  });

  it("starts afresh after /_sandbox/reset", async () => {
    await messenger("ping", { visitor_id: randomUUID() });
    await api.reset();
    expect(await sessions()).toEqual({ visitors: [], commands: [] });
  });
});
