import { describe, expect, it } from "vitest";
import {
  companyPageEntries,
  createFetchCompaniesHandler,
} from "../../../server/accounts/incoming/fetch-companies";
import { createActivityLog } from "../../../server/activity";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { IntercomApiError } from "../../../server/clients/intercom/errors";
import type { FetchDeps } from "../../../server/incoming/fetch/fetch-contacts";
import type { JobControl } from "../../../server/jobs/job-runner";
import type { StoredJob } from "../../../server/jobs/types";
import { createLogger } from "../../../server/log";

const company = (n: number) => ({
  type: "company" as const,
  id: `ic-${n}`,
  company_id: `co-${n}`,
  name: `Company ${n}`,
  user_count: n === 1 ? 1 : 0,
});

/** Handler over a fake scroll: pages of companies, one expiry (404) on `expireAt` call. */
function setup(pages: ReturnType<typeof company>[][], expireAt?: number) {
  const scrollCalls: (string | undefined)[] = [];
  const written: FirehoseEntry[] = [];
  const api = {
    scrollCompanies: async (param?: string) => {
      scrollCalls.push(param);
      if (scrollCalls.length === expireAt)
        throw new IntercomApiError(404, "not_found", "scroll expired", "GET", "/companies/scroll");
      const index = param === undefined ? 0 : Number(param);
      const data = pages[index] ?? [];
      return {
        type: "list" as const,
        data,
        total_count: pages.flat().length,
        ...(data.length > 0 ? { scroll_param: String(index + 1) } : {}),
      };
    },
    listCompanyContacts: async (id: string) => ({
      type: "list" as const,
      data: id === "ic-1" ? [{ type: "contact" as const, id: "k1", email: "a@b.example" }] : [],
      pages: { total_pages: 1 },
    }),
  };
  const deps = {
    intercom: { forWorkspace: () => api },
    hullClient: () => ({
      getConnector: async () => ({
        id: "c1",
        settings: {},
        private_settings: { access_token: "t", intercom_workspace: { app_id: "app1" } },
      }),
    }),
    firehose: {
      write: async (_credentials: unknown, entries: FirehoseEntry[]) => {
        written.push(...entries);
      },
      flush: async () => undefined,
    },
    deadLetters: {},
    activity: createActivityLog(),
    logger: createLogger("silent"),
    sleep: async () => undefined,
  } as unknown as FetchDeps;
  const progress: Record<string, unknown>[] = [];
  const control: JobControl = {
    signal: new AbortController().signal,
    checkpoint: async (update) => {
      if (update.progress) progress.push(update.progress);
    },
  };
  const job = {
    id: "j1",
    kind: "fetch-companies",
    mode: "full",
    connectorId: "c1",
    credentials: { id: "c1", organization: "org.example", secret: "s" },
    state: "running",
    params: {},
    checkpoint: {},
    progress: { fetched: 0, errors: 0 },
  } as StoredJob;
  return {
    run: () => createFetchCompaniesHandler(deps)(job, control),
    scrollCalls,
    written,
    progress,
  };
}

describe("Fetch all companies", () => {
  it("scrolls every page, writes each account and links the contacts of companies that have some", async () => {
    const { run, scrollCalls, written, progress } = setup([[company(1), company(2)], [company(3)]]);
    await run();
    expect(scrollCalls).toEqual([undefined, "1", "2"]);
    expect(written.filter((entry) => Object.keys(entry.claims).length === 0)).toHaveLength(3);
    expect(written.find((entry) => entry.claims.email === "a@b.example")).toMatchObject({
      account: { anonymous_id: "intercom:ic-1", external_id: "co-1" },
      body: {},
    });
    expect(progress.at(-1)).toMatchObject({ fetched: 3, written: 3, total: 3 });
  });

  it("starts the scroll again when Intercom expired it, and counts each company once", async () => {
    const { run, scrollCalls, progress } = setup([[company(1)], [company(2)]], 2);
    await run();
    expect(scrollCalls).toEqual([undefined, "1", undefined, "1", "2"]);
    expect(progress.at(-1)).toMatchObject({ fetched: 2, written: 2 });
  });

  it("links a contact of several companies in its newest company's pass only, as its webhooks would", async () => {
    const refs = {
      type: "list",
      data: [
        { type: "company", id: "6762f0dd1bb69f9f2193bb90" },
        { type: "company", id: "6762f0a61bb69f9f2193bb55" },
      ],
    };
    const both = { type: "contact" as const, id: "k2", email: "both@b.example", companies: refs };
    const alone = { type: "contact" as const, id: "k3", email: "alone@b.example" };
    const api = {
      listCompanyContacts: async () => ({ type: "list" as const, data: [both, alone] }),
    };
    const pages = [
      {
        type: "company" as const,
        id: "6762f0a61bb69f9f2193bb55",
        company_id: "old",
        user_count: 2,
      },
      {
        type: "company" as const,
        id: "6762f0dd1bb69f9f2193bb90",
        company_id: "new",
        user_count: 2,
      },
    ];
    const { entries, links } = await companyPageEntries(api, pages, []);
    const linksOf = (email: string) =>
      entries.flatMap((entry) =>
        entry.type === "traits" && entry.claims.email === email ? [entry.account] : [],
      );
    expect(linksOf("both@b.example")).toEqual([
      { anonymous_id: "intercom:6762f0dd1bb69f9f2193bb90", external_id: "new" },
    ]);
    // A contact item without its company list is linked to the company listing it.
    expect(linksOf("alone@b.example")).toHaveLength(2);
    expect(links).toBe(3);
  });

  it("writes the accounts of a page whose company Intercom deleted meanwhile (404), without its links", async () => {
    const contact = { type: "contact" as const, id: "k9", email: "kept@b.example" };
    const api = {
      listCompanyContacts: async (id: string) => {
        if (id === "6762f0a61bb69f9f2193bb55")
          throw new IntercomApiError(404, "company_not_found", "Company Not Found", "GET", "/x");
        return { type: "list" as const, data: [contact] };
      },
    };
    const pages = [
      {
        type: "company" as const,
        id: "6762f0a61bb69f9f2193bb55",
        company_id: "gone",
        user_count: 1,
      },
      {
        type: "company" as const,
        id: "6762f0dd1bb69f9f2193bb90",
        company_id: "here",
        user_count: 1,
      },
    ];
    const { entries, accounts, links } = await companyPageEntries(api, pages, []);
    expect(accounts).toBe(2);
    expect(links).toBe(1);
    expect(entries.filter((entry) => entry.type === "traits" && entry.claims.email)).toEqual([
      expect.objectContaining({ account: expect.objectContaining({ external_id: "here" }) }),
    ]);
    // Anything else Intercom refuses still fails the page, as before.
    const refusing = {
      listCompanyContacts: async () => {
        throw new IntercomApiError(403, "forbidden", "no", "GET", "/x");
      },
    };
    await expect(companyPageEntries(refusing, pages, [])).rejects.toBeInstanceOf(IntercomApiError);
  });
});
