import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCROLL_PAGE_SIZE } from "../../sandbox/intercom/company-scroll";
import { intercomRequestProblems } from "../helpers/intercom-contract";
import { hullConnector, type Stack } from "../helpers/stack";
import type { hullControl, intercomControl } from "../server/outgoing/helpers/sandbox-control";
import {
  eventually,
  startConnectedStack,
  type LoggedRequest,
} from "../server/outgoing/helpers/sandbox-control";

type HullAccount = {
  id: string;
  external_id: string | null;
  domain: string | null;
  anonymous_ids: string[];
  segment_ids: string[];
  users: { id: string; email: string | null }[];
  [attribute: string]: unknown;
};
type Company = {
  id: string;
  company_id: string;
  name?: string;
  tags: { tags: { id: string; name: string }[] };
};

let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;
let token: string;
const allRequests: LoggedRequest[] = [];

async function call<T>(url: string, method = "GET", body?: unknown, headers = {}): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Intercom's REST API as a person's other tools use it (the stand-in's, with a token). */
const intercomApi = <T>(method: string, path: string, body?: unknown) =>
  call<T>(`${stack.urls.intercom}${path}`, method, body, {
    authorization: `Bearer ${token}`,
    "intercom-version": "2.14",
    accept: "application/json",
  });
const hullAccounts = () => call<HullAccount[]>(`${stack.urls.hull}/_sandbox/accounts`);

async function findCompany(companyId: string): Promise<Company | undefined> {
  // GET /companies?company_id= answers the company itself in 2.14.
  const found = await intercomApi<Company | { data?: Company[] }>(
    "GET",
    `/companies?company_id=${encodeURIComponent(companyId)}`,
  ).catch(() => undefined);
  if (!found) return undefined;
  return "company_id" in found ? found : found.data?.[0];
}
const tagNames = (company: Company | undefined) =>
  (company?.tags?.tags ?? []).map((tag) => tag.name).sort();

async function takeRequests(): Promise<LoggedRequest[]> {
  const requests = await intercom.requests();
  await intercom.clearRequests();
  allRequests.push(...requests);
  return requests;
}

beforeAll(async () => {
  ({ stack, hull, intercom } = await startConnectedStack());
  token = (await call<{ access_token: string }>(`${stack.urls.intercom}/_sandbox/token`, "POST"))
    .access_token;
});
afterAll(() => stack?.close());

describe("Intercom companies → Hull accounts", () => {
  it("a fetched company becomes a Hull account claimed by company_id and domain, linked to its contacts", async () => {
    const { ids } = await intercom.seedContacts([
      { role: "user", email: "wile@acme.example", external_id: "wile-1" },
      { role: "user", email: "road@acme.example" },
    ]);
    const company = await intercomApi<Company>("POST", "/companies", {
      company_id: "acme-1",
      name: "Acme",
      website: "https://www.acme.example",
      industry: "Anvils",
    });
    for (const contactId of ids) {
      await intercomApi("POST", `/contacts/${contactId}/companies`, { id: company.id });
    }
    const started = await call<{ started: boolean }>(
      `${stack.urls.connector}/fetch-companies?${stack.credentialsQuery}`,
      "POST",
    );
    expect(started.started).toBe(true);
    const account = await eventually(async () => {
      const found = (await hullAccounts()).find((candidate) => candidate.external_id === "acme-1");
      return found && found.users.length === 2 ? found : undefined;
    });
    expect(account).toMatchObject({
      domain: "acme.example",
      "intercom/id": company.id,
      "intercom/name": "Acme",
      "intercom/industry": "Anvils",
    });
    expect(account.anonymous_ids).toContain(`intercom:${company.id}`);
    expect(account.users.map((user) => user.email).sort()).toEqual([
      "road@acme.example",
      "wile@acme.example",
    ]);
    await takeRequests();
  });
});

describe("Intercom webhooks about companies, in both shapes", () => {
  const webhook = (body: Record<string, unknown>) =>
    call<{ status?: number }>(`${stack.urls.intercom}/_sandbox/webhooks`, "POST", body);
  const accountBy = async (anonymousId: string) =>
    (await hullAccounts()).find((account) => account.anonymous_ids.includes(anonymousId));

  it("company.updated (2.x) and company.created (1.x items, ISO dates) write the account", async () => {
    const initech = await intercomApi<Company>("POST", "/companies", {
      company_id: "initech-1",
      name: "Initech",
      website: "initech.example",
    });
    await webhook({ topic: "company.created", company_id: initech.id, legacy: true });
    const created = await eventually(() => accountBy(`intercom:${initech.id}`));
    expect(created).toMatchObject({
      external_id: "initech-1",
      domain: "initech.example",
      "intercom/name": "Initech",
    });
    expect(String(created["intercom/created_at"])).toMatch(/^\d{4}-\d\d-\d\dT/);
    await intercomApi("PUT", `/companies/${initech.id}`, { name: "Initech Corp" });
    await webhook({ topic: "company.updated", company_id: initech.id });
    await eventually(async () =>
      (await accountBy(`intercom:${initech.id}`))?.["intercom/name"] === "Initech Corp"
        ? true
        : undefined,
    );
  });

  it("company.contact.attached links the contact's user; a contact notification links by its company reference", async () => {
    const initech = (await findCompany("initech-1"))!;
    const { ids } = await intercom.seedContacts([
      { role: "user", email: "peter@initech.example" },
      { role: "user", email: "milton@initech.example" },
    ]);
    await intercomApi("POST", `/contacts/${ids[0]}/companies`, { id: initech.id });
    await webhook({
      topic: "company.contact.attached",
      company_id: initech.id,
      contact_id: ids[0],
    });
    await intercomApi("POST", `/contacts/${ids[1]}/companies`, { id: initech.id });
    await webhook({ topic: "contact.user.created", contact_id: ids[1] });
    const account = await eventually(async () => {
      const found = await accountBy(`intercom:${initech.id}`);
      return found && found.users.length === 2 ? found : undefined;
    });
    expect(account.users.map((user) => user.email).sort()).toEqual([
      "milton@initech.example",
      "peter@initech.example",
    ]);
  });

  it("company.deleted marks the account (a write that never creates one: io.hull.create false)", async () => {
    const initech = (await findCompany("initech-1"))!;
    await webhook({ topic: "company.deleted", company_id: initech.id });
    await eventually(async () =>
      (await accountBy(`intercom:${initech.id}`))?.["intercom/deleted_at"] ? true : undefined,
    );
    await takeRequests();
  });
});

describe("Hull accounts → Intercom companies", () => {
  let enterprise: { id: string; name: string };

  it("an account entering a synchronized account segment becomes a company with its users attached and the segment's tag", async () => {
    const customers = await hull.createSegment("Customers", { customer: true });
    enterprise = await call<{ id: string; name: string }>(
      `${stack.urls.hull}/_sandbox/accounts_segments`,
      "POST",
      { name: "Enterprise", query: { tier: "enterprise" } },
    );
    await hull.settings({
      synchronized_segments: [customers.id],
      synchronized_account_segments: [enterprise.id],
      sync_account_fields_to_intercom: [{ hull: "plan", name: "plan", overwrite: true }],
    });
    await call(`${stack.urls.hull}/_sandbox/accounts`, "POST", [
      {
        claims: { external_id: "globex-1", domain: "globex.example" },
        attributes: { name: "Globex", tier: "enterprise", plan: "Gold" },
        users: [
          { claims: { email: "hank@globex.example" }, attributes: { customer: true } },
          { claims: { email: "frank@globex.example" }, attributes: { customer: true } },
        ],
      },
    ]);
    const company = await eventually(async () => {
      const found = await findCompany("globex-1");
      return found && tagNames(found).includes("Enterprise") ? found : undefined;
    });
    expect(company.name).toBe("Globex");
    const contacts = await eventually(async () => {
      const list = await intercomApi<{ data: { id: string; email?: string }[] }>(
        "GET",
        `/companies/${company.id}/contacts`,
      );
      return list.data.length === 2 ? list.data : undefined;
    });
    const emails = (await intercom.contacts())
      .filter((contact) => contacts.some((attached) => attached.id === contact.id))
      .map((contact) => contact.email)
      .sort();
    expect(emails).toEqual(["frank@globex.example", "hank@globex.example"]);
    const account = await eventually(async () => {
      const found = (await hullAccounts()).find(
        (candidate) => candidate.external_id === "globex-1",
      );
      return found?.["intercom/id"] ? found : undefined;
    });
    expect(account["intercom/id"]).toBe(company.id);
    // Saved once the run's accounts are done (the manifest's default is {}).
    const mapping = await eventually(async () => {
      const saved = (await hullConnector(stack)).private_settings.account_tag_mapping as
        Record<string, string> | undefined;
      return saved && Object.keys(saved).length > 0 ? saved : undefined;
    });
    expect(Object.keys(mapping)).toEqual([enterprise.id]);
  });

  it("renaming the account segment renames the company tag", async () => {
    await call(`${stack.urls.hull}/_sandbox/accounts_segments/${enterprise.id}`, "PUT", {
      name: "Enterprise accounts",
    });
    const company = await eventually(async () => {
      const found = await findCompany("globex-1");
      return found && tagNames(found).includes("Enterprise accounts") ? found : undefined;
    });
    expect(tagNames(company)).not.toContain("Enterprise");
  });

  it("an account leaving the segment loses the tag", async () => {
    await call(`${stack.urls.hull}/_sandbox/accounts`, "POST", [
      { claims: { external_id: "globex-1" }, attributes: { tier: "smb" } },
    ]);
    await eventually(async () => {
      const found = await findCompany("globex-1");
      return found && tagNames(found).length === 0 ? found : undefined;
    });
  });

  it("Hull's manual “Send to Intercom” of accounts (an account_report extract) sends them whatever the whitelist, as a job", async () => {
    const prospects = await call<{ id: string; name: string }>(
      `${stack.urls.hull}/_sandbox/accounts_segments`,
      "POST",
      { name: "Prospects", query: { tier: "prospect" } },
    );
    await call(`${stack.urls.hull}/_sandbox/accounts`, "POST", [
      {
        claims: { external_id: "umbrella-1", domain: "umbrella.example" },
        attributes: { name: "Umbrella", tier: "prospect", plan: "Trial" },
      },
      // Nothing to be a company by: skipped, said in the job's count, nothing sent.
      { claims: { anonymous_id: "crm:keyless" }, attributes: { tier: "prospect" } },
    ]);
    const picked = (await hullAccounts()).filter((account) =>
      account.segment_ids.includes(prospects.id),
    );
    expect(picked).toHaveLength(2);
    // Not synchronized: no account:update reached Intercom for them.
    expect(await findCompany("umbrella-1")).toBeUndefined();
    const sent = await call<{ via: string }>(
      `${stack.urls.hull}/_sandbox/notify_accounts`,
      "POST",
      { segment_id: prospects.id, extract: true },
    );
    expect(sent.via).toBe("batch");
    const company = await eventually(async () => {
      const found = await findCompany("umbrella-1");
      return found && tagNames(found).includes("Prospects") ? found : undefined;
    });
    expect(company.name).toBe("Umbrella");
    const account = await eventually(async () =>
      (await hullAccounts()).find(
        (candidate) => candidate.external_id === "umbrella-1" && candidate["intercom/id"],
      ),
    );
    expect(account["intercom/id"]).toBe(company.id);
    expect(account.anonymous_ids).toContain(`intercom:${company.id}`);
    const job = await eventually(async () => {
      const { jobs } = await call<{
        jobs: { kind: string; state: string; progress: { fetched: number; errors: number } }[];
      }>(`${stack.urls.connector}/jobs?${stack.credentialsQuery}`);
      return jobs.find(
        (candidate) => candidate.kind === "send-account-extract" && candidate.state === "done",
      );
    });
    expect(job.progress).toMatchObject({ fetched: 2, errors: 0 });
  });

  it("sent only requests that Intercom's description documents", async () => {
    const problems = [...allRequests, ...(await takeRequests())].flatMap((request) =>
      intercomRequestProblems(request.method, request.path, request.body),
    );
    expect(problems).toEqual([]);
  });
});

// After the outgoing tests: its webhooks must not overlap their account:update and
// accounts_segment:update notifications (the tag rename races an account run, see ADR 020).
describe("a contact with several companies", () => {
  const webhook = (body: Record<string, unknown>) =>
    call<{ status?: number }>(`${stack.urls.intercom}/_sandbox/webhooks`, "POST", body);
  const accountBy = async (anonymousId: string) =>
    (await hullAccounts()).find((account) => account.anonymous_ids.includes(anonymousId));

  it("a contact of two companies belongs to the newest (greatest id); detaching it moves the user to the other", async () => {
    const made = await Promise.all(
      ["alpha", "beta"].map((name) =>
        intercomApi<Company>("POST", "/companies", { company_id: `${name}-1`, name }),
      ),
    );
    // Intercom's ids start with their creation time; the stand-in's do not, so order them here.
    const [older, newer] = made.sort((a, b) => (a.id < b.id ? -1 : 1));
    const { ids } = await intercom.seedContacts([{ role: "user", email: "dual@two.example" }]);
    const contactId = ids[0]!;
    for (const company of [newer!, older!]) {
      await intercomApi("POST", `/contacts/${contactId}/companies`, { id: company.id });
      await webhook({
        topic: "company.contact.attached",
        company_id: company.id,
        contact_id: contactId,
      });
    }
    const linkedTo = async (companyId: string) => {
      const account = await accountBy(`intercom:${companyId}`);
      return account?.users.some((user) => user.email === "dual@two.example") ? account : undefined;
    };
    await eventually(() => linkedTo(newer!.id));
    expect(await linkedTo(older!.id)).toBeUndefined();
    await intercomApi("DELETE", `/contacts/${contactId}/companies/${newer!.id}`);
    await webhook({
      topic: "company.contact.detached",
      company_id: newer!.id,
      contact_id: contactId,
    });
    await eventually(() => linkedTo(older!.id));
    expect(await linkedTo(newer!.id)).toBeUndefined();
  });
});

// "Fetch all companies" against the answers of GET /companies/scroll that Intercom's official
// description allows (contract/intercom-openapi-2.14.yaml ~l.3954-3990 and the company_scroll
// schema ~l.16323-16345). Last in the file: the first test moves the stand-in's clock.
describe("Fetch all companies over every scroll answer the description allows", () => {
  type ScrollRequest = LoggedRequest & { query: Record<string, string> };
  type Job = { id: string; kind: string; state: string; error?: string };

  /** `count` companies `<prefix>-<n>`, each with a contact, so that the scroll lists them. */
  async function companiesWithAContact(prefix: string, count: number): Promise<string[]> {
    const { ids } = await intercom.seedContacts([
      { role: "user", email: `${prefix}@scroll.example` },
    ]);
    const companyIds: string[] = [];
    for (let n = 0; n < count; n++) {
      const made = await intercomApi<Company>("POST", "/companies", {
        company_id: `${prefix}-${n}`,
      });
      await intercomApi("POST", `/contacts/${ids[0]}/companies`, { id: made.id });
      companyIds.push(`${prefix}-${n}`);
    }
    return companyIds;
  }

  async function fetchAllCompanies(): Promise<string> {
    const started = await call<{ started: boolean; job: { id: string } }>(
      `${stack.urls.connector}/fetch-companies?${stack.credentialsQuery}`,
      "POST",
    );
    expect(started.started).toBe(true);
    return started.job.id;
  }

  /** Waits for the job to end; a failed job fails the test at once, with its error. */
  async function finished(jobId: string): Promise<Job> {
    return eventually(async () => {
      const { jobs } = await call<{ jobs: Job[] }>(
        `${stack.urls.connector}/jobs?${stack.credentialsQuery}`,
      );
      const job = jobs.find((candidate) => candidate.id === jobId);
      if (job?.state === "failed") throw new Error(`the fetch failed: ${job.error}`);
      return job?.state === "done" ? job : undefined;
    });
  }

  const accountsMissing = async (companyIds: string[]) => {
    const inHull = new Set((await hullAccounts()).map((account) => account.external_id));
    return companyIds.filter((id) => !inHull.has(id));
  };
  const scrollRequests = async () =>
    ((await intercom.requests()) as ScrollRequest[]).filter(
      (request) => request.path === "/companies/scroll",
    );

  // "Scroll network timeouts": a 500 "Request failed due to an internal network error. Please
  // restart the scroll operation." — "you will need to restart your scroll query: It is not
  // possible to continue from a specific point when using scroll" (~l.3980-3984).
  it("a 500 on a page mid-scroll: starts the scroll again from the first page, and every company reaches Hull", async () => {
    const companyIds = await companiesWithAContact("scroll-500", 60);
    await takeRequests();
    // The second page of the scroll fails once (the first page is let through).
    await intercom.faults({ status: 500, share: 1, path: "/companies/scroll", skip: 1, count: 1 });
    const jobId = await fetchAllCompanies();
    const failed = await eventually(async () =>
      (await scrollRequests()).find((request) => request.status === 500),
    );
    // The stand-in keeps the failed scroll open (scroll_exists) until a minute after its last
    // good page: move its clock past that rather than wait for it.
    await call(`${stack.urls.intercom}/_sandbox/clock`, "POST", { advance_ms: 61_000 });
    await finished(jobId);
    expect(await accountsMissing(companyIds)).toEqual([]);

    const scrolls = await scrollRequests();
    const failedAt = scrolls.indexOf(scrolls.find((request) => request.status === 500)!);
    const failedParam = failed.query.scroll_param;
    expect(failedParam).toBeDefined();
    // Never the failed page again: the next request opens a new scroll (no param)…
    expect(scrolls[failedAt + 1]?.query.scroll_param).toBeUndefined();
    expect(scrolls.slice(failedAt + 1).map((request) => request.query.scroll_param)).not.toContain(
      failedParam,
    );
    // …which is read to its end: the last request is the empty page.
    expect(scrolls.at(-1)?.status).toBe(200);
    await takeRequests();
  });

  // `company_scroll` is `nullable: true` (~l.16329); intercom-client 7.0.3's pager reads a null
  // page as "no items, no next page".
  it("a null last page: the fetch ends cleanly with every company in Hull", async () => {
    const companyIds = await companiesWithAContact("scroll-null", 60);
    await takeRequests();
    const listed = await intercomApi<{ total_count: number }>("GET", "/companies?per_page=1");
    const pagesWithCompanies = Math.ceil(listed.total_count / SCROLL_PAGE_SIZE);
    // Every page with companies is let through; the closing (empty) one is answered null.
    await intercom.faults({
      null_body: true,
      share: 1,
      path: "/companies/scroll",
      skip: pagesWithCompanies,
      count: 1,
    });
    const jobId = await finished(await fetchAllCompanies());
    expect(jobId).toBeDefined();
    expect(await accountsMissing(companyIds)).toEqual([]);
    const scrolls = await scrollRequests();
    expect(scrolls).toHaveLength(pagesWithCompanies + 1);
    expect(scrolls.every((request) => request.status === 200)).toBe(true);
    await takeRequests();
  });
});
