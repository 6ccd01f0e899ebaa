import { describe, expect, it } from "vitest";
import {
  companyPageEntries,
  createFetchCompaniesHandler,
} from "../../../server/accounts/incoming/fetch-companies";
import { createActivityLog } from "../../../server/activity";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import {
  IntercomApiError,
  IntercomUnavailableError,
  TokenRevokedError,
} from "../../../server/clients/intercom/errors";
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

/**
 * Handler over a fake scroll of `pages`: the n-th call (from 1) throws `script[n]` when it is an
 * error, answers null when it is null, and otherwise serves the page its param names.
 */
function setup(
  pages: ReturnType<typeof company>[][],
  script: Record<number, Error | null> | number = {},
) {
  const failures = typeof script === "number" ? { [script]: expiredParam() } : script;
  const scrollCalls: (string | undefined)[] = [];
  const written: FirehoseEntry[] = [];
  const sleeps: number[] = [];
  const api = {
    scrollCompanies: async (param?: string) => {
      scrollCalls.push(param);
      const scripted = failures[scrollCalls.length];
      if (scripted instanceof Error) throw scripted;
      if (scripted === null) return null;
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
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    pageAttempts: 5,
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
    sleeps,
  };
}

const expiredParam = () =>
  new IntercomApiError(404, "not_found", "scroll expired", "GET", "/companies/scroll");
/** What the client throws for the description's "Scroll network timeouts" 500 (never retried). */
const scrollFailed = () =>
  new IntercomUnavailableError("Intercom answered 500 to GET /companies/scroll", 500, 10_000);
const accountsWritten = (written: FirehoseEntry[]) =>
  new Set(
    written.flatMap((entry) =>
      entry.type === "traits" && Object.keys(entry.claims).length === 0
        ? [entry.account?.external_id]
        : [],
    ),
  );

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

  // Official description, GET /companies/scroll (contract/intercom-openapi-2.14.yaml ~l.3980-3984):
  // a 500 "Request failed due to an internal network error. Please restart the scroll operation."
  // means "you will need to restart your scroll query: It is not possible to continue from a
  // specific point when using scroll".
  it("starts the scroll again from the first page after a 500 mid-scroll, and loses no company", async () => {
    const pages = [[company(1), company(2)], [company(3)], [company(4)]];
    const { run, scrollCalls, written, progress, sleeps } = setup(pages, { 3: scrollFailed() });
    await run();
    // Never the failed param again: the next call after the 500 opens a new scroll.
    expect(scrollCalls).toEqual([undefined, "1", "2", undefined, "1", "2", "3"]);
    expect(accountsWritten(written)).toEqual(new Set(["co-1", "co-2", "co-3", "co-4"]));
    expect(progress.at(-1)).toMatchObject({ fetched: 4, written: 4, total: 4 });
    expect(sleeps).toEqual([5_000]);
  });

  it("meets its own failed scroll as 'scroll exists' after a 500, waits, then reads everything", async () => {
    const busy = () =>
      new IntercomApiError(400, "scroll_exists", "scroll already exists for this app", "GET", "/s");
    const { run, scrollCalls, written, sleeps } = setup([[company(1)], [company(2)]], {
      2: scrollFailed(),
      3: busy(),
      4: busy(),
    });
    await run();
    expect(scrollCalls).toEqual([undefined, "1", undefined, undefined, undefined, "1", "2"]);
    expect(accountsWritten(written)).toEqual(new Set(["co-1", "co-2"]));
    expect(sleeps).toEqual([5_000, 15_000, 15_000]);
  });

  it("starts again when a param is refused with any other 4xx (the description: calls with it 'will fail')", async () => {
    const gone = new IntercomApiError(400, "parameter_invalid", "bad scroll", "GET", "/s");
    const { run, scrollCalls, written } = setup([[company(1)], [company(2)]], { 2: gone });
    await run();
    expect(scrollCalls).toEqual([undefined, "1", undefined, "1", "2"]);
    expect(accountsWritten(written)).toEqual(new Set(["co-1", "co-2"]));
  });

  it("restarts a bounded number of times, then fails with Intercom's error", async () => {
    const failures = Object.fromEntries(
      Array.from({ length: 20 }, (_, n) => [n + 1, scrollFailed()]),
    );
    const { run, scrollCalls } = setup([[company(1)]], failures);
    await expect(run()).rejects.toBeInstanceOf(IntercomUnavailableError);
    // pageAttempts (5) restarts after the first failure, each a new scroll.
    expect(scrollCalls).toEqual(Array(6).fill(undefined));
  });

  it("fails on what a restart would meet again: a refusal of the first page, a revoked token", async () => {
    const forbidden = new IntercomApiError(403, "forbidden", "no", "GET", "/companies/scroll");
    const refused = setup([[company(1)]], { 1: forbidden });
    await expect(refused.run()).rejects.toBe(forbidden);
    expect(refused.scrollCalls).toEqual([undefined]);
    const revoked = setup([[company(1)], [company(2)]], { 2: new TokenRevokedError() });
    await expect(revoked.run()).rejects.toBeInstanceOf(TokenRevokedError);
    expect(revoked.scrollCalls).toEqual([undefined, "1"]);
  });

  // `company_scroll` is `nullable: true` (contract/intercom-openapi-2.14.yaml ~l.16323-16329), and
  // intercom-client 7.0.3's pager reads a null page as no items and no next page.
  it("ends cleanly on a null last page, with every company written", async () => {
    const { run, scrollCalls, written, progress } = setup([[company(1)], [company(2)]], {
      3: null,
    });
    await run();
    expect(scrollCalls).toEqual([undefined, "1", "2"]);
    expect(accountsWritten(written)).toEqual(new Set(["co-1", "co-2"]));
    expect(progress.at(-1)).toMatchObject({ fetched: 2, written: 2 });
  });

  it("ends cleanly, writing nothing, when the first page is null", async () => {
    const { run, scrollCalls, written } = setup([[company(1)]], { 1: null });
    await run();
    expect(scrollCalls).toEqual([undefined]);
    expect(written).toEqual([]);
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
