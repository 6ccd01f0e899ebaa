import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox, type Loose, type TestSandbox } from "./sandbox-client.js";

let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox();
});
beforeEach(async () => {
  await api.call("POST", "/_sandbox/reset");
  api = { ...api, token: (await api.call("POST", "/_sandbox/token")).body.access_token };
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

const as = (token: string) => ({ token });

describe("contacts", () => {
  it("POST /contacts answers 200 with a full 2.14 contact in Unix seconds", async () => {
    const reply = await api.call(
      "POST",
      "/contacts",
      { email: "ada@example.org", external_id: "u-1", name: "Ada" },
      as(api.token),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      type: "contact",
      role: "user",
      email: "ada@example.org",
      external_id: "u-1",
      workspace_id: "sbx0app1",
      tags: {
        type: "list",
        data: [],
        url: `/contacts/${reply.body.id}/tags`,
        total_count: 0,
        has_more: false,
      },
    });
    expect(reply.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(Number.isInteger(reply.body.created_at)).toBe(true);
    expect(reply.body).toHaveProperty("ios_last_seen_at", null);
  });

  it("POST /contacts gives a lead an Intercom-made UUID external_id", async () => {
    const reply = await api.call("POST", "/contacts", { role: "lead" }, as(api.token));
    expect(reply.status).toBe(200);
    expect(reply.body.external_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("POST /contacts answers 409 with the existing id for a duplicate external_id or user email", async () => {
    const first = await api.call(
      "POST",
      "/contacts",
      { email: "a@example.org", external_id: "u-1" },
      as(api.token),
    );
    const byExternalId = await api.call("POST", "/contacts", { external_id: "u-1" }, as(api.token));
    const byEmail = await api.call("POST", "/contacts", { email: "A@example.org" }, as(api.token));
    for (const reply of [byExternalId, byEmail]) {
      expect(reply.status).toBe(409);
      expect(reply.body.errors[0]).toEqual({
        code: "conflict",
        message: `A contact matching those details already exists with id=${first.body.id}`,
      });
    }
  });

  it("POST /contacts names an archived duplicate as archived", async () => {
    const first = await api.call("POST", "/contacts", { external_id: "u-9" }, as(api.token));
    await api.call("POST", `/contacts/${first.body.id}/archive`, undefined, as(api.token));
    const reply = await api.call("POST", "/contacts", { external_id: "u-9" }, as(api.token));
    expect(reply.status).toBe(409);
    expect(reply.body.errors[0].message).toBe(
      `An archived contact matching those details already exists with id=${first.body.id}`,
    );
  });

  it("POST /contacts allows two leads with the same email", async () => {
    const a = await api.call(
      "POST",
      "/contacts",
      { role: "lead", email: "same@example.org" },
      as(api.token),
    );
    const b = await api.call(
      "POST",
      "/contacts",
      { role: "lead", email: "same@example.org" },
      as(api.token),
    );
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  it("a write naming an unknown custom attribute is refused with 400 and writes nothing", async () => {
    const reply = await api.call(
      "POST",
      "/contacts",
      { email: "x@example.org", custom_attributes: { shoe_size: 42 } },
      as(api.token),
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      type: "error.list",
      errors: [
        { code: "parameter_not_found", message: "Custom attribute 'shoe_size' does not exist" },
      ],
    });
    const all = await api.call("GET", "/_sandbox/contacts");
    expect(all.body.contacts).toEqual([]);
  });

  it("seeded custom attributes are accepted and type-checked", async () => {
    const ok = await api.call(
      "POST",
      "/contacts",
      { email: "p@example.org", custom_attributes: { plan: "pro", seats: 3 } },
      as(api.token),
    );
    expect(ok.body.custom_attributes).toEqual({ plan: "pro", seats: 3 });
    const bad = await api.call(
      "PUT",
      `/contacts/${ok.body.id}`,
      { custom_attributes: { seats: "three" } },
      as(api.token),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe("parameter_invalid");
  });

  it("rejects bodies that are not contacts with a clear 400", async () => {
    const notJson = await api.call("POST", "/contacts", "{nope", as(api.token));
    expect(notJson.status).toBe(400);
    const wrongType = await api.call("POST", "/contacts", { email: 5 }, as(api.token));
    expect(wrongType.body.errors[0].message).toBe("email must be a string");
    // A field named like a prototype member is an unknown field, as any other (issue 22.1 kind).
    for (const field of ["constructor", "toString", "__proto__"]) {
      const body = JSON.parse(`{"email": "ada@example.org", "${field}": "x"}`);
      const reply = await api.call("POST", "/contacts", body, as(api.token));
      expect(reply.status).toBe(400);
      expect(reply.body.errors[0].message).toBe(`'${field}' is not a contact field`);
    }
  });

  // Archived contacts are hidden from GET, find_by_external_id, list, search and every write;
  // a create naming them answers the archived 409 (intercom-api.md §1.1, §2.4; observed in
  // intercom-ruby#561 and intercom-node#333). Unarchive brings the same contact back.
  it("hides an archived contact from GET, lookups, list, search and writes until it is unarchived", async () => {
    const { body: created } = await api.call(
      "POST",
      "/contacts",
      { email: "archie@example.com", external_id: "cust-0606" },
      as(api.token),
    );
    const id = created.id as string;
    await api.call("POST", `/contacts/${id}/archive`, undefined, as(api.token));
    const search = { query: { field: "email", operator: "=", value: "archie@example.com" } };
    const hidden = [
      await api.call("GET", `/contacts/${id}`, undefined, as(api.token)),
      await api.call("GET", "/contacts/find_by_external_id/cust-0606", undefined, as(api.token)),
      await api.call("PUT", `/contacts/${id}`, { name: "Archie" }, as(api.token)),
    ];
    for (const reply of hidden) {
      expect(reply.status).toBe(404);
      expect(reply.body.errors[0]).toEqual({ code: "not_found", message: "User Not Found" });
    }
    const { body: tag } = await api.call("POST", "/tags", { name: "Customers" }, as(api.token));
    const tagged = await api.call("POST", `/contacts/${id}/tags`, { id: tag.id }, as(api.token));
    expect(tagged.status).toBe(404);
    const event = await api.call(
      "POST",
      "/events",
      { event_name: "x", created_at: 1717243200, email: "archie@example.com" },
      as(api.token),
    );
    expect(event.status).toBe(404);
    const searched = await api.call("POST", "/contacts/search", search, as(api.token));
    expect(searched.body.data).toEqual([]);
    const listed = await api.call("GET", "/contacts?per_page=150", undefined, as(api.token));
    expect((listed.body.data as Loose[]).map((contact) => contact.id)).not.toContain(id);
    for (const body of [{ email: "archie@example.com" }, { external_id: "cust-0606" }]) {
      const again = await api.call("POST", "/contacts", body, as(api.token));
      expect(again.status).toBe(409);
      expect(again.body.errors[0]).toEqual({
        code: "conflict",
        message: `An archived contact matching those details already exists with id=${id}`,
      });
    }

    const unarchived = await api.call(
      "POST",
      `/contacts/${id}/unarchive`,
      undefined,
      as(api.token),
    );
    expect(unarchived.body).toEqual({
      type: "contact",
      id,
      external_id: "cust-0606",
      archived: false,
    });
    const back = await api.call("GET", `/contacts/${id}`, undefined, as(api.token));
    expect(back.body).toMatchObject({ id, email: "archie@example.com", name: null });
    const found = await api.call("POST", "/contacts/search", search, as(api.token));
    expect((found.body.data as Loose[]).map((contact) => contact.id)).toEqual([id]);
  });

  it("GET, PUT, archive, unarchive and DELETE /contacts/{id} behave as documented", async () => {
    const { body: created } = await api.call(
      "POST",
      "/contacts",
      { email: "b@example.org" },
      as(api.token),
    );
    const got = await api.call("GET", `/contacts/${created.id}`, undefined, as(api.token));
    expect(got.body.email).toBe("b@example.org");
    const updated = await api.call(
      "PUT",
      `/contacts/${created.id}`,
      { name: "Bea", custom_attributes: { plan: "free" } },
      as(api.token),
    );
    expect(updated.body).toMatchObject({
      name: "Bea",
      email: "b@example.org",
      custom_attributes: { plan: "free" },
    });
    const archived = await api.call(
      "POST",
      `/contacts/${created.id}/archive`,
      undefined,
      as(api.token),
    );
    expect(archived.body).toEqual({
      type: "contact",
      id: created.id,
      external_id: null,
      archived: true,
    });
    const unarchived = await api.call(
      "POST",
      `/contacts/${created.id}/unarchive`,
      undefined,
      as(api.token),
    );
    expect(unarchived.body.archived).toBe(false);
    const deleted = await api.call("DELETE", `/contacts/${created.id}`, undefined, as(api.token));
    expect(deleted.body).toEqual({
      type: "contact",
      id: created.id,
      external_id: null,
      deleted: true,
    });
    const gone = await api.call("GET", `/contacts/${created.id}`, undefined, as(api.token));
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0]).toEqual({ code: "not_found", message: "User Not Found" });
  });

  it("find_by_external_id finds users only", async () => {
    const user = await api.call("POST", "/contacts", { external_id: "u-7" }, as(api.token));
    const lead = await api.call(
      "POST",
      "/contacts",
      { role: "lead", external_id: "l-7" },
      as(api.token),
    );
    expect(
      (await api.call("GET", "/contacts/find_by_external_id/u-7", undefined, as(api.token))).body
        .id,
    ).toBe(user.body.id);
    expect(lead.status).toBe(200);
    expect(
      (await api.call("GET", "/contacts/find_by_external_id/l-7", undefined, as(api.token))).status,
    ).toBe(404);
  });

  it("POST /contacts/merge moves a lead into a user and the lead disappears", async () => {
    const { body: tag } = await api.call("POST", "/tags", { name: "Trial" }, as(api.token));
    const lead = await api.call(
      "POST",
      "/contacts",
      { role: "lead", email: "lead@example.org" },
      as(api.token),
    );
    await api.call("POST", `/contacts/${lead.body.id}/tags`, { id: tag.id }, as(api.token));
    const user = await api.call("POST", "/contacts", { external_id: "u-m" }, as(api.token));
    const merged = await api.call(
      "POST",
      "/contacts/merge",
      { from: lead.body.id, into: user.body.id },
      as(api.token),
    );
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      id: user.body.id,
      email: "lead@example.org",
      tags: { total_count: 1 },
    });
    expect(
      (await api.call("GET", `/contacts/${lead.body.id}`, undefined, as(api.token))).status,
    ).toBe(404);
    const backwards = await api.call(
      "POST",
      "/contacts/merge",
      { from: user.body.id, into: user.body.id },
      as(api.token),
    );
    expect(backwards.status).toBe(400);
  });

  it("a lead updated to role user becomes a user with signed_up_at set", async () => {
    const lead = await api.call("POST", "/contacts", { role: "lead" }, as(api.token));
    const user = await api.call(
      "PUT",
      `/contacts/${lead.body.id}`,
      { role: "user", email: "c@example.org" },
      as(api.token),
    );
    expect(user.body.role).toBe("user");
    expect(typeof user.body.signed_up_at).toBe("number");
    const back = await api.call(
      "PUT",
      `/contacts/${lead.body.id}`,
      { role: "lead" },
      as(api.token),
    );
    expect(back.status).toBe(400);
  });
});

describe("GET /contacts pagination", () => {
  it("walks to the last page by cursor with counts matching", async () => {
    await api.call("POST", "/_sandbox/contacts", { count: 95, role: "user" });
    await api.call("POST", "/contacts", { email: "explicit@example.org" }, as(api.token));
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    let last: Loose;
    do {
      const query = `per_page=40${cursor ? `&starting_after=${encodeURIComponent(cursor)}` : ""}`;
      last = (await api.call("GET", `/contacts?${query}`, undefined, as(api.token))).body;
      for (const contact of last.data) seen.add(contact.id);
      cursor = last.pages.next?.starting_after;
      pages++;
      expect(last.pages.page).toBe(pages);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.size).toBe(96);
    expect(last.total_count).toBe(96);
    expect(last.pages).toEqual({ type: "pages", page: 3, per_page: 40, total_pages: 3 });
  });

  it("uses 50 per page by default and refuses per_page outside 1..150", async () => {
    await api.call("POST", "/_sandbox/contacts", { count: 200, role: "lead" });
    const byDefault = await api.call("GET", "/contacts", undefined, as(api.token));
    expect(byDefault.body.data).toHaveLength(50);
    expect(
      (await api.call("GET", "/contacts?per_page=150", undefined, as(api.token))).body.data,
    ).toHaveLength(150);
    for (const bad of ["151", "0", "abc"]) {
      const reply = await api.call("GET", `/contacts?per_page=${bad}`, undefined, as(api.token));
      expect(reply.status).toBe(400);
      expect(reply.body.errors[0].code).toBe("parameter_invalid");
    }
  });

  it("refuses a cursor it did not issue", async () => {
    const reply = await api.call("GET", "/contacts?starting_after=bogus", undefined, as(api.token));
    expect(reply.status).toBe(400);
  });

  it("hides an archived contact from GET by id and by external_id until it is unarchived", async () => {
    // intercom-api.md §1.1 / issue 14: an archived contact answers 404 "User Not Found".
    const user = await api.call("POST", "/contacts", { external_id: "arch-1" }, as(api.token));
    await api.call("POST", `/contacts/${user.body.id}/archive`, undefined, as(api.token));
    for (const path of [`/contacts/${user.body.id}`, "/contacts/find_by_external_id/arch-1"]) {
      const hidden = await api.call("GET", path, undefined, as(api.token));
      expect(hidden.status, path).toBe(404);
      expect(hidden.body.errors[0]).toEqual({ code: "not_found", message: "User Not Found" });
    }
    await api.call("POST", `/contacts/${user.body.id}/unarchive`, undefined, as(api.token));
    for (const path of [`/contacts/${user.body.id}`, "/contacts/find_by_external_id/arch-1"]) {
      const back = await api.call("GET", path, undefined, as(api.token));
      expect(back.status, path).toBe(200);
      expect(back.body.id).toBe(user.body.id);
    }
  });

  it("leaves deleted and archived contacts out of the list", async () => {
    const a = await api.call("POST", "/contacts", { email: "a1@example.org" }, as(api.token));
    const b = await api.call("POST", "/contacts", { email: "b1@example.org" }, as(api.token));
    await api.call("POST", "/contacts", { email: "c1@example.org" }, as(api.token));
    await api.call("DELETE", `/contacts/${a.body.id}`, undefined, as(api.token));
    await api.call("POST", `/contacts/${b.body.id}/archive`, undefined, as(api.token));
    const list = await api.call("GET", "/contacts", undefined, as(api.token));
    expect(list.body.data.map((c: { email: string }) => c.email)).toEqual(["c1@example.org"]);
    expect(list.body.total_count).toBe(1);
  });
});
