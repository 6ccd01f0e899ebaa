import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intercomRequestProblems } from "../helpers/intercom-contract";
import type { Stack } from "../helpers/stack";
import type { hullControl, intercomControl } from "../server/outgoing/helpers/sandbox-control";
import { eventually, startConnectedStack } from "../server/outgoing/helpers/sandbox-control";

let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;

beforeAll(async () => {
  ({ stack, hull, intercom } = await startConnectedStack());
  const customers = await hull.createSegment("Customers", { customer: true });
  await hull.settings({
    synchronized_segments: [customers.id],
    sync_fields_to_intercom: [{ hull: "plan", name: "plan", overwrite: true }],
  });
});
afterAll(() => stack?.close());

function notification(overrides: Record<string, unknown> = {}) {
  const { id, organization, secret } = stack.hull.connector;
  return {
    notification_id: "n-1",
    configuration: { id, organization, secret },
    channel: "user:update",
    connector: { id, private_settings: {}, settings: {} },
    segments: [],
    messages: [{ user: { id: "u-forged", email: "forged@example.com" } }],
    ...overrides,
  };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stack.urls.connector}/smart-notifier`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("smart-notifier refusals", () => {
  it("answers 401 and does nothing when the signature is missing", async () => {
    const response = await post(notification());
    expect(response.status).toBe(401);
    expect(await intercom.requests()).toEqual([]);
  });

  it("answers 401 when the signature's key would come from a host that is not Hull's", async () => {
    const response = await post(notification(), {
      "x-hull-smart-notifier": "true",
      "x-hull-smart-notifier-signature-version": "v1",
      "x-hull-smart-notifier-signature": "e30.e30.e30",
      "x-hull-smart-notifier-signature-public-key-url": "http://evil.example.com/key",
    });
    expect(response.status).toBe(401);
  });

  it("answers 400 to a body that is not a notification", async () => {
    expect((await post("{nope")).status).toBe(400);
    expect((await post({ channel: "user:update" })).status).toBe(400);
  });
});

describe("rate limits while Hull waits", () => {
  it("answers a burst of 429s with retry and the wait, then sends everyone on Hull's resend", async () => {
    // Two 429s in a row for one user: if the first names a reset close enough to wait for, the
    // second names the next window's, which is not; so the run must hand a wait back to Hull.
    await intercom.faults({ status: 429, share: 1, count: 2, path: "/contacts" });
    const emails = ["r1@example.com"];
    await hull.seedUsers(
      emails.map((email) => ({ claims: { email }, attributes: { plan: "pro", customer: true } })),
    );
    await eventually(async () => {
      const contacts = await intercom.contacts();
      return emails.every((email) =>
        contacts.some((c) => c.email === email && c.custom_attributes.plan === "pro"),
      );
    });
    const retries = (await hull.notifications()).filter((n) => n.flow_control?.type === "retry");
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]!.status).toBe(200);
    expect(retries[0]!.flow_control!.in).toBeGreaterThanOrEqual(1000);
    const contacts = await intercom.contacts();
    for (const email of emails) expect(contacts.filter((c) => c.email === email)).toHaveLength(1);
    await eventually(
      async () =>
        (await hull.users()).filter(
          (u) => emails.includes(u.email ?? "") && u.attributes["intercom/id"],
        ).length === emails.length,
    );
  });

  it("sent only requests that Intercom's description documents", async () => {
    const problems = (await intercom.requests()).flatMap((request) =>
      intercomRequestProblems(request.method, request.path, request.body),
    );
    expect(problems).toEqual([]);
  });
});
