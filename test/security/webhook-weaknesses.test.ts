import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { startTestStack, type Stack } from "../helpers/stack";

let stack: Stack;
const sign = (body: string) =>
  `sha1=${createHmac("sha1", stack.intercom.clientSecret).update(body).digest("hex")}`;
const deliver = (body: string, signature: string) =>
  fetch(`${stack.urls.connector}/intercom`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature": signature },
    body,
  });
const firehose = async () =>
  (await (await fetch(`${stack.urls.hull}/_sandbox/firehose`)).json()) as unknown[];
/** The firehose entries written for the conversation of notification `id` (see `body`). */
const firehoseEntriesOf = async (id: string) =>
  ((await firehose()) as { body?: { properties?: { conversation_id?: unknown } } }[]).filter(
    (entry) => entry.body?.properties?.conversation_id === `c-${id}`,
  ).length;
const body = (id: string) =>
  JSON.stringify({
    app_id: "sbx0app1",
    id,
    topic: "conversation.user.created",
    data: {
      item: {
        type: "conversation",
        id: `c-${id}`,
        contacts: { contacts: [{ id: "1" }] },
        source: { body: "Hi" },
      },
    },
  });

beforeAll(async () => {
  stack = await startTestStack();
  // The callback answers once the workspace is linked (settings saved in Hull, the connector's
  // cached copy forgotten, the app id registered: connect-workspace.ts), so webhooks find it now.
  const { status } = await connectThroughOAuth(
    `${stack.urls.connector}/auth?${stack.credentialsQuery}`,
  );
  expect(status).toBe(200);
});
afterAll(() => stack?.close());

describe("pending weaknesses", () => {
  it.each([
    ["trailing non-hex characters", (s: string) => `${s}zz`],
    ["one extra hex digit", (s: string) => `${s}0`],
    ["a second signature appended", (s: string) => `${s}, sha1=${"0".repeat(40)}`],
  ])("refuses a valid digest with %s", async (_n, mangle) => {
    const b = body("notif_mangled");
    const response = await deliver(b, mangle(sign(b)));
    expect(response.status).toBe(401);
  });

  it("writes once when the same signed bytes arrive concurrently", async () => {
    const b = body("notif_concurrent");
    const answers = await Promise.all(
      Array.from(
        { length: 5 },
        async () => (await (await deliver(b, sign(b))).json()) as { outcome: string },
      ),
    );
    console.log(answers.map((a) => a.outcome));
    // A 200 can be "queued" (Hull slower than the connector's budget, ADR 003): the write then
    // lands after the answer. Count each notification's entries once they are in, not at the answer.
    await expect.poll(() => firehoseEntriesOf("notif_concurrent")).toBeGreaterThan(0);
    const single = body("notif_single");
    await deliver(single, sign(single));
    await expect.poll(() => firehoseEntriesOf("notif_single")).toBeGreaterThan(0);
    expect(await firehoseEntriesOf("notif_concurrent")).toBe(
      await firehoseEntriesOf("notif_single"),
    );
  });
});
