// Intercom webhooks: only bytes signed with the app's client secret get in (intercom-api.md §4.5),
// and a replay of a captured delivery writes nothing twice.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { waitFor } from "./helpers/wait-for";
import { hullConnector, startTestStack, type Stack } from "../helpers/stack";

let stack: Stack;
let contactId: string;
let accessToken: string;

const hmacHex = (body: string, secret: string) =>
  createHmac("sha1", secret).update(body).digest("hex");
const sign = (body: string) => `sha1=${hmacHex(body, stack.intercom.clientSecret)}`;
const deliver = (body: string, signature?: string) =>
  fetch(`${stack.urls.connector}/intercom`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature === undefined ? {} : { "x-hub-signature": signature }),
    },
    body,
  });
const firehoseCount = async () =>
  ((await (await fetch(`${stack.urls.hull}/_sandbox/firehose`)).json()) as unknown[]).length;

function conversationBody(id: string, message = "Hello") {
  return JSON.stringify({
    type: "notification_event",
    app_id: stack.intercom.appId,
    id,
    topic: "conversation.user.created",
    created_at: 1767000000,
    data: {
      type: "notification_event_data",
      item: {
        type: "conversation",
        id: `conv-${id}`,
        contacts: { type: "contact.list", contacts: [{ type: "contact", id: contactId }] },
        source: { body: message },
      },
    },
  });
}

beforeAll(async () => {
  stack = await startTestStack();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  const created = await fetch(`${stack.urls.intercom}/_sandbox/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contacts: [{ role: "user", email: "sig@example.com" }] }),
  });
  contactId = ((await created.json()) as { ids: string[] }).ids[0]!;
  accessToken = (await hullConnector(stack)).private_settings.access_token as string;
  // Creating the contact makes the stand-in send its own webhook: let it land before counting.
  await waitFor(async () => {
    const users = (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as {
      anonymous_ids: string[];
    }[];
    return users.some((user) => user.anonymous_ids.includes(`intercom:${contactId}`));
  }, "the stand-in's contact webhook");
});
afterAll(() => stack?.close());

describe("a webhook signed with anything but the client secret", () => {
  it.each([
    ["the connector's Hull secret", () => stack.hull.connector.secret],
    ["the workspace's access token", () => accessToken],
    ["the client id", () => stack.intercom.clientId],
    ["an empty key", () => ""],
  ])("is refused with 401 when signed with %s, and nothing is written", async (_name, key) => {
    const body = conversationBody("notif_wrong_key");
    const before = await firehoseCount();
    const response = await deliver(body, `sha1=${hmacHex(body, key())}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.stringContaining("X-Hub-Signature") });
    expect(await firehoseCount()).toBe(before);
  });
});

describe("a webhook whose body changed after it was signed", () => {
  it("is refused when one character of the message changed", async () => {
    const signature = sign(conversationBody("notif_tampered", "Hello"));
    const before = await firehoseCount();
    expect((await deliver(conversationBody("notif_tampered", "Hellp"), signature)).status).toBe(
      401,
    );
    expect(await firehoseCount()).toBe(before);
  });

  it("is refused when the same JSON was re-serialised with other whitespace", async () => {
    const body = conversationBody("notif_reformatted");
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    expect((await deliver(reformatted, sign(body))).status).toBe(401);
  });

  it("is refused when the signature of one delivery is reused for another", async () => {
    const signature = sign(conversationBody("notif_first"));
    expect((await deliver(conversationBody("notif_second"), signature)).status).toBe(401);
  });
});

describe("a mis-encoded X-Hub-Signature", () => {
  it.each([
    ["an empty header", () => ""],
    ["the prefix alone", () => "sha1="],
    ["an upper-case algorithm name", (body: string) => sign(body).replace("sha1=", "SHA1=")],
    ["no algorithm prefix", (body: string) => hmacHex(body, stack.intercom.clientSecret)],
    [
      "the digest in base64",
      (body: string) =>
        `sha1=${createHmac("sha1", stack.intercom.clientSecret).update(body).digest("base64")}`,
    ],
    ["a truncated digest", (body: string) => sign(body).slice(0, -2)],
    [
      "a sha256 digest",
      (body: string) =>
        `sha256=${createHmac("sha256", stack.intercom.clientSecret).update(body).digest("hex")}`,
    ],
    ["non-hexadecimal characters", () => `sha1=${"zz".repeat(20)}`],
    ["non-ASCII characters", () => `sha1=${"é".repeat(40)}`],
  ])("is refused with 401: %s", async (_name, header) => {
    const body = conversationBody("notif_misencoded");
    const before = await firehoseCount();
    expect((await deliver(body, header(body))).status).toBe(401);
    expect(await firehoseCount()).toBe(before);
  });
});

describe("a replayed webhook", () => {
  it("writes once however many times the same signed bytes arrive one after another", async () => {
    const body = conversationBody("notif_replayed");
    const before = await firehoseCount();
    const first = await deliver(body, sign(body));
    expect(await first.json()).toEqual({ outcome: "written" });
    const written = (await firehoseCount()) - before;
    expect(written).toBeGreaterThan(0);
    for (let replay = 0; replay < 3; replay += 1) {
      const response = await deliver(body, sign(body));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ outcome: "duplicate" });
    }
    expect((await firehoseCount()) - before).toBe(written);
  });
});
