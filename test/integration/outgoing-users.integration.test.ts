import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { intercomRequestProblems } from "../helpers/intercom-contract";
import { hullConnector, startTestStack, type Stack } from "../helpers/stack";
import {
  eventually,
  hullControl,
  intercomControl,
} from "../server/outgoing/helpers/sandbox-control";

let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;
let customers: { id: string; name: string };
let vips: { id: string; name: string };

beforeAll(async () => {
  stack = await startTestStack();
  hull = hullControl(stack);
  intercom = intercomControl(stack);
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  await intercom.clearRequests(); // OAuth's own endpoints are not REST API calls
  customers = await hull.createSegment("Customers", { customer: true });
  vips = await hull.createSegment("VIP", { vip: true });
  await hull.settings({
    synchronized_segments: [customers.id],
    sync_fields_to_intercom: [
      { hull: "name", name: "name", overwrite: true },
      { hull: "plan", name: "plan", overwrite: true },
      { hull: "company_size", name: "company_size", overwrite: true },
      { hull: "nickname", name: "nickname", overwrite: false },
    ],
    send_events: ["Signed up"],
  });
});
afterAll(() => stack?.close());

const contactByEmail = async (email: string) =>
  (await intercom.contacts()).find((contact) => contact.email === email);

describe("outgoing sync of new users", () => {
  it("creates a contact with its attributes and a tag per segment, and tells Hull its id", async () => {
    const [seeded] = await hull.seedUsers([
      {
        claims: { email: "ada@example.com", external_id: "ada-1" },
        attributes: { name: "Ada", plan: "pro", company_size: 12, customer: true, vip: true },
      },
    ]);
    const contact = await eventually(async () => {
      const found = await contactByEmail("ada@example.com");
      return found && found.tags.length === 2 ? found : undefined;
    });
    expect(contact).toMatchObject({
      role: "user",
      external_id: "ada-1",
      name: "Ada",
      custom_attributes: { plan: "pro", company_size: 12 },
    });
    expect(contact.tags.sort()).toEqual(["Customers", "VIP"]);
    const user = await eventually(async () =>
      (await hull.users()).find((candidate) => candidate.attributes["intercom/id"]),
    );
    expect(user.id).toBe(seeded!.id);
    expect(user.attributes["intercom/id"]).toBe(contact.id);
    expect(user.anonymous_ids).toContain(`intercom:${contact.id}`);
    const mapping = (await hullConnector(stack)).private_settings.tag_mapping as Record<
      string,
      string
    >;
    expect(Object.keys(mapping).sort()).toEqual([customers.id, vips.id].sort());
  });

  it("sends nobody outside the synchronized segments", async () => {
    await hull.seedUsers([{ claims: { email: "out@example.com" }, attributes: { vip: true } }]);
    await eventually(async () =>
      (await hull.notifications()).some((n) => n.channel === "user:update" && n.status === 200),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await contactByEmail("out@example.com")).toBeUndefined();
  });

  it("sent only requests that Intercom's description documents", async () => {
    const problems = (await intercom.requests()).flatMap((request) =>
      intercomRequestProblems(request.method, request.path, request.body),
    );
    expect(problems).toEqual([]);
  });
});
