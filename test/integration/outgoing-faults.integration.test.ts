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
    // hull's framework: SmartNotifierResponse with retry and the error's code and reason.
    expect(await response.json()).toEqual({
      flow_control: { type: "retry", in: 1000 },
      metrics: [],
      errors: [{ code: "MISSING_SIGNATURE_HEADERS", reason: expect.any(String) }],
    });
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

  it("answers 401 to an unsigned body that is not a notification: the signature comes first", async () => {
    // Signed bodies that are not notifications get 400: test/security/smart-notifier-body.test.ts.
    expect((await post("{nope")).status).toBe(401);
    expect((await post({ channel: "user:update" })).status).toBe(401);
  });
});

describe("rate limits while Hull waits", () => {
  it("keeps users it cannot send in time, answers a slower next (never retry), sends each once", async () => {
    // More 429s in a row than a notification may wait through: the user is kept for later.
    await intercom.faults({ status: 429, share: 1, count: 12, path: "/contacts" });
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
    const answers = (await hull.notifications()).filter((n) => n.channel === "user:update");
    expect(answers.filter((n) => n.flow_control?.type === "retry")).toEqual([]);
    const slowed = answers.filter((n) => n.flow_control?.type === "next" && n.flow_control.in! > 1);
    expect(slowed.length).toBeGreaterThan(0);
    expect(slowed[0]!.status).toBe(200);
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
