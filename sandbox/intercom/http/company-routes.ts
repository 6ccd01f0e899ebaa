import type { Router } from "@koa/router";
import { IntercomError, parameterInvalid } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";
import type { CompanyRecord } from "../store/company-record.js";
import { MAX_PER_PAGE } from "./paging.js";

/** "How many results to display per page. Defaults to 15" (description, companies lists). */
const COMPANY_PER_PAGE = 15;
/** Page-based company lists stop at 10,000 companies; beyond, Intercom points to scroll (peers.md §5). */
const PAGE_LIMIT = 10_000;

function parsePage(value: unknown, fallback: number, name: string, max = Infinity): number {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw parameterInvalid(
      `${name} must be an integer from 1${max === Infinity ? "" : ` to ${max}`}`,
    );
  return number;
}

/** A page of a page-numbered list; `next` names the next page while more follow (cursor_pages). */
function pageOf<T>(items: T[], page: number, perPage: number) {
  const totalPages = Math.ceil(items.length / perPage);
  return {
    data: items.slice((page - 1) * perPage, page * perPage),
    pages: {
      type: "pages",
      page,
      per_page: perPage,
      total_pages: totalPages,
      next: page < totalPages ? { page: page + 1, per_page: perPage } : null,
    },
    total_count: items.length,
  };
}

/**
 * Companies endpoints of API 2.14 (intercom-api.md §1.5; official description, Companies tag), and
 * the contact ↔ company links. Lists and scroll leave out companies without contacts: "Companies
 * will be only visible in Intercom when there is at least one associated user" and "the API does
 * not include companies who have no associated users in list responses" (description); lookups by
 * id, company_id and name find them.
 */
export function addCompanyRoutes(router: Router, state: SandboxState): void {
  const ws = () => state.workspace;
  const book = () => ws().companies;
  const view = (record: CompanyRecord) => ws().restCompany(record);
  const visible = (records: CompanyRecord[]) =>
    records.filter((record) => book().userCount(record.id) > 0);

  router.post("/companies", (ctx) => {
    ctx.body = view(book().upsert(ctx.state.body).record);
  });

  // GET /companies: by company_id or name (a list of the matches, 404 when none), else all
  // visible companies, optionally by tag_id or segment_id (the stand-in has no company segments).
  router.get("/companies", (ctx) => {
    const { company_id: companyId, name, tag_id: tagId, segment_id: segmentId } = ctx.query;
    for (const [key, value] of Object.entries({ companyId, name, tagId, segmentId }))
      if (Array.isArray(value)) throw parameterInvalid(`${key} must be given once`);
    const perPage = parsePage(ctx.query.per_page, COMPANY_PER_PAGE, "per_page", MAX_PER_PAGE);
    const page = parsePage(ctx.query.page, 1, "page");
    let records: CompanyRecord[];
    if (typeof companyId === "string" || typeof name === "string") {
      records =
        typeof companyId === "string"
          ? [book().findByCompanyId(companyId)].filter((r): r is CompanyRecord => r !== undefined)
          : book().findByName(name as string);
      if (typeof companyId === "string" && typeof name === "string")
        records = records.filter((record) => record.name === name);
      if (records.length === 0)
        throw new IntercomError(404, "company_not_found", "Company Not Found");
    } else {
      records = visible(book().all()).reverse();
      if (typeof tagId === "string")
        records = records.filter((record) => record.tags.some((tag) => tag.id === tagId));
      if (typeof segmentId === "string") records = [];
      assertUnderPageLimit(page, perPage);
    }
    const { data, pages, total_count } = pageOf(records, page, perPage);
    ctx.body = { type: "list", data: data.map(view), pages, total_count };
  });

  // POST /companies/list: page-numbered, newest first by default (`order=asc` oldest first); the
  // stand-in has no sessions, so creation order stands in for last_request_at.
  router.post("/companies/list", (ctx) => {
    const perPage = parsePage(ctx.query.per_page, COMPANY_PER_PAGE, "per_page", MAX_PER_PAGE);
    const page = parsePage(ctx.query.page, 1, "page");
    const order = ctx.query.order ?? "desc";
    if (order !== "asc" && order !== "desc") throw parameterInvalid("order must be asc or desc");
    assertUnderPageLimit(page, perPage);
    const records = visible(book().all());
    if (order === "desc") records.reverse();
    const { data, pages, total_count } = pageOf(records, page, perPage);
    ctx.body = { type: "list", data: data.map(view), pages, total_count };
  });

  router.get("/companies/scroll", (ctx) => {
    const param = ctx.query.scroll_param;
    if (param !== undefined && typeof param !== "string")
      throw parameterInvalid("scroll_param must be given once");
    const next = ws().companyScroll.next(param === "" ? undefined : param, () =>
      visible(book().all()).map((record) => record.seq),
    );
    const records = next.seqs
      .map((seq) => book().bySeq(seq))
      .filter((r): r is CompanyRecord => r !== undefined);
    ctx.body = {
      type: "list",
      data: records.map(view),
      pages: null,
      total_count: null,
      ...(next.param ? { scroll_param: next.param } : {}),
    };
  });

  router.get("/companies/:id", (ctx) => {
    ctx.body = view(book().get(ctx.params.id));
  });

  router.put("/companies/:id", (ctx) => {
    ctx.body = view(book().update(ctx.params.id, ctx.state.body));
  });

  router.delete("/companies/:id", (ctx) => {
    const record = book().delete(ctx.params.id);
    ctx.body = { id: record.id, object: "company", deleted: true };
  });

  router.get("/companies/:id/contacts", (ctx) => {
    const company = book().get(ctx.params.id);
    const perPage = parsePage(ctx.query.per_page, 50, "per_page", MAX_PER_PAGE);
    const page = parsePage(ctx.query.page, 1, "page");
    const contacts = book()
      .contactIdsOf(company.id)
      .map((id) => ws().getContactIncludingArchived(id))
      .filter((record) => !record.archived);
    const { data, pages, total_count } = pageOf(contacts, page, perPage);
    ctx.body = {
      type: "list",
      data: data.map((record) => ws().restContact(record)),
      total_count,
      pages,
    };
  });

  router.get("/companies/:id/segments", (ctx) => {
    book().get(ctx.params.id);
    ctx.body = { type: "list", data: [] };
  });

  router.post("/contacts/:id/companies", (ctx) => {
    ctx.body = view(book().attach(ctx.params.id, ctx.state.body));
  });

  // The schema (contact_attached_companies) and the SDK read `companies`, the description's
  // example shows `data`: the stand-in sends both, the same list (ADR 019).
  router.get("/contacts/:id/companies", (ctx) => {
    const contact = ws().getContact(ctx.params.id);
    const perPage = parsePage(ctx.query.per_page, 50, "per_page", MAX_PER_PAGE);
    const page = parsePage(ctx.query.page, 1, "page");
    const companies = book()
      .idsOf(contact.id)
      .map((id) => book().get(id));
    const { data, pages, total_count } = pageOf(companies, page, perPage);
    const views = data.map(view);
    ctx.body = {
      type: "list",
      data: views,
      companies: views,
      total_count,
      pages: {
        ...pages,
        next: pages.next
          ? `/contacts/${contact.id}/companies?page=${page + 1}&per_page=${perPage}`
          : null,
      },
    };
  });

  router.delete("/contacts/:id/companies/:company_id", (ctx) => {
    ctx.body = view(book().detach(ctx.params.id, ctx.params.company_id));
  });
}

/**
 * `GET /_sandbox/companies`: every company, with or without contacts (REST lists hide the latter),
 * each with the ids of its contacts; for tests and people, no auth.
 */
export function addCompanyControlRoutes(router: Router, state: SandboxState): void {
  router.get("/_sandbox/companies", (ctx) => {
    const ws = state.workspace;
    ctx.body = {
      companies: ws.companies.all().map((record) => ({
        ...ws.restCompany(record),
        contact_ids: ws.companies.contactIdsOf(record.id),
      })),
      total_count: ws.companies.count(),
    };
  });
}

function assertUnderPageLimit(page: number, perPage: number): void {
  if ((page - 1) * perPage >= PAGE_LIMIT) {
    throw parameterInvalid("page limit reached, please use scroll API");
  }
}
