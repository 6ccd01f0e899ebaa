import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "./sandbox-client.js";
import { waitUntil } from "../../helpers/wait.js";
import { startReceiver } from "./webhook-receiver.js";

let api: TestSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const secret = "sandbox-client-secret";

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
  expect(api.contractProblems).toEqual([]);
});

const parse = (raw: string) => JSON.parse(raw);
/** The stand-in's record of its deliveries, in the order they were queued. */
const deliveryLog = async () => (await api.call("GET", "/_sandbox/webhooks")).body.deliveries;
/** One envelope per notification: a retry repeats its notification's id. */
const firstOfEach = (raws: string[]) => {
  const seen = new Set<string>();
  return raws
    .map((raw) => parse(raw))
    .filter((envelope) => !seen.has(envelope.id) && Boolean(seen.add(envelope.id)));
};

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
    const topics = [
      "contact.lead.created",
      "contact.lead.tag.created",
      "contact.lead.tag.deleted",
      "contact.lead.signed_up",
      "contact.email.updated",
      "contact.archived",
      "contact.unarchived",
      "contact.deleted",
    ];
    // The stand-in queues notifications in the order of the changes (its sender's queue); what
    // arrives is compared by topic, since a retry may land after later notifications.
    expect((await deliveryLog()).map((d: { topic: string }) => d.topic)).toEqual(topics);
    await expect
      .poll(() => firstOfEach(receiver.posts().map((post) => post.raw)))
      .toHaveLength(topics.length);
    const byTopic = new Map(
      firstOfEach(receiver.posts().map((post) => post.raw)).map((e) => [e.topic, e]),
    );
    expect([...byTopic.keys()].sort()).toEqual([...topics].sort());
    const envelopes = topics.map((topic) => byTopic.get(topic));
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
    // An unarchive carries the whole contact, its times as ISO strings (a recorded capture,
    // test/conformance/intercom/webhook-captures.test.ts).
    expect(envelopes[6].data.item).toMatchObject({
      type: "contact",
      id: lead.id,
      external_id: lead.external_id,
      role: "user",
      email: "conv@example.org",
      updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
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
    // The receiver sees the retry before the sender has recorded its answer: wait for the record.
    const [delivery] = await waitUntil(async () => {
      const log = await deliveryLog();
      return log[0]?.statuses.length === 2 ? log : undefined;
    });
    expect(receiver.posts()).toHaveLength(2);
    expect(delivery).toMatchObject({
      topic: "contact.user.created",
      attempts: 2,
      statuses: [500, 500],
      delivered: false,
    });
  });

  it("counts a slow receiver as a timeout and retries", async () => {
    // A receiver that never answers times out whatever the machine's load (one that answers after
    // a delay races the timeout); a stand-in of its own with a short timeout keeps the test quick.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const quick = await startTestSandbox({ webhookRetryDelayMs: 30, webhookTimeoutMs: 300 });
    try {
      await quick.call("POST", "/_sandbox/settings", {
        webhook_url: `http://127.0.0.1:${port}/hook`,
      });
      const sent = await quick.call("POST", "/_sandbox/webhooks/ping");
      expect(sent.body.status).toBe("timeout");
      const [delivery] = await waitUntil(async () => {
        const log = (await quick.call("GET", "/_sandbox/webhooks")).body.deliveries;
        return log[0]?.statuses.length === 2 ? log : undefined;
      });
      expect(delivery).toMatchObject({
        topic: "ping",
        attempts: 2,
        statuses: ["timeout", "timeout"],
        delivered: false,
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
      await quick.close();
    }
  });

  it("stops delivering after a 410 until a URL is set again", async () => {
    receiver.answer(410);
    const first = await api.call("POST", "/_sandbox/webhooks/ping");
    expect(first.body.status).toBe(410);
    const second = await api.call("POST", "/_sandbox/webhooks/ping");
    expect(second.body.status).toBe("disabled");
    // A 410 is never retried: the sender's record of the first delivery is final.
    expect((await deliveryLog()).map((d: { statuses: unknown[] }) => d.statuses)).toEqual([
      [410],
      ["disabled"],
    ]);
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
    const reply = await api.call("POST", "/_sandbox/webhooks", body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    // Found by its id, not its place: a retry of an earlier notification may arrive in between.
    const envelope = await waitUntil(() =>
      receiver
        .posts()
        .map((post) => parse(post.raw))
        .find((e) => e.id === reply.body.id),
    );
    return { reply: reply.body, envelope };
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
