/**
 * The search rules of the official description (POST /contacts/search: "Searching for Timestamp
 * Fields", "Accepted Fields", "Accepted Operators"; intercom-api.md §1.1), one test per rule.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock, startTestSandbox, type TestSandbox } from "./sandbox-client.js";

const HOUR = 3_600_000;
// 2026-01-10 12:00 UTC = 17:30 in Asia/Kolkata (UTC+5:30) = 04:00 in America/Los_Angeles.
const NOON_UTC = Date.UTC(2026, 0, 10, 12, 0, 0);
const clock = manualClock(NOON_UTC);
let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox({ now: clock.now });
});
beforeEach(async () => {
  await api.reset();
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

const search = (body: unknown) => api.call("POST", "/contacts/search", body);
const setTimezone = (timezone: string) => api.call("POST", "/_sandbox/settings", { timezone });
const emailsOf = async (query: unknown) => {
  const reply = await search({ query, pagination: { per_page: 150 } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return (reply.body.data as Array<{ email: string }>).map((contact) => contact.email).sort();
};

/** a at 17:30 IST on Jan 10, b two hours later (same IST day), c at 00:30 IST on Jan 11. */
async function seedAcrossMidnight() {
  clock.set(NOON_UTC);
  const at: Record<string, number> = {};
  for (const [email, advance] of [
    ["a@x.io", 0],
    ["b@x.io", 2 * HOUR],
    ["c@x.io", 5 * HOUR],
  ] as const) {
    clock.advance(advance);
    const created = await api.call("POST", "/contacts", { email, external_id: email });
    at[email] = created.body.updated_at;
  }
  return at;
}

describe("the workspace timezone", () => {
  it("is reported by /me, set by the sandbox control, and refused when not a timezone", async () => {
    expect((await api.call("GET", "/me")).body.app.timezone).toBe("America/Los_Angeles");
    expect((await setTimezone("Asia/Kolkata")).body.timezone).toBe("Asia/Kolkata");
    expect((await api.call("GET", "/me")).body.app.timezone).toBe("Asia/Kolkata");
    const bad = await setTimezone("Mars/Olympus");
    expect(bad.status).toBe(400);
    expect((await api.call("GET", "/me")).body.app.timezone).toBe("Asia/Kolkata");
    await api.reset();
    expect((await api.call("GET", "/me")).body.app.timezone).toBe("America/Los_Angeles");
  });
});

describe("date fields match by calendar day in the workspace's timezone", () => {
  it('"=" matches the whole day of the value', async () => {
    const at = await seedAcrossMidnight();
    await setTimezone("Asia/Kolkata");
    const sameDay = { field: "updated_at", operator: "=", value: at["a@x.io"] };
    expect(await emailsOf(sameDay)).toEqual(["a@x.io", "b@x.io"]);
    await setTimezone("UTC");
    expect(await emailsOf(sameDay)).toEqual(["a@x.io", "b@x.io", "c@x.io"]);
  });

  it('">" starts at the next day, not at the instant passed', async () => {
    const at = await seedAcrossMidnight();
    await setTimezone("Asia/Kolkata");
    // b was updated two hours after a, yet "> a" leaves it out: it is on a's day.
    const after = { field: "updated_at", operator: ">", value: at["a@x.io"] };
    expect(await emailsOf(after)).toEqual(["c@x.io"]);
    await setTimezone("UTC");
    expect(await emailsOf(after)).toEqual([]);
  });

  it('"<" matches everything before the start of that day', async () => {
    const at = await seedAcrossMidnight();
    await setTimezone("Asia/Kolkata");
    const before = { field: "created_at", operator: "<", value: at["c@x.io"] };
    expect(await emailsOf(before)).toEqual(["a@x.io", "b@x.io"]);
    await setTimezone("UTC");
    expect(await emailsOf(before)).toEqual([]);
  });

  it("follows the description's own example on a UTC workspace", async () => {
    const example = manualClock(1_577_869_200_000); // 2020-01-01 09:00 UTC
    const other = await startTestSandbox({ now: example.now, timezone: "UTC" });
    try {
      await other.call("POST", "/contacts", { email: "jan1@x.io" });
      example.advance(15 * HOUR); // 2020-01-02 00:00 UTC
      await other.call("POST", "/contacts", { email: "jan2@x.io" });
      const found = async (query: unknown) =>
        (await other.call("POST", "/contacts/search", { query })).body.data.map(
          (contact: { email: string }) => contact.email,
        );
      expect(await found({ field: "created_at", operator: ">", value: 1_577_869_200 })).toEqual([
        "jan2@x.io",
      ]);
      expect(await found({ field: "created_at", operator: "=", value: 1_577_836_800 })).toEqual([
        "jan1@x.io",
      ]);
      expect(other.contractProblems).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("cuts Date custom attributes by day too", async () => {
    await setTimezone("Asia/Kolkata");
    const trialEnd = Date.UTC(2026, 1, 1, 20, 0, 0) / 1000; // Feb 2 01:30 IST
    await api.call("POST", "/contacts", {
      email: "trial@x.io",
      custom_attributes: { trial_ends_at: trialEnd },
    });
    const feb2 = Date.UTC(2026, 1, 2, 6, 0, 0) / 1000; // Feb 2 11:30 IST
    const field = "custom_attributes.trial_ends_at";
    expect(await emailsOf({ field, operator: "=", value: feb2 })).toEqual(["trial@x.io"]);
    expect(await emailsOf({ field, operator: ">", value: trialEnd })).toEqual([]);
    const refused = await search({ query: { field, operator: ">=", value: feb2 } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].code).toBe("parameter_invalid");
  });

  it("searches every data attribute type: datetime ones by day like date, options ones as strings", async () => {
    await setTimezone("Asia/Kolkata");
    for (const [name, data_type, extra] of [
      ["renewed_at", "datetime", {}],
      ["tier", "options", { options: [{ value: "gold" }, { value: "silver" }] }],
    ] as const) {
      const created = await api.call("POST", "/data_attributes", {
        name,
        model: "contact",
        data_type,
        ...extra,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    const renewed = Date.UTC(2026, 1, 1, 20, 0, 0) / 1000; // Feb 2 01:30 IST
    await api.call("POST", "/contacts", {
      email: "renewed@x.io",
      custom_attributes: { renewed_at: renewed, tier: "gold" },
    });
    const feb2 = Date.UTC(2026, 1, 2, 6, 0, 0) / 1000; // Feb 2 11:30 IST
    const field = "custom_attributes.renewed_at";
    expect(await emailsOf({ field, operator: "=", value: feb2 })).toEqual(["renewed@x.io"]);
    expect(await emailsOf({ field, operator: ">", value: renewed })).toEqual([]);
    const refused = await search({ query: { field, operator: ">=", value: feb2 } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].code).toBe("parameter_invalid");
    const tier = { field: "custom_attributes.tier", operator: "=", value: "gold" };
    expect(await emailsOf(tier)).toEqual(["renewed@x.io"]);
  });

  it("refuses !=, >=, <=, IN and NIN on dates with 400 parameter_invalid", async () => {
    await seedAcrossMidnight();
    const value = Math.floor(clock.now() / 1000);
    for (const [operator, operand] of [
      ["!=", value],
      [">=", value],
      ["<=", value],
      ["IN", [value]],
      ["NIN", [value]],
    ] as const) {
      const reply = await search({ query: { field: "updated_at", operator, value: operand } });
      expect(reply.status, operator).toBe(400);
      expect(reply.body.errors[0].code, operator).toBe("parameter_invalid");
    }
  });

  it("sorts by the full timestamp, not the day", async () => {
    const at = await seedAcrossMidnight();
    await setTimezone("UTC");
    const query = { field: "updated_at", operator: "=", value: at["a@x.io"] };
    const ascending = await search({ query, sort: { field: "updated_at", order: "ascending" } });
    expect(ascending.body.data.map((contact: { email: string }) => contact.email)).toEqual([
      "a@x.io",
      "b@x.io",
      "c@x.io",
    ]);
    const descending = await search({ query, sort: { field: "updated_at", order: "descending" } });
    expect(descending.body.data.map((contact: { email: string }) => contact.email)).toEqual([
      "c@x.io",
      "b@x.io",
      "a@x.io",
    ]);
  });
});

describe("paging a sorted search", () => {
  it("continues after the last sort value, so a contact updated meanwhile shifts no other past the cursor", async () => {
    clock.set(NOON_UTC);
    const ids: string[] = [];
    for (let i = 1; i <= 6; i++) {
      clock.advance(1000);
      ids.push((await api.call("POST", "/contacts", { email: `s${i}@x.io` })).body.id);
    }
    const day = Math.floor(NOON_UTC / 1000);
    const page = (startingAfter?: string) =>
      search({
        query: { field: "updated_at", operator: "=", value: day },
        sort: { field: "updated_at", order: "ascending" },
        pagination: { per_page: 2, ...(startingAfter ? { starting_after: startingAfter } : {}) },
      });
    const seen: string[] = [];
    let reply = await page();
    seen.push(...reply.body.data.map((contact: { id: string }) => contact.id));
    clock.advance(1000);
    await api.call("PUT", `/contacts/${ids[0]}`, { name: "Moved" }); // now the newest
    while (reply.body.pages.next) {
      reply = await page(reply.body.pages.next.starting_after);
      seen.push(...reply.body.data.map((contact: { id: string }) => contact.id));
    }
    expect(seen).toEqual([...ids, ids[0]]);
  });
});

describe("values must have the field's type", () => {
  it("refuses a value of the wrong type with 400 parameter_invalid", async () => {
    const cases = [
      { field: "created_at", operator: ">", value: "foorbar" },
      { field: "updated_at", operator: "=", value: "2026-01-10" },
      { field: "updated_at", operator: ">", value: null },
      { field: "updated_at", operator: ">", value: 1.5 },
      { field: "owner_id", operator: "=", value: "seven" },
      { field: "unsubscribed_from_emails", operator: "=", value: "yes" },
      { field: "email", operator: "=", value: 5 },
      { field: "email", operator: ">", value: "a" },
      { field: "tag_id", operator: "IN", value: ["1"] },
    ];
    for (const query of cases) {
      const reply = await search({ query });
      expect(reply.status, JSON.stringify(query)).toBe(400);
      expect(reply.body.errors[0].code, JSON.stringify(query)).toBe("parameter_invalid");
    }
  });
});

describe("the searchable fields of the description", () => {
  it("accepts segment_id, location.region, os, browser and the other listed fields", async () => {
    await api.call("POST", "/contacts", { email: "someone@x.io" });
    const accepted = [
      { field: "segment_id", operator: "=", value: "5f2a" },
      { field: "location.region", operator: "=", value: "Bavaria" },
      { field: "os", operator: "~", value: "Mac" },
      { field: "browser", operator: "=", value: "chrome" },
      { field: "browser_language", operator: "=", value: "en" },
      { field: "language_override", operator: "=", value: null },
      { field: "last_contacted_at", operator: ">", value: 1_700_000_000 },
      { field: "has_hard_bounced", operator: "=", value: false },
      { field: "ios_device", operator: "^", value: "iPhone" },
      { field: "android_last_seen_at", operator: "<", value: 1_700_000_000 },
    ];
    for (const query of accepted) {
      const reply = await search({ query });
      expect(reply.status, JSON.stringify(query)).toBe(200);
    }
    expect(await emailsOf({ field: "segment_id", operator: "!=", value: "5f2a" })).toEqual([
      "someone@x.io",
    ]);
    const unknown = await search({ query: { field: "shoe_size", operator: "=", value: "9" } });
    expect(unknown.status).toBe(400);
  });

  it("answers an empty search with total_pages 0 and no next page", async () => {
    const reply = await search({
      query: { field: "email", operator: "=", value: "nobody@x.io" },
      pagination: { per_page: 5 },
    });
    expect(reply.body).toEqual({
      type: "list",
      data: [],
      total_count: 0,
      pages: { type: "pages", page: 1, per_page: 5, total_pages: 0 },
    });
  });
});

describe("GET /tags/{tag_id}", () => {
  it("answers the tag, or 404 for an unknown id", async () => {
    const tag = await api.call("POST", "/tags", { name: "VIP" });
    expect((await api.call("GET", `/tags/${tag.body.id}`)).body).toEqual({
      type: "tag",
      id: tag.body.id,
      name: "VIP",
    });
    const missing = await api.call("GET", "/tags/999");
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe("not_found");
  });
});
