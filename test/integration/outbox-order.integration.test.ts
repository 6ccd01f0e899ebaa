// End to end, the reviewer's reproduction of "a replay of the outbox lands older data over newer":
// Hull's firehose is down (the Hull stand-in's fault API), a contact's notification is kept in
// the outbox; Hull comes back and a newer notification about the same contact arrives before the
// replay. Hull must end with the newer values, and nothing acknowledged may be lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { envelope, modernUser } from "../fixtures/intercom/webhooks";
import { deliverSigned } from "../helpers/intercom-webhooks";
import { startTestStack, type Stack } from "../helpers/stack";

type HullUser = { external_id: string | null; attributes: Record<string, unknown> };

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
});
afterAll(() => stack?.close());

const hullFaults = (faults: Record<string, unknown>) =>
  fetch(`${stack.urls.hull}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(faults),
  });
const contactIn = async (externalId: string) =>
  ((await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as HullUser[]).find(
    (user) => user.external_id === externalId,
  );
const outboxRecords = async () => {
  const text = await (await fetch(`${stack.urls.connector}/metrics`)).text();
  return Number(/^hull_intercom_outbox_records (\d+)/m.exec(text)?.[1] ?? NaN);
};

/** A signed contact notification from the stack's workspace; its answer's outcome. */
async function notify(topic: string, id: string, item: Record<string, unknown>) {
  const notification = { ...envelope(topic, modernUser(item), id), app_id: stack.intercom.appId };
  const response = await deliverSigned(
    stack.urls.connector,
    stack.intercom.clientSecret,
    notification,
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { outcome: string }).outcome;
}

describe("notifications kept while Hull was down, and newer ones after it came back", () => {
  it("end in Hull with the newer values: a newer notification waits behind the kept one", async () => {
    const contact = {
      id: "6762f0dd1bb69f9f2193cc01",
      external_id: "outbox-order-1",
      email: "order@example.com",
    };
    await hullFaults({ status: 503, count: 100_000 });
    expect(
      await notify("contact.user.created", "notif_order_1", {
        ...contact,
        name: "Old Name",
        updated_at: "2026-12-01T10:00:00.000+00:00",
      }),
    ).toBe("queued");
    await hullFaults({});
    // Hull is back; the replay (every 5 s) has not run yet, or is running.
    expect(
      await notify("contact.email.updated", "notif_order_2", {
        ...contact,
        email: "order-new@example.com",
        name: "New Name",
        updated_at: "2026-12-01T10:05:00.000+00:00",
      }),
    ).toBe("queued");
    await expect.poll(outboxRecords, { timeout: 60_000, interval: 200 }).toBe(0);
    expect((await contactIn(contact.external_id))?.attributes).toMatchObject({
      "intercom/name": "New Name",
      "intercom/email": "order-new@example.com",
      "intercom/updated_at": "2026-12-01T10:05:00.000Z",
    });
    // Nothing waits any more: the next notification goes to Hull directly.
    expect(
      await notify("contact.email.updated", "notif_order_3", {
        ...contact,
        email: "order-newest@example.com",
        name: "Newest Name",
        updated_at: "2026-12-01T10:10:00.000+00:00",
      }),
    ).toBe("written");
  });
});
