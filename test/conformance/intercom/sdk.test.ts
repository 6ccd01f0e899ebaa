/**
 * Intercom's official Node SDK (intercom-client 7.0.3, Intercom-Version 2.14) drives the stand-in
 * through every operation the connector uses. The SDK builds the requests the way Intercom's own
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
  expect(exchanges.length).toBeGreaterThan(30);
});

describe("the official SDK against the stand-in", () => {
  it("identifies the admin and the workspace (GET /me)", async () => {
    const me = await client.admins.identify();
    expect(me?.app?.id_code).toBe(sandbox.appId);
    expect(me?.app?.timezone).toBe("America/Los_Angeles");
  });

  it("pages through every contact of a list and of a search", async () => {
    await control("/contacts", { count: 320, role: "user" });
    await control("/contacts", { count: 40, role: "lead" });
    const listed: string[] = [];
    for await (const contact of await client.contacts.list({ per_page: 150 }))
      listed.push(contact.id);
    expect(listed).toHaveLength(360);
    expect(new Set(listed).size).toBe(360);

    const searched: Intercom.Contact[] = [];
    const pager = await client.contacts.search({
      query: { field: "role", operator: "=", value: "lead" },
      pagination: { per_page: 15 },
    });
    for await (const contact of pager) searched.push(contact);
    expect(searched).toHaveLength(40);
    expect(searched.every((contact) => contact.role === "lead")).toBe(true);

    const empty = await client.contacts.search({
      query: { field: "email", operator: "=", value: "nobody@x.io" },
    });
    expect(empty.data).toEqual([]);
    expect(empty.hasNextPage()).toBe(false);
  });

  it("searches timestamps by day with the operators the description allows", async () => {
    const created = await client.contacts.create({ email: "day@x.io" });
    const found = await client.contacts.search({
      query: {
        operator: "AND",
        value: [
          { field: "updated_at", operator: "=", value: created.updated_at },
          { field: "role", operator: "=", value: "user" },
        ],
      },
    });
    expect(found.data.map((contact) => contact.id)).toEqual([created.id]);
    expect(
      await failure(() =>
        client.contacts.search({
          // ">=" is not even in the SDK's operator type: dates take =, < and > only.
          query: {
            field: "updated_at",
            operator: ">=" as Intercom.SingleFilterSearchRequest.Operator,
            value: created.updated_at,
          },
        }),
      ),
    ).toEqual({ statusCode: 400, code: "parameter_invalid" });
  });

  it("creates, finds, updates, merges and archives contacts", async () => {
    const user = await client.contacts.create({
      external_id: "u-1",
      email: "ada@x.io",
      name: "Ada",
      custom_attributes: { plan: "pro", seats: 3 },
    });
    expect(user).toMatchObject({ type: "contact", role: "user", external_id: "u-1" });
    const lead = await client.contacts.create({ role: "lead", email: "ada@x.io" });
    expect(lead.role).toBe("lead");

    expect((await client.contacts.find({ contact_id: user.id })).id).toBe(user.id);
    expect((await client.contacts.showContactByExternalId({ external_id: "u-1" })).id).toBe(
      user.id,
    );
    const updated = await client.contacts.update({ contact_id: user.id, name: "Ada L." });
    expect(updated.name).toBe("Ada L.");

    const merged = await client.contacts.mergeLeadInUser({ from: lead.id, into: user.id });
    expect(merged.id).toBe(user.id);

    const archived = await client.contacts.archive({ contact_id: user.id });
    expect(archived).toMatchObject({ type: "contact", id: user.id, archived: true });
    const unarchived = await client.contacts.unarchive({ contact_id: user.id });
    expect(unarchived).toMatchObject({ id: user.id, archived: false });
  });

  it("creates, finds, applies and removes tags", async () => {
    const contact = await client.contacts.create({ email: "tagged@x.io" });
    const tag = await client.tags.create({ name: "Customers" });
    expect(tag).toMatchObject({ type: "tag", name: "Customers" });
    expect((await client.tags.find({ tag_id: tag.id })).name).toBe("Customers");
    expect((await client.tags.list()).data!.map((each) => each.id)).toContain(tag.id);
    expect((await client.tags.tagContact({ contact_id: contact.id, id: tag.id })).id).toBe(tag.id);
    const onContact = await client.contacts.listAttachedTags({ contact_id: contact.id });
    expect(onContact.data!.map((each) => each.id)).toEqual([tag.id]);
    await client.tags.untagContact({ contact_id: contact.id, tag_id: tag.id });
    expect((await client.contacts.listAttachedTags({ contact_id: contact.id })).data).toEqual([]);
    expect(await failure(() => client.tags.find({ tag_id: "999" }))).toEqual({
      statusCode: 404,
      code: "not_found",
    });
  });

  it("tags many contacts in one request, all or nothing (tag_multiple_users_request)", async () => {
    const first = await client.contacts.create({ email: "bulk-1@x.io" });
    const second = await client.contacts.create({ email: "bulk-2@x.io" });
    const tag = await client.tags.create({
      name: "Bulk customers",
      users: [{ id: first.id }, { id: second.id }],
    });
    expect(tag).toMatchObject({ type: "tag", name: "Bulk customers" });
    for (const contact of [first, second]) {
      const attached = await client.contacts.listAttachedTags({ contact_id: contact.id });
      expect(attached.data!.map((each) => each.id)).toEqual([tag.id]);
    }
    // One unknown contact: 404 "User Not Found" (the description's example) and nothing tagged.
    const third = await client.contacts.create({ email: "bulk-3@x.io" });
    expect(
      await failure(() =>
        client.tags.create({
          name: "Bulk later",
          users: [{ id: third.id }, { id: "0".repeat(24) }],
        }),
      ),
    ).toEqual({ statusCode: 404, code: "not_found" });
    expect((await client.contacts.listAttachedTags({ contact_id: third.id })).data).toEqual([]);
    // The description documents `untag` for companies only: a user untag is refused, not guessed.
    expect(
      await failure(() =>
        client.tags.create({
          name: "Bulk customers",
          users: [{ id: first.id, untag: true } as { id: string }],
        }),
      ),
    ).toEqual({ statusCode: 400, code: "parameter_invalid" });
  });

  it("sends events with numeric, date and monetary metadata", async () => {
    await client.contacts.create({ external_id: "buyer", email: "buyer@x.io" });
    await client.events.create({
      event_name: "ordered",
      created_at: 1_767_000_000,
      user_id: "buyer",
      // The SDK types metadata as strings, following the description's schema; its own text allows
      // numbers, dates and money (see test/helpers/intercom-description-errata.ts).
      metadata: {
        items: 3,
        load: 3.67,
        delivery_date: 1_767_100_000,
        price: { amount: 34_999, currency: "eur" },
        article: { url: "https://example.org/a.html", value: "the dude abides" },
        source: "desktop",
      } as unknown as Record<string, string>,
    });
    const stored = (await (await fetch(`${sandbox.url}/_sandbox/contacts`)).json()) as {
      contacts: { external_id: string; events: { metadata: Record<string, unknown> }[] }[];
    };
    const buyer = stored.contacts.find((contact) => contact.external_id === "buyer")!;
    expect(buyer.events[0]!.metadata).toMatchObject({
      items: 3,
      price: { amount: 34_999, currency: "eur" },
    });
  });

  it("lists, creates and updates data attributes", async () => {
    const listed = await client.dataAttributes.list({ model: "contact" });
    expect(listed.data!.some((attribute) => attribute.name === "email")).toBe(true);
    const created = await client.dataAttributes.create({
      name: "lifetime_value",
      model: "contact",
      data_type: "float",
      description: "From Hull",
    } as Intercom.CreateDataAttributeRequest);
    expect(created).toMatchObject({ name: "lifetime_value", data_type: "float" });
    const updated = await client.dataAttributes.update({
      data_attribute_id: created.id!,
      body: { description: "Lifetime value, from Hull" },
    } as Intercom.UpdateDataAttributeRequest);
    expect(updated.description).toBe("Lifetime value, from Hull");
  });

  it("reads 401, 404, 409 and 429 as the SDK's errors", async () => {
    expect(await failure(() => sdk("not-a-token").contacts.find({ contact_id: "x" }))).toEqual({
      statusCode: 401,
      code: "unauthorized",
    });
    expect(
      await failure(() => client.contacts.find({ contact_id: "6762f0dd1bb69f9f2193bb83" })),
    ).toEqual({
      statusCode: 404,
      code: "not_found",
    });
    await client.contacts.create({ external_id: "twice", email: "twice@x.io" });
    expect(
      await failure(() => client.contacts.create({ external_id: "twice", email: "twice@x.io" })),
    ).toMatchObject({ statusCode: 409 });
    await control("/faults", { status: 429, share: 1, count: 1, path: "/contacts" });
    expect(await failure(() => client.contacts.list({ per_page: 5 }))).toMatchObject({
      statusCode: 429,
    });
  });
});
