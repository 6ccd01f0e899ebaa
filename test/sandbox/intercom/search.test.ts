import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock, startTestSandbox, type TestSandbox } from "./sandbox-client.js";

const clock = manualClock();
let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox({ now: clock.now });
});
beforeEach(async () => {
  await api.call("POST", "/_sandbox/reset");
  api = { ...api, token: (await api.call("POST", "/_sandbox/token")).body.access_token };
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

const search = (body: unknown) => api.call("POST", "/contacts/search", body, { token: api.token });
const emails = (reply: { body: { data: Array<{ email: string }> } }) =>
  reply.body.data.map((contact) => contact.email);

async function seedPeople() {
  const people = [
    {
      email: "ada@acme.io",
      name: "Ada",
      external_id: "u1",
      custom_attributes: { plan: "pro", seats: 5 },
    },
    {
      email: "bob@acme.io",
      name: "Bob",
      external_id: "u2",
      custom_attributes: { plan: "free", seats: 1 },
    },
    {
      email: "cy@other.org",
      name: "Cy",
      external_id: "u3",
      custom_attributes: { plan: "pro", seats: 20 },
    },
    { role: "lead", email: "lee@acme.io", name: "Lee" },
  ];
  for (const person of people) {
    await api.call("POST", "/contacts", person, { token: api.token });
    clock.advance(1000);
  }
}

describe("POST /contacts/search", () => {
  it("matches a single filter, case-insensitively on email", async () => {
    await seedPeople();
    expect(
      emails(await search({ query: { field: "email", operator: "=", value: "ADA@acme.io" } })),
    ).toEqual(["ada@acme.io"]);
  });

  it("combines filters with AND and OR", async () => {
    await seedPeople();
    const and = await search({
      query: {
        operator: "AND",
        value: [
          { field: "role", operator: "=", value: "user" },
          { field: "custom_attributes.plan", operator: "=", value: "pro" },
        ],
      },
    });
    expect(emails(and)).toEqual(["ada@acme.io", "cy@other.org"]);
    const or = await search({
      query: {
        operator: "OR",
        value: [
          { field: "email", operator: "$", value: "other.org" },
          { field: "name", operator: "^", value: "Le" },
        ],
      },
    });
    expect(emails(or)).toEqual(["cy@other.org", "lee@acme.io"]);
  });

  it("supports IN, NIN, ~, != and numeric comparisons", async () => {
    await seedPeople();
    expect(
      emails(
        await search({ query: { field: "external_id", operator: "IN", value: ["u1", "u3"] } }),
      ),
    ).toEqual(["ada@acme.io", "cy@other.org"]);
    expect(
      emails(
        await search({ query: { field: "custom_attributes.seats", operator: ">=", value: 5 } }),
      ),
    ).toEqual(["ada@acme.io", "cy@other.org"]);
    expect(
      emails(await search({ query: { field: "email", operator: "~", value: "acme" } })),
    ).toHaveLength(3);
    expect(
      emails(await search({ query: { field: "role", operator: "!=", value: "user" } })),
    ).toEqual(["lee@acme.io"]);
    expect(
      emails(await search({ query: { field: "role", operator: "NIN", value: ["lead"] } })),
    ).toHaveLength(3);
  });

  it("pages with the cursor in the body pagination", async () => {
    await seedPeople();
    const query = { field: "email", operator: "~", value: "@" };
    const first = await search({ query, pagination: { per_page: 3 } });
    expect(first.body.total_count).toBe(4);
    expect(first.body.data).toHaveLength(3);
    const second = await search({
      query,
      pagination: { per_page: 3, starting_after: first.body.pages.next.starting_after },
    });
    expect(emails(second)).toEqual(["lee@acme.io"]);
    expect(second.body.pages.next).toBeUndefined();
    expect(second.body.pages.page).toBe(2);
  });

  it("sorts when asked", async () => {
    await seedPeople();
    const sorted = await search({
      query: { field: "role", operator: "=", value: "user" },
      sort: { field: "created_at", order: "descending" },
      pagination: { per_page: 2 },
    });
    expect(emails(sorted)).toEqual(["cy@other.org", "bob@acme.io"]);
    const rest = await search({
      query: { field: "role", operator: "=", value: "user" },
      sort: { field: "created_at", order: "descending" },
      pagination: { per_page: 2, starting_after: sorted.body.pages.next.starting_after },
    });
    expect(emails(rest)).toEqual(["ada@acme.io"]);
    const bad = await search({
      query: { field: "role", operator: "=", value: "user" },
      sort: { field: "created_at", order: "up" },
    });
    expect(bad.body.errors[0].code).toBe("invalid_sort_order");
  });

  it("refuses malformed queries with 400", async () => {
    const cases = [
      {},
      { query: { field: "shoe", operator: "=", value: 1 } },
      { query: { field: "email", operator: "LIKE", value: "x" } },
      { query: { field: "email", operator: "IN", value: "x" } },
      { query: { operator: "AND", value: [] } },
      { query: { field: "email", operator: "=", value: "x" }, pagination: { per_page: 500 } },
    ];
    for (const body of cases) {
      const reply = await search(body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.type).toBe("error.list");
    }
  });

  it("does not show a write to search until searchLagMs has passed, while GET sees it at once", async () => {
    await api.call("POST", "/_sandbox/settings", { search_lag_ms: 5000 });
    const created = await api.call(
      "POST",
      "/contacts",
      { email: "new@acme.io", external_id: "n1" },
      { token: api.token },
    );
    const query = { field: "external_id", operator: "=", value: "n1" };
    expect((await search({ query })).body.data).toEqual([]);
    expect(
      (await api.call("GET", `/contacts/${created.body.id}`, undefined, { token: api.token }))
        .status,
    ).toBe(200);
    clock.advance(5000);
    expect(emails(await search({ query }))).toEqual(["new@acme.io"]);
    await api.call(
      "PUT",
      `/contacts/${created.body.id}`,
      { name: "Renamed" },
      { token: api.token },
    );
    expect((await search({ query })).body.data[0].name).toBeNull();
    clock.advance(5000);
    expect((await search({ query })).body.data[0].name).toBe("Renamed");
  });

  it("finds generated contacts by updated_at day without scanning them all", async () => {
    const generated = await api.call("POST", "/_sandbox/contacts", {
      count: 1_000_000,
      role: "user",
    });
    expect(generated.status).toBe(200);
    const last = await api.call("GET", `/contacts/${generated.body.last_id}`, undefined, {
      token: api.token,
    });
    // "=" on a date is the whole calendar day in the workspace's timezone (US: Los Angeles).
    const day = DateTime.fromSeconds(last.body.updated_at, { zone: "America/Los_Angeles" }).startOf(
      "day",
    );
    const [start, next] = [day.toSeconds(), day.plus({ days: 1 }).toSeconds()];
    const reply = await search({
      query: {
        operator: "AND",
        value: [
          { field: "updated_at", operator: "=", value: last.body.updated_at },
          { field: "role", operator: "=", value: "user" },
        ],
      },
      pagination: { per_page: 150 },
    });
    // 1,000,000 contacts spread over a year: about 2,740 a day, the last day only begun.
    expect(reply.body.total_count).toBeGreaterThan(100);
    expect(reply.body.total_count).toBeLessThan(10_000);
    expect(
      reply.body.data.every(
        (contact: { updated_at: number }) =>
          contact.updated_at >= start && contact.updated_at < next,
      ),
    ).toBe(true);
    const materialised = await api.call("GET", "/_sandbox/contacts");
    expect(materialised.body.contacts).toEqual([]);
  });
});
