/**
 * The Intercom stand-in's companies (intercom-api.md §1.5, official description "Companies"): every
 * response is checked against the description (sandbox-client.ts), requests against its request
 * schemas here.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { intercomRequestProblems } from "../../helpers/intercom-contract.js";
import { manualClock, startTestSandbox, type Loose, type TestSandbox } from "./sandbox-client.js";
import { startReceiver } from "./webhook-receiver.js";

const clock = manualClock();
let api: TestSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestSandbox({
    now: clock.now,
    webhookUrl: receiver.url,
    webhookRetryDelayMs: 10,
  });
});
beforeEach(async () => {
  await api.reset();
  receiver.received.length = 0;
});
afterAll(async () => {
  await api.close();
  await receiver.close();
  expect(api.contractProblems).toEqual([]);
});

async function company(body: Record<string, unknown>) {
  expect(intercomRequestProblems("POST", "/companies", body)).toEqual([]);
  const reply = await api.call("POST", "/companies", body);
  expect(reply.status).toBe(200);
  return reply.body;
}

async function contact(email: string) {
  return (await api.call("POST", "/contacts", { email })).body;
}

const topicsReceived = () =>
  receiver.posts().map((post) => JSON.parse(post.raw) as { topic: string; data: { item: Loose } });

describe("create or update by company_id", () => {
  it("creates once, then updates the same company; company_id never changes", async () => {
    const created = await company({ company_id: "acme", name: "Acme", plan: "pro", size: 12 });
    expect(created).toMatchObject({
      type: "company",
      company_id: "acme",
      name: "Acme",
      size: 12,
      user_count: 0,
      plan: { type: "plan", name: "pro" },
      tags: { type: "tag.list", tags: [] },
    });
    const updated = await company({ company_id: "acme", website: "https://acme.test" });
    expect(updated).toMatchObject({ id: created.id, name: "Acme", website: "https://acme.test" });
    expect((await api.call("GET", `/companies/${created.id}`)).body.website).toBe(
      "https://acme.test",
    );
    const put = await api.call("PUT", `/companies/${created.id}`, { company_id: "other" });
    expect(put.status).toBe(400);
    expect(put.body.errors[0]).toEqual({
      code: "bad_request",
      message: "bad 'company_id' parameter",
    });
  });

  it("refuses bad input with a 400 and writes nothing", async () => {
    for (const body of [
      { name: "No id" },
      { company_id: "x", test: "invalid" },
      { company_id: "x", size: "12" },
      { company_id: "x", monthly_spend: -1 },
      { company_id: "x", custom_attributes: { unknown_attr: 1 } },
      { company_id: "x", constructor: 1 },
      [],
    ]) {
      const reply = await api.call("POST", "/companies", body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.call("GET", "/companies?company_id=x")).status).toBe(404);
  });

  it("takes custom attributes that exist as company data attributes, typed", async () => {
    const created = await api.call("POST", "/data_attributes", {
      name: "seats_bought",
      model: "company",
      data_type: "integer",
    });
    expect(created.body).toMatchObject({
      model: "company",
      full_name: "custom_attributes.seats_bought",
    });
    const list = await api.call("GET", "/data_attributes?model=company");
    const names = list.body.data.map((attribute: { full_name: string }) => attribute.full_name);
    expect(names).toEqual(
      expect.arrayContaining(["name", "company_id", "plan.name", "custom_attributes.seats_bought"]),
    );
    expect(
      (
        await api.call("POST", "/companies", {
          company_id: "c",
          custom_attributes: { seats_bought: "3" },
        })
      ).status,
    ).toBe(400);
    // The description's request schema says integer, its text that floats are truncated.
    const ok = (
      await api.call("POST", "/companies", {
        company_id: "c",
        custom_attributes: { seats_bought: 3 },
        monthly_spend: 155.98,
      })
    ).body;
    expect(ok.custom_attributes).toEqual({ seats_bought: 3 });
    expect(ok.monthly_spend).toBe(155);
    // A contact attribute is not a company attribute.
    expect(
      (await api.call("POST", "/companies", { company_id: "c", custom_attributes: { plan: "x" } }))
        .status,
    ).toBe(400);
  });

  it("finds by company_id and by name as a list; 404 company_not_found when none", async () => {
    const acme = await company({ company_id: "acme", name: "Acme" });
    const byId = await api.call("GET", "/companies?company_id=acme");
    expect(byId.body).toMatchObject({ type: "list", total_count: 1, data: [{ id: acme.id }] });
    expect((await api.call("GET", "/companies?name=Acme")).body.data[0].id).toBe(acme.id);
    const missing = await api.call("GET", "/companies?name=Nobody");
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe("company_not_found");
    expect((await api.call("GET", "/companies/6762f0000000000000000000")).status).toBe(404);
  });
});

describe("names that live on Object.prototype (issue 22.1 kind)", () => {
  it("are ordinary ids and names: 2xx or 4xx, never 5xx", async () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect((await api.call("GET", `/companies?company_id=${name}`)).status).toBe(404);
      expect((await api.call("GET", `/companies?name=${name}`)).status).toBe(404);
      expect((await api.call("GET", `/companies/${name}`)).status).toBe(404);
      const tag = await api.call("POST", "/tags", { name: "T", companies: [{ company_id: name }] });
      expect(tag.status).toBe(404);
      const custom = await api.call("POST", "/companies", {
        company_id: "c",
        custom_attributes: { [name]: 1 },
      });
      expect(custom.status, name).toBe(400);
      const created = await company({ company_id: name, name });
      expect((await api.call("GET", `/companies?company_id=${name}`)).body.data[0].id).toBe(
        created.id,
      );
    }
  });
});

describe("contacts and companies", () => {
  it("attaches, lists both ways, counts users, detaches; the contact carries its companies", async () => {
    const acme = await company({ company_id: "acme", name: "Acme" });
    const person = await contact("ann@acme.test");
    expect(
      intercomRequestProblems("POST", `/contacts/${person.id}/companies`, { id: acme.id }),
    ).toEqual([]);
    const attached = await api.call("POST", `/contacts/${person.id}/companies`, { id: acme.id });
    expect(attached.body).toMatchObject({ id: acme.id, user_count: 1 });
    const seen = await api.call("GET", `/contacts/${person.id}`);
    expect(seen.body.companies).toEqual({
      type: "list",
      data: [{ id: acme.id, type: "company", url: `/companies/${acme.id}` }],
      url: `/contacts/${person.id}/companies`,
      total_count: 1,
      has_more: false,
    });
    const ofContact = await api.call("GET", `/contacts/${person.id}/companies`);
    expect(ofContact.body.companies.map((c: { id: string }) => c.id)).toEqual([acme.id]);
    expect(ofContact.body.data).toEqual(ofContact.body.companies);
    const ofCompany = await api.call("GET", `/companies/${acme.id}/contacts`);
    expect(ofCompany.body.data.map((c: { id: string }) => c.id)).toEqual([person.id]);
    const detached = await api.call("DELETE", `/contacts/${person.id}/companies/${acme.id}`);
    expect(detached.body).toMatchObject({ id: acme.id, user_count: 0 });
    expect((await api.call("GET", `/contacts/${person.id}`)).body.companies.total_count).toBe(0);
  });

  it("answers the description's errors for attach", async () => {
    const acme = await company({ company_id: "acme" });
    const person = await contact("bob@acme.test");
    const none = await api.call("POST", `/contacts/${person.id}/companies`, {});
    expect(none.status).toBe(400);
    expect(none.body.errors[0]).toEqual({
      code: "parameter_not_found",
      message: "company not specified",
    });
    const noCompany = await api.call("POST", `/contacts/${person.id}/companies`, { id: "123" });
    expect(noCompany.body.errors[0].code).toBe("company_not_found");
    const noContact = await api.call("POST", `/contacts/6762f0010000000000000000/companies`, {
      id: acme.id,
    });
    expect(noContact.body.errors[0]).toEqual({ code: "not_found", message: "User Not Found" });
  });

  it("a deleted contact leaves its company; a deleted company leaves its contacts", async () => {
    const acme = await company({ company_id: "acme" });
    const ann = await contact("ann@acme.test");
    const bob = await contact("bob@acme.test");
    await api.call("POST", `/contacts/${ann.id}/companies`, { id: acme.id });
    await api.call("POST", `/contacts/${bob.id}/companies`, { id: acme.id });
    await api.call("DELETE", `/contacts/${ann.id}`);
    expect((await api.call("GET", `/companies/${acme.id}`)).body.user_count).toBe(1);
    const deleted = await api.call("DELETE", `/companies/${acme.id}`);
    expect(deleted.body).toEqual({ id: acme.id, object: "company", deleted: true });
    expect((await api.call("GET", `/contacts/${bob.id}`)).body.companies.total_count).toBe(0);
  });
});

describe("merges", () => {
  it("a lead merged into a user brings its companies along", async () => {
    const acme = await company({ company_id: "acme" });
    const lead = (await api.call("POST", "/contacts", { role: "lead", email: "l@acme.test" })).body;
    const user = await contact("u@acme.test");
    await api.call("POST", `/contacts/${lead.id}/companies`, { id: acme.id });
    await api.call("POST", "/contacts/merge", { from: lead.id, into: user.id });
    const companies = (await api.call("GET", `/contacts/${user.id}/companies`)).body.companies;
    expect(companies.map((c: { id: string }) => c.id)).toEqual([acme.id]);
    expect(companies[0].user_count).toBe(1);
  });
});

describe("lists and scroll", () => {
  async function companiesWithContacts(count: number) {
    const person = await contact("member@example.org");
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const created = await company({ company_id: `c-${i}`, name: `Company ${i}` });
      await api.call("POST", `/contacts/${person.id}/companies`, { id: created.id });
      ids.push(created.id);
    }
    return ids;
  }

  it("lists only companies with contacts, page by page, newest first", async () => {
    const ids = await companiesWithContacts(4);
    await company({ company_id: "lonely" });
    const first = await api.call("POST", "/companies/list?per_page=3");
    expect(first.body.total_count).toBe(4);
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(1).reverse());
    expect(first.body.pages).toMatchObject({ page: 1, per_page: 3, total_pages: 2 });
    const second = await api.call("POST", "/companies/list?per_page=3&page=2&order=desc");
    expect(second.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    const asc = await api.call("POST", "/companies/list?order=asc");
    expect(asc.body.data.map((c: { id: string }) => c.id)).toEqual(ids);
    expect((await api.call("GET", "/companies")).body.total_count).toBe(4);
    // The sandbox's own view shows every company, the one without contacts too.
    const all = (await api.call("GET", "/_sandbox/companies")).body;
    expect(all.total_count).toBe(5);
    expect(
      all.companies.find((c: { company_id: string }) => c.company_id === "lonely").contact_ids,
    ).toEqual([]);
    expect((await api.call("POST", "/companies/list?page=1000&per_page=15")).status).toBe(400);
  });

  it("scrolls every visible company once; one scroll at a time; params expire after 1 minute idle", async () => {
    const ids = await companiesWithContacts(60);
    const first = await api.call("GET", "/companies/scroll");
    expect(first.body.data).toHaveLength(50);
    expect(typeof first.body.scroll_param).toBe("string");
    const overlapping = await api.call("GET", "/companies/scroll");
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.errors[0].code).toBe("scroll_exists");
    const second = await api.call(
      "GET",
      `/companies/scroll?scroll_param=${first.body.scroll_param}`,
    );
    expect([...first.body.data, ...second.body.data].map((c: { id: string }) => c.id)).toEqual(ids);
    const end = await api.call("GET", `/companies/scroll?scroll_param=${first.body.scroll_param}`);
    expect(end.body.data).toEqual([]);
    expect(end.body.scroll_param).toBeUndefined();
    // A new scroll may open once the last one ended; an idle one expires after a minute.
    const again = await api.call("GET", "/companies/scroll");
    clock.advance(60_000);
    const expired = await api.call(
      "GET",
      `/companies/scroll?scroll_param=${again.body.scroll_param}`,
    );
    expect(expired.status).toBe(404);
    expect((await api.call("GET", "/companies/scroll")).status).toBe(200);
  });

  it("a scroll's network failure is the description's 500; the restart waits for the open scroll to expire", async () => {
    await companiesWithContacts(2);
    const first = await api.call("GET", "/companies/scroll");
    expect(first.status).toBe(200);
    await api.call("POST", "/_sandbox/faults", {
      status: 500,
      share: 1,
      path: "/companies/scroll",
      count: 1,
    });
    const failed = await api.call(
      "GET",
      `/companies/scroll?scroll_param=${first.body.scroll_param}`,
    );
    expect(failed.status).toBe(500);
    expect(failed.body.errors[0].message).toBe(
      "Request failed due to an internal network error. Please restart the scroll operation.",
    );
    // "It is not possible to continue from a specific point": the failed scroll's param is dead.
    const retried = await api.call(
      "GET",
      `/companies/scroll?scroll_param=${first.body.scroll_param}`,
    );
    expect(retried.status).toBe(404);
    expect((await api.call("GET", "/companies/scroll")).body.errors[0].code).toBe("scroll_exists");
    clock.advance(60_000);
    const restarted = await api.call("GET", "/companies/scroll");
    expect(restarted.body.data).toHaveLength(2);
  });
});

describe("scroll answers the description allows, on request (/_sandbox/faults)", () => {
  async function companiesWithContacts(count: number) {
    const person = await contact("member@example.org");
    for (let i = 0; i < count; i++) {
      const created = await company({ company_id: `c-${i}` });
      await api.call("POST", `/contacts/${person.id}/companies`, { id: created.id });
    }
  }

  // `company_scroll` is `nullable: true` (contract/intercom-openapi-2.14.yaml ~l.16323-16329).
  it("answers the scroll's last page as null (skip: the pages before it), and the scroll ends", async () => {
    await companiesWithContacts(60);
    const rule = { null_body: true, share: 1, path: "/companies/scroll", skip: 2, count: 1 };
    expect((await api.call("POST", "/_sandbox/faults", rule)).status).toBe(200);
    const first = await api.call("GET", "/companies/scroll");
    const param = first.body.scroll_param;
    expect(
      (await api.call("GET", `/companies/scroll?scroll_param=${param}`)).body.data,
    ).toHaveLength(10);
    const last = await api.call("GET", `/companies/scroll?scroll_param=${param}`);
    expect(last.status).toBe(200);
    expect(last.headers.get("content-type")).toContain("application/json");
    expect(last.body).toBeNull();
    // The null page was served: the scroll is over, so a new one opens at once.
    expect((await api.call("GET", "/companies/scroll")).body.data).toHaveLength(50);
  });

  // "Scroll network timeouts": a 500 "Please restart the scroll operation." (~l.3980-3984).
  it("fails a chosen page of a scroll with the description's 500 (skip), leaving the others alone", async () => {
    await companiesWithContacts(60);
    await api.call("POST", "/_sandbox/faults", {
      status: 500,
      share: 1,
      path: "/companies/scroll",
      skip: 1,
      count: 1,
    });
    const first = await api.call("GET", "/companies/scroll");
    expect(first.status).toBe(200);
    const failed = await api.call(
      "GET",
      `/companies/scroll?scroll_param=${first.body.scroll_param}`,
    );
    expect(failed.status).toBe(500);
    expect(failed.body.errors[0].message).toMatch(/Please restart the scroll operation/);
  });

  it("refuses a fault that is both a status and a null body, or a negative skip", async () => {
    const both = { status: 500, null_body: true, share: 1 };
    expect((await api.call("POST", "/_sandbox/faults", both)).status).toBe(400);
    const negative = { status: 500, share: 1, skip: -1 };
    expect((await api.call("POST", "/_sandbox/faults", negative)).status).toBe(400);
  });
});

describe("company tags", () => {
  it("tags and untags companies by id or company_id; an unknown company tags nothing", async () => {
    const acme = await company({ company_id: "acme" });
    const globex = await company({ company_id: "globex" });
    const body = { name: "Enterprise", companies: [{ id: acme.id }, { company_id: "globex" }] };
    expect(intercomRequestProblems("POST", "/tags", body)).toEqual([]);
    const tag = (await api.call("POST", "/tags", body)).body;
    expect(tag).toMatchObject({ type: "tag", name: "Enterprise" });
    expect((await api.call("GET", `/companies/${globex.id}`)).body.tags.tags).toEqual([
      { type: "tag", id: tag.id, name: "Enterprise" },
    ]);
    const bad = await api.call("POST", "/tags", {
      name: "Other",
      companies: [{ id: acme.id }, { company_id: "nobody" }],
    });
    expect(bad.status).toBe(404);
    expect(bad.body.errors[0].code).toBe("company_not_found");
    expect((await api.call("GET", `/companies/${acme.id}`)).body.tags.tags).toHaveLength(1);
    await api.call("POST", "/tags", {
      name: "Enterprise",
      companies: [{ id: acme.id, untag: true }],
    });
    expect((await api.call("GET", `/companies/${acme.id}`)).body.tags.tags).toEqual([]);
    expect((await api.call("GET", `/companies?tag_id=${tag.id}`)).body.total_count).toBe(0);
  });
});

describe("company webhooks", () => {
  it("notifies company.created, company.updated and company.contact.attached/detached", async () => {
    const acme = await company({ company_id: "acme", name: "Acme" });
    await company({ company_id: "acme", name: "Acme Inc" });
    const person = await contact("ann@acme.test");
    await api.call("POST", `/contacts/${person.id}/companies`, { id: acme.id });
    await api.call("DELETE", `/contacts/${person.id}/companies/${acme.id}`);
    await receiver.waitForPosts(5);
    const byTopic = new Map(topicsReceived().map((n) => [n.topic, n.data.item]));
    expect(byTopic.get("company.created")).toMatchObject({
      type: "company",
      id: acme.id,
      name: "Acme",
    });
    expect(byTopic.get("company.updated")).toMatchObject({ name: "Acme Inc" });
    expect(byTopic.get("company.contact.attached")).toMatchObject({
      type: "contact_company",
      company: { id: acme.id, user_count: 1 },
      contact: { id: person.id, companies: { total_count: 1 } },
    });
    expect(byTopic.get("company.contact.detached")).toMatchObject({
      company: { id: acme.id, user_count: 0 },
    });
  });

  it("sends a chosen company topic on request, in the 2.x or the 1.x shape", async () => {
    const acme = await company({ company_id: "acme", name: "Acme" });
    await receiver.waitForPosts(1);
    receiver.received.length = 0;
    const send = (body: Record<string, unknown>) => api.call("POST", "/_sandbox/webhooks", body);
    expect(
      (await send({ topic: "company.created", company_id: acme.id, legacy: true })).status,
    ).toBe(200);
    await receiver.waitForPosts(1);
    const legacy = topicsReceived()[0].data.item;
    expect(legacy.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await send({ topic: "company.contact.attached", company_id: acme.id })).status).toBe(
      400,
    );
    expect(
      (await send({ topic: "company.updated", company_id: acme.id, legacy: true })).status,
    ).toBe(400);
  });
});
