import type { IntercomHttp } from "./http-client";
import type { DataAttribute, IntercomTag } from "./types";

/**
 * An Intercom company as 2.14 returns it (`company` schema; reference/intercom-api.md §1.5).
 * `id` is Intercom's; `company_id` is the customer's own id (the upsert key).
 */
export interface IntercomCompany {
  type: "company";
  id: string;
  company_id?: string | null;
  name?: string | null;
  website?: string | null;
  industry?: string | null;
  size?: number | null;
  monthly_spend?: number | null;
  session_count?: number | null;
  user_count?: number | null;
  created_at?: number | string | null;
  updated_at?: number | string | null;
  remote_created_at?: number | string | null;
  last_request_at?: number | string | null;
  plan?: { id?: string; name?: string } | Record<string, never> | null;
  custom_attributes?: Record<string, unknown>;
  tags?: { tags?: { id: string; name?: string }[] };
  [field: string]: unknown;
}

/** `create_or_update_company_request` (2.14): `company_id` is the upsert key. */
export interface CompanyWrite {
  company_id: string;
  name?: string;
  plan?: string;
  size?: number;
  website?: string;
  industry?: string;
  remote_created_at?: number;
  monthly_spend?: number;
  custom_attributes?: Record<string, unknown>;
}

/** `GET /companies/scroll`: a page and the parameter that asks for the next one. */
export interface CompanyScroll {
  type: "list";
  data?: IntercomCompany[];
  total_count?: number | null;
  scroll_param?: string;
}

/** A contact as `GET /companies/{id}/contacts` lists it. */
export interface CompanyContact {
  type: "contact";
  id: string;
  external_id?: string | null;
  email?: string | null;
  role?: string;
  [field: string]: unknown;
}

export interface CompanyContactList {
  type: "list";
  data: CompanyContact[];
  total_count?: number;
  pages?: { page?: number; per_page?: number; total_pages?: number };
}

/**
 * Typed calls for Intercom's companies (2.14 paths; reference/intercom-api.md §1.2, §1.4, §1.5):
 * upsert, read, scroll, contacts ↔ company, company tags, the company data attribute catalogue.
 * Every call goes through the workspace's one paced client, so companies share the contacts'
 * rate budget. Errors are the client's (IntercomApiError, RetryableError, TokenRevokedError).
 */
export function createCompaniesApi(http: IntercomHttp) {
  const companyPath = (id: string) => `/companies/${encodeURIComponent(id)}`;
  const contactCompanies = (contactId: string) =>
    `/contacts/${encodeURIComponent(contactId)}/companies`;
  return {
    /** `POST /companies`: creates the company, or updates the one with this `company_id`. */
    upsertCompany: (company: CompanyWrite) =>
      http<IntercomCompany>("POST", "/companies", { body: company }),
    /** `GET /companies/{id}` by Intercom's id. */
    getCompany: (id: string) => http<IntercomCompany>("GET", companyPath(id)),
    /**
     * `GET /companies/scroll`: the first page without a parameter, the next with the last
     * answer's `scroll_param`. One scroll per workspace at a time; a parameter unused for 1 minute
     * expires (official description, scrollOverAllCompanies, contract/intercom-openapi-2.14.yaml
     * ~l.3954-3990). Answers null where Intercom sent no page: `company_scroll` is
     * `nullable: true` (~l.16329), and intercom-client 7.0.3's pager reads a null page as "no
     * items, no next page". The list is read from `data` (schema, example, SDK), or from
     * `companies`, the name the description's prose gives it (test/helpers/intercom-description-errata.ts).
     * A 5xx, 408 or no answer is never retried with the same parameter: it throws
     * IntercomUnavailableError at once, since "it is not possible to continue from a specific
     * point" (the description's "Scroll network timeouts"); the caller restarts the scroll.
     */
    scrollCompanies: async (scrollParam?: string): Promise<CompanyScroll | null> => {
      const page = await http<(CompanyScroll & { companies?: IntercomCompany[] }) | null | "">(
        "GET",
        "/companies/scroll",
        { query: { scroll_param: scrollParam }, retryUnavailable: false },
      );
      if (page === null || typeof page !== "object") return null;
      const { companies, ...rest } = page;
      return { ...rest, data: page.data ?? companies };
    },
    /** `GET /companies/{id}/contacts`: the contacts attached to a company, page by page. */
    listCompanyContacts: (id: string, page = 1, perPage = 50) =>
      http<CompanyContactList>("GET", `${companyPath(id)}/contacts`, {
        query: { page, per_page: perPage },
      }),
    /**
     * `GET /contacts/{id}/companies`: the companies (full, not references) a contact is attached
     * to. The description's schema (`contact_attached_companies`) and intercom-client 7.0.3 name
     * the list `companies`, while the description's own example names it `data`: either is read.
     */
    listContactCompanies: async (contactId: string): Promise<IntercomCompany[]> => {
      const answer = await http<{ companies?: IntercomCompany[]; data?: IntercomCompany[] }>(
        "GET",
        contactCompanies(contactId),
      );
      return answer.companies ?? answer.data ?? [];
    },
    /** `POST /contacts/{id}/companies` with `{id}`: attaches a contact to a company. */
    attachContact: (contactId: string, companyId: string) =>
      http<IntercomCompany>("POST", contactCompanies(contactId), { body: { id: companyId } }),
    /** `DELETE /contacts/{id}/companies/{company_id}`: detaches it. */
    detachContact: (contactId: string, companyId: string) =>
      http<IntercomCompany>(
        "DELETE",
        `${contactCompanies(contactId)}/${encodeURIComponent(companyId)}`,
      ),
    /** `POST /tags {name, companies: [{id}]}`: tags companies (creating the tag by name). */
    tagCompanies: (name: string, companyIds: string[]) =>
      http<IntercomTag>("POST", "/tags", {
        body: { name, companies: companyIds.map((id) => ({ id })) },
      }),
    /** `POST /tags {name, companies: [{id, untag: true}]}`: takes the tag off companies. */
    untagCompanies: (name: string, companyIds: string[]) =>
      http<IntercomTag>("POST", "/tags", {
        body: { name, companies: companyIds.map((id) => ({ id, untag: true })) },
      }),
    /** `GET /data_attributes?model=company`: standard and custom company attributes. */
    listCompanyDataAttributes: async () =>
      (
        await http<{ data: DataAttribute[] }>("GET", "/data_attributes", {
          query: { model: "company" },
        })
      ).data,
    /** `POST /data_attributes` with `model: "company"`. */
    createCompanyDataAttribute: (attribute: {
      name: string;
      data_type: string;
      description?: string;
    }) =>
      http<DataAttribute>("POST", "/data_attributes", {
        body: { ...attribute, model: "company" },
      }),
  };
}

export type CompaniesApi = ReturnType<typeof createCompaniesApi>;
