import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../../sandbox/intercom/cursor.js";
import { startTestSandbox, type TestSandbox } from "./sandbox-client.js";

let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox({ seed: 42 });
  await api.call("POST", "/_sandbox/contacts", { count: 1_000_000, role: "user" });
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

const list = (query: string) =>
  api.call("GET", `/contacts?${query}`, undefined, { token: api.token });

describe("1,000,000 generated contacts", () => {
  it("list page by page with a total of 1,000,000 and 6,667 pages of 150", async () => {
    const first = await list("per_page=150");
    expect(first.body.total_count).toBe(1_000_000);
    expect(first.body.pages.total_pages).toBe(6667);
    let cursor = first.body.pages.next.starting_after;
    for (let page = 2; page <= 5; page++) {
      const reply = await list(`per_page=150&starting_after=${encodeURIComponent(cursor)}`);
      expect(reply.body.data).toHaveLength(150);
      expect(reply.body.pages.page).toBe(page);
      cursor = reply.body.pages.next.starting_after;
    }
  });

  it("serve a page far in and the last page from cursors, without materialising anyone", async () => {
    const far = await list(
      `per_page=150&starting_after=${encodeURIComponent(encodeCursor({ after: 499_999, page: 3335 }, "list"))}`,
    );
    expect(far.body.data).toHaveLength(150);
    expect(far.body.data[0].external_id).toBe("gen-user-500000");
    const last = await list(
      `per_page=150&starting_after=${encodeURIComponent(encodeCursor({ after: 999_899, page: 6667 }, "list"))}`,
    );
    expect(last.body.data).toHaveLength(100);
    expect(last.body.pages.next).toBeUndefined();
    expect(last.body.data[99].external_id).toBe("gen-user-999999");
    expect((await api.call("GET", "/_sandbox/contacts")).body.contacts).toEqual([]);
  });

  it("are the same contact every time for a seed, with updated_at growing with the index", async () => {
    const a = await list("per_page=3");
    const b = await list("per_page=3");
    expect(a.body.data).toEqual(b.body.data);
    const times = a.body.data.map((contact: { updated_at: number }) => contact.updated_at);
    expect([...times].sort((x: number, y: number) => x - y)).toEqual(times);
  });

  it("can be found by id, external_id and email, and a write materialises just that one", async () => {
    const [contact] = (await list("per_page=1")).body.data;
    expect(
      (await api.call("GET", `/contacts/${contact.id}`, undefined, { token: api.token })).body,
    ).toEqual(contact);
    const byExternalId = await api.call(
      "GET",
      `/contacts/find_by_external_id/${contact.external_id}`,
      undefined,
      { token: api.token },
    );
    expect(byExternalId.body.id).toBe(contact.id);
    const duplicate = await api.call(
      "POST",
      "/contacts",
      { email: contact.email },
      { token: api.token },
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0].message).toContain(contact.id);
    await api.call("PUT", `/contacts/${contact.id}`, { name: "Changed" }, { token: api.token });
    const materialised = (await api.call("GET", "/_sandbox/contacts")).body.contacts;
    expect(materialised.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    expect((await list("per_page=1")).body.data[0].name).toBe("Changed");
  });
});
