/**
 * Intercom's official Node SDK (intercom-client 7.0.3, Intercom-Version 2.14) drives the stand-in's
 * companies (intercom-api.md §1.5): create-or-update, find, list, scroll, attach/detach contacts,
 * tag and untag, companies of a contact, company data attributes. The SDK builds the requests the way Intercom's own
 * tooling does and must parse every answer (its pagers follow `pages.next.starting_after`, its errors
 * read `statusCode` and the error.list body); every exchange is also checked against the full
 * official description (test/helpers/intercom-contract.ts).
 */
import { IntercomClient, IntercomError, type Intercom } from "intercom-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startIntercomSandbox, type IntercomSandbox } from "../../../sandbox/intercom/index";
import { intercomRequestProblems, intercomResponseProblems } from "../../helpers/intercom-contract";

let sandbox: IntercomSandbox;
let client: IntercomClient;
let token: string;
const exchanges: {
  method: string;
  path: string;
  request: unknown;
  status: number;
  body: unknown;
}[] = [];

/** The fetch the SDK uses: the real one, recording each exchange for the description check. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const text = await response.clone().text();
  exchanges.push({
    method: (init?.method ?? "GET").toUpperCase(),
    path: url.pathname,
    request: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    status: response.status,
    body: text === "" ? undefined : JSON.parse(text),
  });
  return response;
};

const control = (path: string, body: unknown = {}) =>
  fetch(`${sandbox.url}/_sandbox${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then((response) => response.json() as Promise<Record<string, unknown>>);

const sdk = (accessToken: string) =>
  new IntercomClient({
    token: accessToken,
    baseUrl: sandbox.url,
    maxRetries: 0,
    fetch: recordingFetch,
  });

/** The SDK's error for a failing call, with its status and Intercom's first error code. */
async function failure(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(IntercomError);
    const { statusCode, body } = error as IntercomError;
    return { statusCode, code: (body as Intercom.Error_).errors?.[0]?.code };
  }
  throw new Error("the call succeeded");
}

beforeAll(async () => {
  sandbox = await startIntercomSandbox();
});
beforeEach(async () => {
  await control("/reset");
  token = (await control("/token")).access_token as string;
  client = sdk(token);
});
afterAll(async () => {
  await sandbox.close();
  const problems = exchanges.flatMap((exchange) => [
    ...intercomResponseProblems(exchange.method, exchange.path, exchange.status, exchange.body),
    ...(exchange.request === undefined
      ? []
      : intercomRequestProblems(exchange.method, exchange.path, exchange.request)),
  ]);
  expect(problems).toEqual([]);
  expect(exchanges.length).toBeGreaterThan(20);
});

const listIds = (answer: Intercom.CompaniesRetrieveResponse): string[] =>
  answer.type === "list"
    ? (answer.data ?? []).map((company) => company.id)
    : [(answer as Intercom.Company).id];

describe("the official SDK against the stand-in's companies", () => {
  it("creates or updates by company_id, finds by id and by company_id, updates by id", async () => {
    const created = await client.companies.createOrUpdate({
      company_id: "acme",
      name: "Acme",
      plan: "pro",
      remote_created_at: 1_374_138_000,
    });
    expect(created).toMatchObject({ type: "company", company_id: "acme", name: "Acme" });
    const again = await client.companies.createOrUpdate({ company_id: "acme", industry: "tools" });
    expect(again.id).toBe(created.id);
    expect((await client.companies.find({ company_id: created.id })).industry).toBe("tools");
    const byCompanyId = await client.companies.retrieve({ company_id: "acme" });
    // The SDK types this answer as a company or a list; the description says a list.
    expect(listIds(byCompanyId)).toEqual([created.id]);
    const updated = await client.companies.update({
      company_id: created.id,
      body: { name: "Acme Inc" },
    });
    expect(updated.name).toBe("Acme Inc");
    expect(await failure(() => client.companies.find({ company_id: "missing" }))).toEqual({
      statusCode: 404,
      code: "company_not_found",
    });
  });

  it("attaches and detaches contacts; lists both ways; lists and scrolls every company", async () => {
    const person = await client.contacts.create({ email: "ann@acme.test" });
    const ids: string[] = [];
    for (let i = 0; i < 70; i++) {
      const company = await client.companies.createOrUpdate({ company_id: `c-${i}` });
      await client.companies.attachContact({ contact_id: person.id, id: company.id });
      ids.push(company.id);
    }
    const ofContact: string[] = [];
    for await (const company of await client.contacts.listAttachedCompanies({
      contact_id: person.id,
    }))
      ofContact.push(company.id);
    expect(ofContact).toEqual(ids);
    const members = await client.companies.listAttachedContacts({ company_id: ids[0] });
    expect((members.data ?? []).map((contact) => contact.id)).toEqual([person.id]);

    const listed: string[] = [];
    for await (const company of await client.companies.list({ per_page: 20, order: "asc" }))
      listed.push(company.id);
    expect(listed).toEqual(ids);

    const scrolled: string[] = [];
    for await (const company of await client.companies.scroll()) scrolled.push(company.id);
    expect(scrolled).toEqual(ids);

    const detached = await client.companies.detachContact({
      contact_id: person.id,
      company_id: ids[0],
    });
    expect(detached.user_count).toBe(0);
  });

  it("refuses a second scroll while one is open (400 scroll_exists)", async () => {
    await client.companies.createOrUpdate({ company_id: "solo" });
    const person = await client.contacts.create({ email: "solo@acme.test" });
    const solo = await client.companies.retrieve({ company_id: "solo" });
    await client.companies.attachContact({ contact_id: person.id, id: listIds(solo)[0] });
    const first = await client.companies.scroll();
    expect(first.data).toHaveLength(1);
    expect(await failure(() => client.companies.scroll())).toEqual({
      statusCode: 400,
      code: "scroll_exists",
    });
  });

  it("tags and untags companies by name; company data attributes are listed and created", async () => {
    const acme = await client.companies.createOrUpdate({ company_id: "acme" });
    const tag = await client.tags.create({ name: "Enterprise", companies: [{ id: acme.id }] });
    expect(tag.name).toBe("Enterprise");
    expect(
      ((await client.companies.find({ company_id: acme.id })).tags?.tags?.[0] as { id?: string })
        ?.id,
    ).toBe(tag.id);
    await client.tags.create({ name: "Enterprise", companies: [{ id: acme.id, untag: true }] });
    expect((await client.companies.find({ company_id: acme.id })).tags?.tags).toEqual([]);

    // intercom-client 7.0.3's request type lost `name` and `model`; the body is the description's.
    const request = { name: "seats_bought", model: "company", data_type: "integer" as const };
    const attribute = await client.dataAttributes.create(request);
    expect(attribute.model).toBe("company");
    const listed = await client.dataAttributes.list({ model: "company" });
    expect((listed.data ?? []).map((a) => a.full_name)).toContain("custom_attributes.seats_bought");
  });
});
