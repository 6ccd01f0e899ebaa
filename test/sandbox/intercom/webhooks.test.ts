import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "./sandbox-client.js";
import { startReceiver } from "./webhook-receiver.js";

let api: TestSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const secret = "sandbox-client-secret";

beforeAll(async () => {
  api = await startTestSandbox({ webhookRetryDelayMs: 30, webhookTimeoutMs: 500 });
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
  expect(api.contractProblems).toEqual([]);
});

const parse = (raw: string) => JSON.parse(raw);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("webhook sender", () => {
  it("checks a new URL with HEAD and records the answer", async () => {
    expect(receiver.received[0].method).toBe("HEAD");
    expect((await api.call("GET", "/_sandbox/webhooks")).body.head_status).toBe(200);
  });

  it("notifies contact.user.created with the documented envelope, headers and a verifiable signature", async () => {
    const { body: contact } = await api.call("POST", "/contacts", {
      email: "w@example.org",
      external_id: "w1",
    });
    const [post] = await receiver.waitForPosts(1);
    expect(post.headers["content-type"]).toBe("application/json");
    expect(post.headers.accept).toBe("application/json");
    expect(post.headers["user-agent"]).toBe("intercom-parrot-service-client/1.0");
    const expected = `sha1=${createHmac("sha1", secret).update(Buffer.from(post.raw, "utf8")).digest("hex")}`;
    expect(post.headers["x-hub-signature"]).toBe(expected);
    const envelope = parse(post.raw);
    expect(envelope).toMatchObject({
      type: "notification_event",
      app_id: "sbx0app1",
      data: {
        type: "notification_event_data",
        item: { type: "contact", id: contact.id, email: "w@example.org" },
      },
      links: {},
      topic: "contact.user.created",
      delivery_status: "pending",
      delivery_attempts: 1,
      delivered_at: 0,
      self: null,
    });
    expect(envelope.id).toMatch(/^notif_[0-9a-f-]{36}$/);
    expect(Number.isInteger(envelope.created_at)).toBe(true);
    expect(envelope.data.item.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
  });

  it("notifies lead creation, tagging, email change, sign-up, archive and deletion", async () => {
    const { body: tag } = await api.call("POST", "/tags", { name: "Hot" });
    const { body: lead } = await api.call("POST", "/contacts", { role: "lead" });
    await api.call("POST", `/contacts/${lead.id}/tags`, { id: tag.id });
    await api.call("DELETE", `/contacts/${lead.id}/tags/${tag.id}`);
    await api.call("PUT", `/contacts/${lead.id}`, { role: "user", email: "conv@example.org" });
    await api.call("POST", `/contacts/${lead.id}/archive`);
    await api.call("POST", `/contacts/${lead.id}/unarchive`);
    await api.call("DELETE", `/contacts/${lead.id}`);
    const posts = await receiver.waitForPosts(8);
    const envelopes = posts.map((post) => parse(post.raw));
    expect(envelopes.map((e) => e.topic)).toEqual([
      "contact.lead.created",
      "contact.lead.tag.created",
      "contact.lead.tag.deleted",
      "contact.lead.signed_up",
      "contact.email.updated",
      "contact.archived",
      "contact.unarchive",
      "contact.deleted",
    ]);
    expect(envelopes[1].data.item).toMatchObject({
      type: "contact_tag",
      tag: { type: "tag", id: tag.id, name: "Hot" },
      contact: { id: lead.id },
    });
    expect(envelopes[5].data.item).toEqual({
      type: "contact",
      id: lead.id,
      external_id: lead.external_id,
      archived: true,
    });
    expect(envelopes[6].data.item).toEqual({
      type: "contact",
      id: lead.id,
      external_id: lead.external_id,
      archived: false,
    });
    expect(envelopes[7].data.item).toEqual({
      type: "contact",
      id: lead.id,
      external_id: lead.external_id,
      deleted: true,
    });
  });

  it("retries a failed delivery once with delivery_attempts 2", async () => {
    receiver.answer(500);
    await api.call("POST", "/contacts", { email: "r@example.org" });
    const posts = await receiver.waitForPosts(2);
    expect(posts.map((p) => parse(p.raw).delivery_attempts)).toEqual([1, 2]);
    expect(parse(posts[0].raw).id).toBe(parse(posts[1].raw).id);
    await sleep(100);
    expect(receiver.posts()).toHaveLength(2);
    const { deliveries } = (await api.call("GET", "/_sandbox/webhooks")).body;
    expect(deliveries[0]).toMatchObject({
      topic: "contact.user.created",
      attempts: 2,
      statuses: [500, 500],
      delivered: false,
    });
  });

  it("counts a slow receiver as a timeout and retries", async () => {
    await receiver.close();
    const { createServer } = await import("node:http");
    let calls = 0;
    const slow = createServer((req, res) => {
      calls++;
      if (req.method === "POST" && calls === 2) setTimeout(() => res.end(), 2000);
      else res.end();
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const port = (slow.address() as { port: number }).port;
    await api.call("POST", "/_sandbox/settings", { webhook_url: `http://127.0.0.1:${port}/hook` });
    const sent = await api.call("POST", "/_sandbox/webhooks/ping");
    expect(sent.body.status).toBe("timeout");
    await sleep(150);
    const { deliveries } = (await api.call("GET", "/_sandbox/webhooks")).body;
    expect(deliveries[0].statuses).toEqual(["timeout", 200]);
    slow.closeAllConnections();
    slow.close();
    receiver = await startReceiver();
  });

  it("stops delivering after a 410 until a URL is set again", async () => {
    receiver.answer(410);
    const first = await api.call("POST", "/_sandbox/webhooks/ping");
    expect(first.body.status).toBe(410);
    const second = await api.call("POST", "/_sandbox/webhooks/ping");
    expect(second.body.status).toBe("disabled");
    await sleep(80);
    expect(receiver.posts()).toHaveLength(1);
    receiver.answer(200);
    await api.call("POST", "/_sandbox/settings", { webhook_url: receiver.url });
    expect((await api.call("POST", "/_sandbox/webhooks/ping")).body.status).toBe(200);
  });

  it("sends ping with a null id", async () => {
    const reply = await api.call("POST", "/_sandbox/webhooks/ping");
    expect(reply.body).toEqual({ status: 200, id: null });
    const envelope = parse((await receiver.waitForPosts(1))[0].raw);
    expect(envelope).toMatchObject({ topic: "ping", id: null, data: { item: { type: "ping" } } });
  });

  it("signs and delivers a raw envelope as is", async () => {
    const raw = {
      type: "notification_event",
      topic: "custom.topic",
      id: "notif_x",
      data: { item: { a: 1 } },
    };
    expect((await api.call("POST", "/_sandbox/webhooks/raw", raw)).body.status).toBe(200);
    const [post] = await receiver.waitForPosts(1);
    expect(parse(post.raw)).toEqual({ ...raw });
    expect(post.headers["x-hub-signature"]).toBe(
      `sha1=${createHmac("sha1", secret).update(post.raw).digest("hex")}`,
    );
  });
});

describe("POST /_sandbox/webhooks", () => {
  async function seedTaggedUser() {
    const { body: tag } = await api.call("POST", "/tags", { name: "Beta" });
    const { body: user } = await api.call("POST", "/contacts", {
      email: "u@example.org",
      external_id: "u-77",
      name: "Una",
    });
    await api.call("POST", `/contacts/${user.id}/tags`, { id: tag.id });
    await receiver.waitForPosts(2);
    return { tag, user };
  }

  const trigger = async (body: Record<string, unknown>) => {
    const before = receiver.posts().length;
    const reply = await api.call("POST", "/_sandbox/webhooks", body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const posts = await receiver.waitForPosts(before + 1);
    return { reply: reply.body, envelope: parse(posts[before].raw) };
  };

  it("sends legacy user topics with 1.x items", async () => {
    const { tag, user } = await seedTaggedUser();
    const created = await trigger({ topic: "user.created", contact_id: user.id });
    expect(created.envelope.data.item).toMatchObject({
      type: "user",
      id: user.id,
      user_id: "u-77",
      email: "u@example.org",
    });
    expect(created.reply).toEqual({ status: 200, id: created.envelope.id });
    const tagged = await trigger({
      topic: "user.tag.created",
      contact_id: user.id,
      tag_id: tag.id,
    });
    expect(tagged.envelope.data.item).toMatchObject({
      type: "user_tag",
      tag: { id: tag.id, name: "Beta" },
      user: { type: "user", id: user.id },
    });
    const signedUp = await trigger({ topic: "contact.signed_up", contact_id: user.id });
    expect(signedUp.envelope.data.item.type).toBe("user");
  });

  it("sends modern conversation topics with the causing part", async () => {
    const { user } = await seedTaggedUser();
    const replied = await trigger({
      topic: "conversation.admin.replied",
      contact_id: user.id,
      message: "Hi <there>",
    });
    const item = replied.envelope.data.item;
    expect(item).toMatchObject({
      type: "conversation",
      contacts: {
        type: "contact.list",
        contacts: [{ type: "contact", id: user.id, external_id: "u-77" }],
      },
      conversation_parts: { total_count: 1 },
    });
    expect(item.conversation_parts.conversation_parts[0]).toMatchObject({
      part_type: "comment",
      body: "<p>Hi &lt;there&gt;</p>",
      author: { type: "admin" },
    });
    expect(Number.isInteger(item.created_at)).toBe(true);
    const started = await trigger({
      topic: "conversation.user.created",
      contact_id: user.id,
      message: "Help",
    });
    expect(started.envelope.data.item.source).toMatchObject({
      body: "<p>Help</p>",
      author: { type: "user", id: user.id },
    });
  });

  it("sends the legacy conversation shape when asked", async () => {
    const { user } = await seedTaggedUser();
    const closed = await trigger({
      topic: "conversation.admin.closed",
      contact_id: user.id,
      legacy: true,
    });
    expect(closed.envelope.data.item).toMatchObject({
      type: "conversation",
      user: { type: "user", id: user.id, user_id: "u-77" },
      assignee: { type: "admin" },
      conversation_message: { type: "conversation_message" },
      state: "closed",
    });
    expect(closed.envelope.data.item.links.conversation_web).toMatch(
      /^https:\/\/app\.intercom\.com\/a\/apps\/sbx0app1\/conversations\//,
    );
  });

  it("refuses unknown topics and contacts with 400/404", async () => {
    const { user } = await seedTaggedUser();
    expect(
      (await api.call("POST", "/_sandbox/webhooks", { topic: "nope", contact_id: user.id })).status,
    ).toBe(400);
    expect(
      (await api.call("POST", "/_sandbox/webhooks", { topic: "user.created", contact_id: "x" }))
        .status,
    ).toBe(404);
    expect((await api.call("POST", "/_sandbox/webhooks", { contact_id: user.id })).status).toBe(
      400,
    );
  });
});
