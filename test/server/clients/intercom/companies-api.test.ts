import { describe, expect, it } from "vitest";
import { createCompaniesApi } from "../../../../server/clients/intercom/companies";
import type { IntercomHttp } from "../../../../server/clients/intercom/http-client";
import { intercomResponseProblems } from "../../../helpers/intercom-contract";

const company = {
  type: "company",
  id: "6762f0a61bb69f9f2193bb55",
  company_id: "1",
  name: "company12",
  created_at: 1734537382,
  updated_at: 1734537382,
  user_count: 1,
  tags: { type: "tag.list", tags: [] },
  segments: { type: "segment.list", segments: [] },
  plan: {},
  custom_attributes: {},
};

/** The companies API over a fake transport answering `answer` to every call. */
function apiAnswering(answer: unknown) {
  const calls: string[] = [];
  const http = (async (method: string, path: string) => {
    calls.push(`${method} ${path}`);
    return answer;
  }) as IntercomHttp;
  return { api: createCompaniesApi(http), calls };
}

describe("GET /contacts/{id}/companies", () => {
  const path = "/contacts/c1/companies";

  it("reads the list the schema names (`companies`, contact_attached_companies)", async () => {
    const answer = { type: "list", companies: [company], total_count: 1 };
    // The shape is the description's own: a reader of `data` alone would find nothing here.
    expect(intercomResponseProblems("GET", path, 200, answer)).toEqual([]);
    const { api, calls } = apiAnswering(answer);
    expect(await api.listContactCompanies("c1")).toEqual([company]);
    expect(calls).toEqual([`GET ${path}`]);
  });

  it("reads the list the description's example names (`data`), and an empty answer", async () => {
    const answer = {
      type: "list",
      data: [company],
      pages: { type: "pages", next: null, page: 1, per_page: 50, total_pages: 1 },
      total_count: 1,
    };
    expect(intercomResponseProblems("GET", path, 200, answer)).toEqual([]);
    expect(await apiAnswering(answer).api.listContactCompanies("c1")).toEqual([company]);
    expect(
      await apiAnswering({ type: "list", total_count: 0 }).api.listContactCompanies("c1"),
    ).toEqual([]);
  });
});

describe("GET /companies/scroll", () => {
  const path = "/companies/scroll";

  /** The companies API over a fake transport answering `answer`, recording each request. */
  function scrollAnswering(answer: unknown) {
    const requests: { path: string; request: unknown }[] = [];
    const http = (async (_method: string, requested: string, request?: unknown) => {
      requests.push({ path: requested, request });
      return answer;
    }) as IntercomHttp;
    return { api: createCompaniesApi(http), requests };
  }

  it("asks the client not to repeat a failed page (the description: restart the scroll)", async () => {
    const answer = { type: "list", data: [company], scroll_param: "p-2" };
    const { api, requests } = scrollAnswering(answer);
    expect(await api.scrollCompanies("p-1")).toEqual(answer);
    expect(requests).toEqual([
      { path, request: { query: { scroll_param: "p-1" }, retryUnavailable: false } },
    ]);
  });

  // `company_scroll` is `nullable: true` (contract/intercom-openapi-2.14.yaml ~l.16323-16329).
  it("answers null for a null page, or a 200 without a body", async () => {
    expect(intercomResponseProblems("GET", path, 200, null)).toEqual([]);
    expect(await scrollAnswering(null).api.scrollCompanies()).toBeNull();
    expect(await scrollAnswering("").api.scrollCompanies()).toBeNull();
  });

  // The description's prose names the list "companies" (~l.3976), its schema and example `data`.
  it("reads the list from `data`, or from `companies` as the prose names it", async () => {
    const prose = { type: "list", companies: [company], scroll_param: "p-2" };
    expect(await scrollAnswering(prose).api.scrollCompanies()).toEqual({
      type: "list",
      data: [company],
      scroll_param: "p-2",
    });
  });
});
