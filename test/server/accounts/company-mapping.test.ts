import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import {
  companyIdOf,
  companyTagChanges,
  companyValuesFromAccount,
  mapAccountToCompany,
} from "../../../server/accounts/mapping/account-to-company";
import {
  accountLinkEntries,
  planCompany,
  planCompanyContact,
  planCompanyDeleted,
} from "../../../server/accounts/mapping/company-notification";
import {
  companyAccountClaims,
  contactAccount,
  domainOf,
  mapCompanyToHullAccount,
} from "../../../server/accounts/mapping/company-to-hull-account";
import { signEntry } from "../../../server/clients/hull/sign-entry";
import { checkEntry } from "../../../server/hull-entry-rules";
import { planNotification } from "../../../server/incoming/mapping/notification-to-hull";

const company = {
  type: "company",
  id: "6762f0dd1bb69f9f2193bb90",
  company_id: "acme-1",
  name: "Acme",
  website: "https://www.Acme.example/about",
  industry: "Rockets",
  size: 40,
  monthly_spend: 120,
  user_count: 2,
  created_at: 1700000000,
  updated_at: "2026-01-10T04:22:28.240+00:00",
  plan: { type: "plan", id: "1", name: "Pro" },
  tags: { type: "tag.list", tags: [{ type: "tag", id: "7", name: "VIP" }] },
  custom_attributes: { seats: 12, nested: { no: 1 } },
};

describe("Intercom company → Hull account", () => {
  it("claims the account by intercom:<id>, company_id as external_id and the website's domain", () => {
    const account = mapCompanyToHullAccount(company, {
      incomingAttributes: [{ name: "seats", hull: "intercom/seats" }],
    });
    expect(account?.claims).toEqual({
      anonymous_id: "intercom:6762f0dd1bb69f9f2193bb90",
      external_id: "acme-1",
      domain: "acme.example",
    });
    expect(account?.attributes).toMatchObject({
      "intercom/id": "6762f0dd1bb69f9f2193bb90",
      "intercom/company_id": "acme-1",
      "intercom/plan": "Pro",
      "intercom/size": 40,
      "intercom/created_at": "2023-11-14T22:13:20.000Z",
      "intercom/updated_at": "2026-01-10T04:22:28.240Z",
      "intercom/tags": ["VIP"],
      "intercom/seats": 12,
      name: { operation: "setIfNull", value: "Acme" },
    });
  });

  it("reads a domain from a URL or a bare host, never from an IP or a word", () => {
    expect(domainOf("acme.example")).toBe("acme.example");
    expect(domainOf("http://WWW.acme.example:8080/x")).toBe("acme.example");
    expect(domainOf("10.0.0.1")).toBeUndefined();
    expect(domainOf("localhost")).toBeUndefined();
    expect(domainOf("")).toBeUndefined();
    expect(domainOf(42)).toBeUndefined();
  });

  it("claims no domain from a website no DNS name can be (RFC 1035: 63-byte labels, 253 in all)", () => {
    // Intercom accepts any string as `website`; a 10 kB one must not become a 10 kB Hull claim.
    expect(domainOf(`https://${"a".repeat(64)}.example`)).toBeUndefined();
    expect(domainOf(`${"abcdefgh.".repeat(30)}example`)).toBeUndefined();
    expect(domainOf(`https://${"a".repeat(63)}.example`)).toBe(`${"a".repeat(63)}.example`);
    expect(
      companyAccountClaims({ id: "c1", website: `https://${"x".repeat(10_240)}.example` }),
    ).toEqual({ anonymous_id: "intercom:c1" });
  });

  it("links a contact to a company from a 2.x reference or a 1.x company list", () => {
    expect(
      contactAccount({
        companies: { type: "list", data: [{ type: "company", id: "c1", url: "/companies/c1" }] },
      }),
    ).toEqual({ anonymous_id: "intercom:c1" });
    expect(
      contactAccount({
        companies: { type: "company.list", companies: [{ id: "c2", company_id: "x-2" }] },
      }),
    ).toEqual({ anonymous_id: "intercom:c2", external_id: "x-2" });
    expect(contactAccount({ companies: { type: "list", data: [] } })).toBeUndefined();
    expect(accountLinkEntries({ id: "u" }, { anonymous_id: "intercom:u" })).toEqual([]);
  });

  it("plans company topics: the account, a deletion mark that creates nothing, an attachment link", () => {
    const created = planCompany(company, []);
    expect(created.kind === "write" && created.entries[0]).toMatchObject({
      type: "traits",
      claims: {},
      account: { external_id: "acme-1" },
    });
    const deleted = planCompanyDeleted({ type: "company", id: "c9" }, "2026-01-01T00:00:00.000Z");
    expect(deleted.kind === "write" && deleted.entries[0]).toMatchObject({
      create: false,
      account: { anonymous_id: "intercom:c9" },
      body: { "intercom/deleted_at": "2026-01-01T00:00:00.000Z" },
    });
    const attached = planCompanyContact(
      { type: "contact_company", contact: { type: "contact", id: "u1", role: "user" }, company },
      true,
    );
    expect(attached.kind === "write" && attached.entries[0]).toMatchObject({
      claims: { anonymous_id: "intercom:u1" },
      account: { anonymous_id: "intercom:6762f0dd1bb69f9f2193bb90" },
      body: {},
    });
    expect(planCompanyContact({ contact: { id: "u1" } }, true).kind).toBe("ignore");
  });

  describe("a contact with several companies: the newest (greatest Intercom id) wherever it comes from", () => {
    const older = "6762f0a61bb69f9f2193bb55"; // created 1734537382
    const newer = "6762f0dd1bb69f9f2193bb90"; // company above, created later
    const refs = (...ids: string[]) => ({
      type: "list",
      data: ids.map((id) => ({ type: "company", id, url: `/companies/${id}` })),
      total_count: ids.length,
      has_more: false,
    });
    const contact = (...ids: string[]) => ({
      type: "contact",
      id: "u1",
      role: "user",
      companies: refs(...ids),
    });
    const linkedTo = (plan: ReturnType<typeof planCompanyContact>) =>
      plan.kind === "write" && plan.entries[0]?.type === "traits"
        ? plan.entries[0].account
        : plan.kind === "ignore"
          ? plan.reason
          : undefined;

    it("chooses the same company whatever order the list comes in", () => {
      expect(contactAccount(contact(older, newer))).toEqual({ anonymous_id: `intercom:${newer}` });
      expect(contactAccount(contact(newer, older))).toEqual({ anonymous_id: `intercom:${newer}` });
      // Any other id still has one order: the longer id is the later one.
      expect(contactAccount(contact("99", "100", "7"))).toEqual({ anonymous_id: "intercom:100" });
    });

    it("attaching an older company keeps the user on the newest; attaching the newest carries its claims", () => {
      const olderCompany = { ...company, id: older, company_id: "old-1", website: undefined };
      expect(
        linkedTo(
          planCompanyContact({ contact: contact(newer, older), company: olderCompany }, true),
        ),
      ).toEqual({ anonymous_id: `intercom:${newer}` });
      expect(
        linkedTo(planCompanyContact({ contact: contact(older, newer), company }, true)),
      ).toEqual({
        anonymous_id: `intercom:${newer}`,
        external_id: "acme-1",
        domain: "acme.example",
      });
      // An item whose contact carries no company list: the attached company.
      expect(
        linkedTo(
          planCompanyContact({ contact: { id: "u1", role: "user" }, company: olderCompany }, true),
        ),
      ).toEqual({ anonymous_id: `intercom:${older}`, external_id: "old-1" });
    });

    it("a detachment moves the user to the company it still has, and writes nothing when none is left", () => {
      // The contact of a detached item lists what it has left; a stale list still drops it.
      expect(linkedTo(planCompanyContact({ contact: contact(older), company }, false))).toEqual({
        anonymous_id: `intercom:${older}`,
      });
      expect(
        linkedTo(planCompanyContact({ contact: contact(older, newer), company }, false)),
      ).toEqual({ anonymous_id: `intercom:${older}` });
      expect(linkedTo(planCompanyContact({ contact: contact(), company }, false))).toBe(
        "the contact has no company left; Hull cannot unlink a user from its account",
      );
      expect(planCompanyContact({ contact: { id: "u1", role: "user" }, company }, false).kind).toBe(
        "ignore",
      );
    });
  });

  it("adds the account link to a contact notification", () => {
    const plan = planNotification(
      {
        id: "notif_1",
        topic: "contact.user.created",
        app_id: "app",
        data: {
          item: {
            type: "contact",
            id: "u1",
            role: "user",
            email: "a@acme.example",
            companies: { type: "list", data: [{ type: "company", id: "c1" }] },
          },
        },
      },
      {
        incomingAttributes: [],
        region: "US",
        ownTagIds: new Set(),
        segmentNames: new Set(),
        receivedAt: new Date(0),
      },
    );
    expect(plan.kind === "write" && plan.entries.at(-1)).toEqual({
      type: "traits",
      claims: { anonymous_id: "intercom:u1", email: "a@acme.example" },
      account: { anonymous_id: "intercom:c1" },
      body: {},
    });
  });
});

describe("account entries for Hull's firehose", () => {
  const credentials = { id: "conn", organization: "org.example", secret: "s3cret" };
  it("signs an account write as asAccount, and a link as asUser + asAccount", () => {
    const account = signEntry(credentials, {
      type: "traits",
      claims: {},
      account: { external_id: "acme-1", domain: " " },
      body: { "intercom/name": "Acme" },
    });
    const accountToken = jwt.verify(account.headers["Hull-Access-Token"], "s3cret") as Record<
      string,
      unknown
    >;
    expect(accountToken["io.hull.subjectType"]).toBe("account");
    expect(accountToken["io.hull.asAccount"]).toEqual({ external_id: "acme-1" });
    expect(accountToken["io.hull.asUser"]).toBeUndefined();
    const link = signEntry(credentials, {
      type: "traits",
      claims: { email: "a@acme.example" },
      account: { anonymous_id: "intercom:c1" },
      body: {},
    });
    const linkToken = jwt.verify(link.headers["Hull-Access-Token"], "s3cret") as Record<
      string,
      unknown
    >;
    expect(linkToken["io.hull.asUser"]).toEqual({ email: "a@acme.example" });
    expect(linkToken["io.hull.asAccount"]).toEqual({ anonymous_id: "intercom:c1" });
  });

  it("refuses an account write without a usable account claim", () => {
    expect(
      checkEntry({ type: "traits", claims: { email: "a@b.c" }, account: { domain: "" }, body: {} }),
    ).toMatchObject({ ok: false });
  });
});

describe("Hull account → Intercom company", () => {
  const rows = [
    { hull: "plan_name", name: "plan", overwrite: true },
    { hull: "employees", name: "size", overwrite: false },
    { hull: "renewal_at", name: "renewal_at", overwrite: true },
    { hull: "id", name: "company_id", overwrite: true },
  ];
  it("upserts by external_id, else domain, and types values like contacts", () => {
    expect(companyIdOf({ external_id: "e1", domain: "d.example" })).toBe("e1");
    expect(companyIdOf({ external_id: " ", domain: "d.example" })).toBe("d.example");
    expect(companyIdOf({ id: "h" })).toBeUndefined();
    const mapping = mapAccountToCompany({
      account: {
        external_id: "acme-1",
        name: "Acme",
        plan_name: "Pro",
        employees: "40",
        renewal_at: "2026-01-01T00:00:00Z",
        id: "hull-id",
      },
      rows,
      customTypes: new Map(),
      intercom: "new",
    });
    expect(mapping?.company).toEqual({
      company_id: "acme-1",
      name: "Acme",
      plan: "Pro",
      size: 40,
      custom_attributes: { renewal_at: 1767225600 },
    });
    expect(mapping?.missing).toEqual([{ name: "renewal_at", dataType: "date" }]);
    expect(mapping?.warnings[0]).toMatch(/company_id.*not writable/);
  });

  it("writes a row without overwrite only where Intercom has no value, and skips equal values", () => {
    const account = {
      external_id: "acme-1",
      name: "Acme",
      plan_name: "Pro",
      employees: 40,
      "intercom/name": "Acme Inc",
      "intercom/plan": "Pro",
      "intercom/size": null,
    };
    const mapping = mapAccountToCompany({
      account,
      rows,
      customTypes: new Map([["renewal_at", "date"]]),
      intercom: companyValuesFromAccount(account, []),
    });
    expect(mapping?.company).toEqual({ company_id: "acme-1", size: 40 });
    expect(mapping?.unknown).toEqual([]);
  });

  it("tags a company for segments it lacks and untags the segments left", () => {
    const vip = { id: "s1", name: "VIP " };
    const trial = { id: "s2", name: "Trial" };
    expect(companyTagChanges({ current: [vip], left: [trial], companyTags: ["trial"] })).toEqual({
      apply: [vip],
      remove: [trial],
    });
    // Untagged on leave even when Hull's copy of the tags lacks it (renamed since).
    expect(companyTagChanges({ current: [vip], left: [trial], companyTags: ["vip"] })).toEqual({
      apply: [],
      remove: [trial],
    });
    expect(companyTagChanges({ current: [vip], left: [vip] })).toEqual({
      apply: [vip],
      remove: [],
    });
  });
});
