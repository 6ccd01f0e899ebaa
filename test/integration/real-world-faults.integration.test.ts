import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverSigned } from "../helpers/intercom-webhooks";
import type { Stack } from "../helpers/stack";
import type { hullControl, intercomControl } from "../server/outgoing/helpers/sandbox-control";
import {
  eventually,
  startConnectedStack,
  waitForQuiet,
  type LoggedRequest,
} from "../server/outgoing/helpers/sandbox-control";

/**
 * Issue 15: each class of real-world fault, replayed through the connector and both stand-ins
 * with the input, asserting the right value.
 */
let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;
let customers: { id: string; name: string };

const WAIT = 30_000;
// Each test may wait up to WAIT more than once on a loaded machine.
const TEST_TIMEOUT = { timeout: 120_000 };

type HullUser = Awaited<ReturnType<ReturnType<typeof hullControl>["users"]>>[number] & {
  external_id?: string | null;
  events?: { event: string; properties: Record<string, unknown> }[];
};

beforeAll(async () => {
  ({ stack, hull, intercom } = await startConnectedStack());
  customers = await hull.createSegment("Customers", { customer: true });
  await hull.settings({
    synchronized_segments: [customers.id],
    sync_fields_to_intercom: [
      { hull: "name", name: "name", overwrite: true },
      { hull: "plan", name: "plan", overwrite: true },
      { hull: "score", name: "score", overwrite: true },
      { hull: "renewal_at", name: "renewal_at", overwrite: true },
    ],
    send_events: ["Order shipped"],
  });
}, 60_000);
afterAll(() => stack?.close());

const hullUsers = async () =>
  (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as HullUser[];
const hullUserByEmail = async (email: string) =>
  (await hullUsers()).find((user) => user.email === email);
const contactByEmail = async (email: string) =>
  (await intercom.contacts()).find((contact) => contact.email === email);
const activity = () => stack.connector.deps.activity.snapshot(stack.hull.connector.id);
const activityPage = (q: string) =>
  stack.connector.deps.activity.page(stack.hull.connector.id, { q });
const firehoseLog = async () =>
  (await (await fetch(`${stack.urls.hull}/_sandbox/firehose`)).json()) as {
    type: string;
    body: Record<string, unknown>;
    claims: { "io.hull.asUser"?: Record<string, unknown> } | null;
    note?: string;
  }[];

/** Calls the Intercom stand-in's REST API as an admin would (a token of its own). */
async function intercomRest(method: string, path: string, body?: unknown) {
  const token = (
    (await (await fetch(`${stack.urls.intercom}/_sandbox/token`, { method: "POST" })).json()) as {
      access_token: string;
    }
  ).access_token;
  const response = await fetch(`${stack.urls.intercom}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      "Intercom-Version": "2.14",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const deliver = (topic: string, item: Record<string, unknown>) =>
  deliverSigned(stack.urls.connector, stack.intercom.clientSecret, {
    type: "notification_event",
    app_id: stack.intercom.appId,
    topic,
    id: `notif_${randomUUID()}`,
    created_at: 1717243200,
    data: { item },
  });

async function takeRequests(): Promise<LoggedRequest[]> {
  const requests = await intercom.requests();
  await intercom.clearRequests();
  return requests;
}

describe("1. archived in Intercom is never written to", () => {
  it(
    "skips an archived contact, records why on the Hull user, and writes nothing into it",
    TEST_TIMEOUT,
    async () => {
      await hull.seedUsers([
        {
          claims: { email: "archie@example.com", external_id: "cust-0606" },
          attributes: { name: "Archie", plan: "pro", customer: true },
        },
      ]);
      const user = await eventually(async () => {
        const found = await hullUserByEmail("archie@example.com");
        return found?.attributes["intercom/id"] ? found : undefined;
      }, WAIT);
      const contactId = user.attributes["intercom/id"] as string;
      expect((await intercomRest("POST", `/contacts/${contactId}/archive`)).status).toBe(200);
      // The contact.archived webhook reaches Hull as intercom/archived_at.
      await eventually(
        async () =>
          (await hullUserByEmail("archie@example.com"))?.attributes["intercom/archived_at"],
        WAIT,
      );
      // Every request Archie's creation and archiving caused is in (and taken) before the update.
      await waitForQuiet(stack);
      await takeRequests();

      await hull.seedUsers([
        { claims: { email: "archie@example.com" }, attributes: { plan: "max" } },
      ]);
      const skipped = await eventually(async () => {
        const found = await hullUserByEmail("archie@example.com");
        return found?.attributes["intercom/skipped_reason"] ? found : undefined;
      }, WAIT);
      expect(skipped.attributes["intercom/skipped_reason"]).toBe(
        "archived in Intercom (unarchive_contacts is off)",
      );
      // The notification that wrote the reason was answered, and nothing else is in flight: a
      // write into the contact would be in the log by now.
      await waitForQuiet(stack);
      const written = (await takeRequests()).filter((request) => request.path.includes(contactId));
      expect(written).toEqual([]);
      expect((await activityPage(user.id)).entries.map((entry) => entry.reason)).toContain(
        "archived in Intercom (unarchive_contacts is off)",
      );
      expect((await activity()).counters["outgoing.users.skipped_archived"]).toBeGreaterThanOrEqual(
        1,
      );
    },
  );

  it(
    "reads Intercom's archived 409 as archived, not as a live duplicate, until unarchiving is allowed",
    TEST_TIMEOUT,
    async () => {
      // Intercom archived this person before Hull ever saw them (no webhooks meanwhile).
      await intercom.settings({ webhook_url: null });
      const [archivedId] = (
        await intercom.seedContacts([
          { role: "user", email: "ursula@example.com", external_id: "cust-0707", name: "U" },
        ])
      ).ids;
      await intercomRest("POST", `/contacts/${archivedId}/archive`);
      await intercom.settings({ webhook_url: `${stack.urls.connector}/intercom` });
      await takeRequests();

      await hull.seedUsers([
        {
          claims: { email: "ursula@example.com", external_id: "cust-0707" },
          attributes: { name: "Ursula", plan: "pro", customer: true },
        },
      ]);
      const user = await eventually(async () => {
        const found = await hullUserByEmail("ursula@example.com");
        return found?.attributes["intercom/skipped_reason"] ? found : undefined;
      }, WAIT);
      expect(user.attributes).toMatchObject({
        "intercom/id": archivedId,
        "intercom/archived_at": expect.any(String),
        "intercom/skipped_reason": "archived in Intercom (unarchive_contacts is off)",
      });
      // Every notification about Ursula answered (the write-back's included): all her requests are in.
      await waitForQuiet(stack);
      const requests = await takeRequests();
      expect(
        requests.filter((request) => request.path === "/contacts" && request.status === 409),
      ).toHaveLength(1);
      expect(
        requests.filter((request) => request.path.startsWith(`/contacts/${archivedId}`)),
      ).toEqual([]);
      const contact = (await intercom.contacts()).find((found) => found.id === archivedId);
      expect(contact).toMatchObject({ name: "U", archived: true, tags: [] });

      // With the setting on, the connector unarchives the contact and then updates it.
      await hull.settings({ unarchive_contacts: true });
      await hull.seedUsers([
        { claims: { email: "ursula@example.com" }, attributes: { plan: "max" } },
      ]);
      const live = await eventually(async () => {
        const found = (await intercom.contacts()).find((c) => c.id === archivedId);
        return found && !(found as { archived?: boolean }).archived && found.tags.length > 0
          ? found
          : undefined;
      }, WAIT);
      expect(live.custom_attributes.plan).toBe("max");
      await eventually(async () => {
        const found = await hullUserByEmail("ursula@example.com");
        // Cleared: Hull drops an attribute written as null.
        return found &&
          !found.attributes["intercom/archived_at"] &&
          !found.attributes["intercom/skipped_reason"]
          ? found
          : undefined;
      }, WAIT);
      await hull.settings({ unarchive_contacts: false });
    },
  );
});

describe("1b. a deleted mark and later proof that the contact is live", () => {
  // Kind: a state mark (deleted, archived) was never cleared by later evidence of a live contact,
  // so a person deleted in Intercom and added again by support was skipped for good.
  it(
    "sends a person deleted in Intercom and created there again with the same email",
    TEST_TIMEOUT,
    async () => {
      await hull.seedUsers([
        {
          claims: { email: "zed@example.com", external_id: "zed-1" },
          attributes: { name: "Zed", plan: "pro", customer: true },
        },
      ]);
      const first = await eventually(async () => {
        const found = await hullUserByEmail("zed@example.com");
        return found?.attributes["intercom/id"] ? found : undefined;
      }, WAIT);
      const oldId = first.attributes["intercom/id"] as string;
      expect((await intercomRest("DELETE", `/contacts/${oldId}`)).status).toBe(200);
      const deleted = await eventually(async () => {
        const found = await hullUserByEmail("zed@example.com");
        return found?.attributes["intercom/deleted_at"] ? found : undefined;
      }, WAIT);
      // Intercom's dates are whole seconds: the new contact is made in a later second than the
      // deletion, as a person doing it by hand would.
      const deletedAt = Date.parse(String(deleted.attributes["intercom/deleted_at"]));
      await eventually(async () => (Date.now() > deletedAt + 1000 ? true : undefined), WAIT);
      const created = await intercomRest("POST", "/contacts", {
        role: "user",
        email: "zed@example.com",
        external_id: "zed-1",
        name: "Zed",
      });
      expect(created.status).toBe(200);
      const newId = created.body.id as string;
      await eventually(async () => {
        const found = await hullUserByEmail("zed@example.com");
        return found?.attributes["intercom/id"] === newId ? found : undefined;
      }, WAIT);

      await hull.seedUsers([{ claims: { email: "zed@example.com" }, attributes: { plan: "max" } }]);
      const contact = await eventually(async () => {
        const found = await contactByEmail("zed@example.com");
        return found?.custom_attributes.plan === "max" ? found : undefined;
      }, WAIT);
      expect(contact.id).toBe(newId);
    },
  );
});

describe("2. incoming writes claim the person by every identifier", () => {
  it(
    "marks the existing Hull user deleted from a 1.x user.deleted, and creates no empty profile",
    TEST_TIMEOUT,
    async () => {
      await hull.seedUsers([
        { claims: { email: "rita@example.com", external_id: "cust-1313" }, attributes: {} },
      ]);
      const before = (await hullUsers()).length;
      const intercomId = "5f00aa11bb22cc33dd44ee55";
      const response = await deliver("user.deleted", {
        type: "user",
        id: intercomId,
        user_id: "cust-1313",
        email: "rita@example.com",
      });
      expect(response.status).toBe(200);
      const rita = await eventually(async () => {
        const found = await hullUserByEmail("rita@example.com");
        return found?.attributes["intercom/deleted_at"] ? found : undefined;
      }, WAIT);
      expect(rita.anonymous_ids).toContain(`intercom:${intercomId}`);
      expect((await hullUsers()).length).toBe(before);

      // A deletion of a contact Hull never saw: skipped by Hull, no profile made for it.
      const unknownId = "5f00aa11bb22cc33dd44ee99";
      await deliver("contact.deleted", {
        type: "contact",
        id: unknownId,
        external_id: "nobody-9",
        deleted: true,
      });
      const entry = await eventually(
        async () =>
          (await firehoseLog()).find(
            (logged) => logged.claims?.["io.hull.asUser"]?.anonymous_id === `intercom:${unknownId}`,
          ),
        WAIT,
      );
      expect(entry.note).toMatch(/no matching user/);
      expect((await hullUsers()).length).toBe(before);
      expect(
        (await hullUsers()).some((user) => user.anonymous_ids.includes(`intercom:${unknownId}`)),
      ).toBe(false);
    },
  );

  it(
    "puts a 2.x conversation whose contact carries external_id on the existing user",
    TEST_TIMEOUT,
    async () => {
      const before = (await hullUsers()).length;
      const contactId = "6762f0dd1bb69f9f2193cc01";
      await deliver("conversation.user.created", {
        type: "conversation",
        id: "9001",
        created_at: 1717243200,
        source: { type: "conversation", body: "<p>Where is my order?</p>" },
        contacts: {
          type: "contact.list",
          contacts: [{ type: "contact", id: contactId, external_id: "cust-1313" }],
        },
        conversation_parts: { type: "conversation_part.list", conversation_parts: [] },
      });
      const rita = (await eventually(async () => {
        const found = (await hullUserByEmail("rita@example.com")) as HullUser | undefined;
        return found?.events?.some((event) => event.event === "User started conversation")
          ? found
          : undefined;
      }, WAIT))!;
      expect(rita.anonymous_ids).toContain(`intercom:${contactId}`);
      expect((await hullUsers()).length).toBe(before);
    },
  );
});

describe("3. Unix milliseconds are dates on the way out", () => {
  it(
    "sends ship_date in seconds and creates renewal_at as a date attribute in seconds",
    TEST_TIMEOUT,
    async () => {
      await takeRequests();
      await hull.seedUsers([
        {
          claims: { email: "shipping@example.com", external_id: "cust-0303" },
          attributes: { name: "Sam", customer: true, renewal_at: 1717243200000 },
          events: [
            {
              event: "Order shipped",
              properties: {
                ship_date: 1717243200000,
                order_date: "1717243200000",
                delivery_date: "2024-06-01T12:00:00Z",
              },
            },
          ],
        },
      ]);
      const contact = await eventually(async () => {
        const found = await contactByEmail("shipping@example.com");
        return found && found.events.length > 0 ? found : undefined;
      }, WAIT);
      expect(contact.events[0]!.metadata).toEqual({
        delivery_date: 1717243200,
        order_date: 1717243200,
        ship_date: 1717243200,
      });
      expect(contact.custom_attributes.renewal_at).toBe(1717243200);
      const created = (await takeRequests()).filter(
        (request) => request.method === "POST" && request.path === "/data_attributes",
      );
      expect(created.map((request) => request.body)).toContainEqual(
        expect.objectContaining({ name: "renewal_at", data_type: "date" }),
      );
    },
  );
});

describe("4. conversation events carry the text of the part that caused them", () => {
  it(
    "has no message for a 1.x assignment part without body, and keeps the opening message apart",
    TEST_TIMEOUT,
    async () => {
      await hull.seedUsers([
        { claims: { email: "mira@example.com", external_id: "cust-0404" }, attributes: {} },
      ]);
      await deliver("conversation.admin.assigned", {
        type: "conversation",
        id: "5142127318",
        created_at: 1717243200,
        updated_at: 1717243260,
        user: { type: "user", id: "5718a8e4a0d1d8d1a4000044", user_id: "cust-0404" },
        conversation_message: { type: "conversation_message", body: "<p>Hello Mira</p>" },
        conversation_parts: {
          type: "conversation_part.list",
          conversation_parts: [
            {
              type: "conversation_part",
              id: "77",
              part_type: "assignment",
              body: null,
              assigned_to: { type: "admin", id: "991267460" },
            },
          ],
        },
      });
      const event = await eventually(async () => {
        const found = (await hullUserByEmail("mira@example.com")) as HullUser | undefined;
        return found?.events?.find((tracked) => tracked.event === "Admin assigned conversation");
      }, WAIT);
      expect(event.properties).not.toHaveProperty("message");
      expect(event.properties.opening_message).toBe("<p>Hello Mira</p>");
      expect(event.properties.assignee_id).toBe("991267460");
    },
  );

  it("has no message for a 2.x close part without body", TEST_TIMEOUT, async () => {
    const [contactId] = (
      await intercom.seedContacts([
        { role: "user", email: "closer@example.com", external_id: "cust-0405" },
      ])
    ).ids;
    await eventually(async () => (await hullUserByEmail("closer@example.com")) !== undefined, WAIT);
    const sent = await fetch(`${stack.urls.intercom}/_sandbox/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        topic: "conversation.admin.closed",
        contact_id: contactId,
        message: "Thanks, all sorted",
      }),
    });
    expect(sent.status).toBe(200);
    const event = await eventually(async () => {
      const found = (await hullUserByEmail("closer@example.com")) as HullUser | undefined;
      return found?.events?.find((tracked) => tracked.event === "Admin closed conversation");
    }, WAIT);
    expect(event.properties).not.toHaveProperty("message");
  });
});

describe("5. values follow the catalogue's type; a refused contact reports its events and tags", () => {
  it(
    'writes 42 and "42" to the new integer attribute score, with both users\' events and tags',
    TEST_TIMEOUT,
    async () => {
      await hull.seedUsers(
        ["one", "two"].map((name, index) => ({
          claims: { email: `score-${name}@example.com`, external_id: `cust-05${index}` },
          attributes: { name, customer: true, score: index === 0 ? 42 : "42" },
          events: [{ event: "Order shipped", properties: { order: name } }],
        })),
      );
      const contacts = await eventually(async () => {
        const found = [
          await contactByEmail("score-one@example.com"),
          await contactByEmail("score-two@example.com"),
        ];
        return found.every((contact) => contact && contact.events.length > 0 && contact.tags.length)
          ? found
          : undefined;
      }, WAIT);
      for (const contact of contacts) {
        expect(contact!.custom_attributes.score).toBe(42);
        expect(contact!.tags).toEqual(["Customers"]);
        expect(contact!.events.map((event) => event.event_name)).toEqual(["Order shipped"]);
      }
    },
  );

  it(
    "reports the events and tags of a user whose contact Intercom refuses, with the reason",
    TEST_TIMEOUT,
    async () => {
      const failedBefore = (await activity()).counters["outgoing.events.failed"] ?? 0;
      await intercom.faults({ status: 400, share: 1, path: "/contacts", count: 1 });
      await hull.seedUsers([
        {
          claims: { email: "refused@example.com", external_id: "cust-0599" },
          attributes: { name: "Refused", customer: true },
          events: [{ event: "Order shipped", properties: { order: "r-1" } }],
        },
      ]);
      const message = await eventually(
        async () =>
          (await activity()).recent_errors.find((entry) =>
            entry.message.includes("event(s) not sent because the contact was refused"),
          )?.message,
        WAIT,
      );
      expect(message).toContain("Order shipped");
      expect(message).toContain(
        "segment tag(s) not applied because the contact was refused: Customers",
      );
      expect(message).toMatch(/Intercom answered 400/);
      const counters = (await activity()).counters;
      expect(counters["outgoing.events.failed"]).toBe(failedBefore + 1);
      expect(counters["outgoing.tags.failed"]).toBeGreaterThanOrEqual(1);
    },
  );
});

describe("6. segment tags are applied on enter only", () => {
  it(
    "tags once over three updates, one request per update, and Hull's intercom/tags is right",
    TEST_TIMEOUT,
    async () => {
      await hull.seedUsers([
        {
          claims: { email: "steady@example.com", external_id: "cust-0606-b" },
          attributes: { name: "Steady", plan: "v0", customer: true },
        },
      ]);
      const user = await eventually(async () => {
        const found = await hullUserByEmail("steady@example.com");
        const tags = found?.attributes["intercom/tags"];
        return found?.attributes["intercom/id"] && Array.isArray(tags) && tags.length > 0
          ? found
          : undefined;
      }, WAIT);
      expect(user.attributes["intercom/tags"]).toEqual(["Customers"]);
      const contactId = user.attributes["intercom/id"] as string;
      // Every request of Steady's creation is in (and taken) before the three updates.
      await waitForQuiet(stack);
      await takeRequests();
      for (const plan of ["v1", "v2", "v3"]) {
        await hull.seedUsers([{ claims: { email: "steady@example.com" }, attributes: { plan } }]);
        await eventually(
          async () => (await contactByEmail("steady@example.com"))?.custom_attributes.plan === plan,
          WAIT,
        );
      }
      // All three updates' notifications answered, write-backs' included: no request is to come.
      await waitForQuiet(stack);
      const requests = (await takeRequests()).filter((request) => request.path.includes(contactId));
      expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        `PUT /contacts/${contactId}`,
        `PUT /contacts/${contactId}`,
        `PUT /contacts/${contactId}`,
      ]);
      const contact = await contactByEmail("steady@example.com");
      expect(contact!.tags).toEqual(["Customers"]);
      expect((await hullUserByEmail("steady@example.com"))!.attributes["intercom/tags"]).toEqual([
        "Customers",
      ]);
    },
  );
});
