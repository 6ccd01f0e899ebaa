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

const contactById = async (id: string) =>
  (await intercom.contacts()).find((contact) => contact.id === id);
const hullUserByEmail = async (email: string) =>
  (await hull.users()).find((user) => user.email === email);

/**
 * Seeds contacts in Intercom and waits until the stand-in's webhooks for them have reached Hull:
 * one landing after the test's own Hull seeding would overwrite its `intercom/*` traits (a late
 * contact.user.created names the user, not the lead), and on a loaded machine they can be late.
 */
async function seedContactsInHull(contacts: Record<string, unknown>[]) {
  const seeded = await intercom.seedContacts(contacts);
  await eventually(async () => {
    const anonymousIds = new Set((await hull.users()).flatMap((user) => user.anonymous_ids));
    return seeded.ids.every((id) => anonymousIds.has(`intercom:${id}`));
  });
  return seeded;
}

describe("outgoing sync of leads", () => {
  it("updates a lead as a lead", async () => {
    const { ids } = await seedContactsInHull([{ role: "lead", email: "visitor@example.com" }]);
    await hull.seedUsers([
      {
        claims: { email: "visitor@example.com" },
        attributes: {
          "intercom/id": ids[0],
          "intercom/is_lead": true,
          plan: "trial",
          customer: true,
        },
      },
    ]);
    const lead = await eventually(async () => {
      const found = await contactById(ids[0]!);
      return found?.custom_attributes.plan === "trial" ? found : undefined;
    });
    expect(lead.role).toBe("lead");
    expect(
      (await intercom.requests()).some((r) => r.method === "POST" && r.path === "/contacts"),
    ).toBe(false);
  });

  it("turns a lead whose Hull user gained an external_id into a user", async () => {
    const { ids } = await seedContactsInHull([{ role: "lead", email: "soon@example.com" }]);
    await hull.seedUsers([
      {
        claims: { email: "soon@example.com", external_id: "soon-1" },
        attributes: {
          "intercom/id": ids[0],
          "intercom/is_lead": true,
          plan: "pro",
          customer: true,
        },
      },
    ]);
    const user = await eventually(async () => {
      const found = await contactById(ids[0]!);
      return found?.role === "user" && found.custom_attributes.plan === "pro" ? found : undefined;
    });
    expect(user.external_id).toBe("soon-1");
    await eventually(
      async () =>
        (await hullUserByEmail("soon@example.com"))?.attributes["intercom/is_lead"] === false,
    );
  });

  it("merges a lead into the user Intercom already has for that external_id", async () => {
    const { ids } = await seedContactsInHull([
      { role: "lead", email: "twin@example.com" },
      { role: "user", email: "twin@example.com", external_id: "twin-1" },
    ]);
    const [leadId, userId] = ids as [string, string];
    await hull.seedUsers([
      {
        claims: { email: "twin@example.com", external_id: "twin-1" },
        attributes: {
          "intercom/id": leadId,
          "intercom/is_lead": true,
          plan: "team",
          customer: true,
        },
      },
    ]);
    await eventually(async () => (await contactById(userId))?.custom_attributes.plan === "team");
    expect(await contactById(leadId)).toBeUndefined();
    const hullUser = await eventually(async () => {
      const found = await hullUserByEmail("twin@example.com");
      return found?.attributes["intercom/id"] === userId ? found : undefined;
    });
    expect(hullUser.attributes["intercom/is_lead"]).toBe(false);
  });
});

describe("outgoing sync when Intercom's search lags behind", () => {
  it("turns the 409 of a create into an update of the contact it names", async () => {
    // Without webhooks, so that the incoming flow cannot tell Hull the contact's id first.
    await intercom.settings({ search_lag_ms: 600_000, webhook_url: null });
    const { ids } = await intercom.seedContacts([{ role: "user", email: "lag@example.com" }]);
    const before = (await intercom.requests()).length;
    await hull.seedUsers([
      { claims: { email: "lag@example.com" }, attributes: { plan: "late", customer: true } },
    ]);
    await eventually(async () => (await contactById(ids[0]!))?.custom_attributes.plan === "late");
    const calls = (await intercom.requests())
      .slice(before)
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    // Create first (ADR 013): no search, which would cost a request and lag anyway.
    expect(calls).toEqual(
      expect.arrayContaining(["POST /contacts 409", `PUT /contacts/${ids[0]} 200`]),
    );
    expect(calls.filter((call) => call.includes("/contacts/search"))).toEqual([]);
    expect((await intercom.contacts()).filter((c) => c.email === "lag@example.com")).toHaveLength(
      1,
    );
    await eventually(
      async () => (await hullUserByEmail("lag@example.com"))?.attributes["intercom/id"] === ids[0],
    );
    await intercom.settings({ search_lag_ms: 0, webhook_url: `${stack.urls.connector}/intercom` });
  });

  it("sent only requests that Intercom's description documents", async () => {
    const problems = (await intercom.requests()).flatMap((request) =>
      intercomRequestProblems(request.method, request.path, request.body),
    );
    expect(problems).toEqual([]);
  });
});
