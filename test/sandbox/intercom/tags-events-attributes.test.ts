import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { intercomRequestProblems } from "../../helpers/intercom-contract.js";
import { startTestSandbox, type TestSandbox } from "./sandbox-client.js";

let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox();
});
beforeEach(async () => {
  await api.reset();
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

describe("tags", () => {
  it("POST /tags creates once and finds the same tag by case-insensitive name", async () => {
    const first = await api.call("POST", "/tags", { name: "VIP" });
    const again = await api.call("POST", "/tags", { name: "vip" });
    expect(again.body).toEqual({ type: "tag", id: first.body.id, name: "VIP" });
    expect((await api.call("GET", "/tags")).body.data).toEqual([
      { type: "tag", id: first.body.id, name: "VIP" },
    ]);
  });

  it("POST /tags with an id renames, and 404s for an unknown id", async () => {
    const { body: tag } = await api.call("POST", "/tags", { name: "Old" });
    expect((await api.call("POST", "/tags", { id: tag.id, name: "New" })).body.name).toBe("New");
    expect((await api.call("POST", "/tags", { id: "999", name: "X" })).status).toBe(404);
    expect((await api.call("POST", "/tags", { name: "" })).status).toBe(400);
  });

  it("tags and untags a contact by tag id; the tag must exist", async () => {
    const { body: tag } = await api.call("POST", "/tags", { name: "Segment A" });
    const { body: contact } = await api.call("POST", "/contacts", { email: "t@example.org" });
    const tagged = await api.call("POST", `/contacts/${contact.id}/tags`, { id: tag.id });
    expect(tagged.body).toMatchObject({
      type: "tag",
      id: tag.id,
      name: "Segment A",
      applied_by: { type: "admin" },
    });
    const seen = await api.call("GET", `/contacts/${contact.id}`);
    expect(seen.body.tags).toMatchObject({
      total_count: 1,
      data: [{ type: "tag", id: tag.id, url: `/tags/${tag.id}` }],
    });
    expect((await api.call("GET", `/contacts/${contact.id}/tags`)).body.data[0].name).toBe(
      "Segment A",
    );
    expect(
      (await api.call("POST", `/contacts/${contact.id}/tags`, { id: "424242" })).body.errors[0]
        .message,
    ).toBe("Resource Not Found");
    expect((await api.call("DELETE", `/contacts/${contact.id}/tags/${tag.id}`)).body.id).toBe(
      tag.id,
    );
    expect((await api.call("GET", `/contacts/${contact.id}`)).body.tags.total_count).toBe(0);
  });
});

describe("events", () => {
  it("POST /events answers 202 with an empty body and keeps the first 10 metadata keys in order", async () => {
    await api.call("POST", "/contacts", { external_id: "u-1", email: "e@example.org" });
    const metadata = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`key_${i}`, `v${i}`]),
    );
    const event = { event_name: "ordered", created_at: 1_767_000_000, user_id: "u-1", metadata };
    expect(intercomRequestProblems("POST", "/events", event)).toEqual([]);
    const reply = await api.call("POST", "/events", event);
    expect(reply.status).toBe(202);
    expect(reply.body).toBe("");
    const [stored] = (await api.call("GET", "/_sandbox/contacts")).body.contacts;
    expect(stored.events).toHaveLength(1);
    expect(Object.keys(stored.events[0].metadata)).toEqual(
      Array.from({ length: 10 }, (_, i) => `key_${i}`),
    );
  });

  it("finds the contact by id or email, and answers 404 for an unknown one", async () => {
    const { body: lead } = await api.call("POST", "/contacts", {
      role: "lead",
      email: "lead@example.org",
    });
    expect(
      (await api.call("POST", "/events", { event_name: "a", created_at: 1, id: lead.id })).status,
    ).toBe(202);
    expect(
      (
        await api.call("POST", "/events", {
          event_name: "b",
          created_at: 1,
          email: "lead@example.org",
        })
      ).status,
    ).toBe(202);
    const unknown = await api.call("POST", "/events", {
      event_name: "c",
      created_at: 1,
      user_id: "nobody",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].message).toBe("User Not Found");
    const [stored] = (await api.call("GET", "/_sandbox/contacts")).body.contacts;
    expect(stored.events.map((e: { event_name: string }) => e.event_name)).toEqual(["a", "b"]);
  });

  it("refuses events without a name, time or contact", async () => {
    for (const body of [
      { created_at: 1, id: "x" },
      { event_name: "a", id: "x" },
      { event_name: "a", created_at: 1 },
    ]) {
      expect((await api.call("POST", "/events", body)).status).toBe(400);
    }
  });
});

describe("data attributes", () => {
  it("lists standard and custom contact attributes, with the seeded ones", async () => {
    const reply = await api.call("GET", "/data_attributes?model=contact");
    const names = reply.body.data.map((a: { full_name: string }) => a.full_name);
    expect(names).toEqual(
      expect.arrayContaining([
        "email",
        "custom_attributes.plan",
        "custom_attributes.seats",
        "custom_attributes.trial_ends_at",
      ]),
    );
    expect(reply.body.data.find((a: { name: string }) => a.name === "email")).toMatchObject({
      custom: false,
    });
  });

  it("creates a custom attribute that contact writes may then use", async () => {
    const created = await api.call("POST", "/data_attributes", {
      name: "Shoe size",
      model: "contact",
      data_type: "integer",
    });
    expect(created.body).toMatchObject({
      type: "data_attribute",
      full_name: "custom_attributes.Shoe size",
      custom: true,
      api_writable: true,
    });
    const contact = await api.call("POST", "/contacts", {
      email: "s@example.org",
      custom_attributes: { "Shoe size": 44 },
    });
    expect(contact.status).toBe(200);
  });

  it("refuses bad names, types and duplicates with 400 parameter_invalid", async () => {
    const cases = [
      { name: "bad.name", model: "contact", data_type: "string" },
      { name: "ok", model: "contact", data_type: "text" },
      { name: "ok", model: "ticket", data_type: "string" },
      { name: "PLAN", model: "contact", data_type: "string" },
    ];
    for (const body of cases) {
      const reply = await api.call("POST", "/data_attributes", body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.errors[0].code).toBe("parameter_invalid");
    }
  });

  it("PUT /data_attributes/{id} archives, and an archived attribute can no longer be written", async () => {
    const list = await api.call("GET", "/data_attributes?model=contact");
    const plan = list.body.data.find((a: { name: string }) => a.name === "plan");
    expect(
      (await api.call("PUT", `/data_attributes/${plan.id}`, { archived: true })).body.archived,
    ).toBe(true);
    expect(
      (
        await api.call("POST", "/contacts", {
          email: "z@example.org",
          custom_attributes: { plan: "x" },
        })
      ).status,
    ).toBe(400);
    expect((await api.call("PUT", "/data_attributes/9999", { archived: true })).status).toBe(404);
  });
});

describe("company data attributes", () => {
  it("are listed by model and share the name space with contact attributes", async () => {
    const created = await api.call("POST", "/data_attributes", {
      name: "tier",
      model: "company",
      data_type: "string",
    });
    expect(created.body).toMatchObject({ model: "company", full_name: "custom_attributes.tier" });
    const companies = await api.call("GET", "/data_attributes?model=company");
    // The company standard attributes first (description's example), then the custom ones.
    const custom = companies.body.data.filter((a: { custom: boolean }) => a.custom);
    expect(custom.map((a: { name: string }) => a.name)).toEqual(["tier"]);
    expect(
      companies.body.data.some((a: { full_name: string }) => a.full_name === "plan.name"),
    ).toBe(true);
    const contacts = await api.call("GET", "/data_attributes?model=contact");
    expect(contacts.body.data.some((a: { name: string }) => a.name === "tier")).toBe(false);
    const clash = await api.call("POST", "/data_attributes", {
      name: "Tier",
      model: "contact",
      data_type: "string",
    });
    expect(clash.body.errors[0].message).toContain("company data");
    const write = await api.call("POST", "/contacts", {
      email: "t@example.org",
      custom_attributes: { tier: "gold" },
    });
    expect(write.status).toBe(400);
  });
});
