import type { Router } from "@koa/router";
import { IntercomError, parameterInvalid } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";
import { parseQuery, resolveDates } from "../store/contact-query.js";
import type { ContactRecord } from "../store/contact-record.js";
import { contactReference } from "../store/contact-view.js";
import { parseSort, searchContacts } from "../store/search-contacts.js";
import { pagesObject, parsePerPage, parseStartingAfter } from "./paging.js";

/** Contacts endpoints of API 2.14 (intercom-api.md §1.1). */
export function addContactRoutes(router: Router, state: SandboxState): void {
  const ws = () => state.workspace;
  const view = (record: ContactRecord) => ws().restContact(record);

  router.post("/contacts", (ctx) => {
    ctx.body = view(ws().createContact(ctx.state.body));
  });

  router.get("/contacts", (ctx) => {
    const perPage = parsePerPage(ctx.query.per_page);
    const { after, page } = parseStartingAfter(ctx.query.starting_after, "list");
    const records: ContactRecord[] = [];
    let nextAfter: number | undefined;
    for (const seq of ws().contacts.seqsAfter(after)) {
      if (records.length === perPage) {
        nextAfter = records[records.length - 1].seq;
        break;
      }
      records.push(ws().contacts.get(seq)!);
    }
    const total = ws().contacts.count();
    ctx.body = {
      type: "list",
      data: records.map(view),
      total_count: total,
      pages: pagesObject(page, perPage, total, nextAfter, "list"),
    };
  });

  router.post("/contacts/search", (ctx) => {
    const body = ctx.state.body as Record<string, unknown> | undefined;
    if (typeof body !== "object" || body === null)
      throw parameterInvalid("Request body must be a JSON object");
    if (body.query === undefined)
      throw new IntercomError(400, "parameter_not_found", "query is required");
    const customType = (name: string) => {
      const type = ws().attributes.active(name)?.data_type;
      return type === "date" ? "date" : type === "integer" || type === "float" ? "integer" : type;
    };
    const query = resolveDates(parseQuery(body.query, customType), state.timezone, customType);
    const pagination = (body.pagination ?? {}) as Record<string, unknown>;
    if (typeof pagination !== "object" || pagination === null)
      throw parameterInvalid("pagination must be an object");
    const perPage = parsePerPage(pagination.per_page);
    const sort = parseSort(body.sort);
    const kind = sort ? `search-sorted` : "search";
    const { after, page, key } = parseStartingAfter(pagination.starting_after, kind);
    const result = searchContacts(ws().contacts, {
      query,
      after,
      afterKey: key,
      perPage,
      sort,
      now: state.now(),
      lagMs: state.searchLagMs,
    });
    ctx.body = {
      type: "list",
      data: result.records.map(view),
      total_count: result.totalCount,
      pages: pagesObject(page, perPage, result.totalCount, result.nextAfter, kind, result.nextKey),
    };
  });

  router.post("/contacts/merge", (ctx) => {
    ctx.body = view(ws().merge(ctx.state.body));
  });

  router.get("/contacts/find_by_external_id/:external_id", (ctx) => {
    ctx.body = view(ws().findByExternalId(ctx.params.external_id));
  });

  router.get("/contacts/:id", (ctx) => {
    ctx.body = view(ws().getContact(ctx.params.id));
  });

  router.put("/contacts/:id", (ctx) => {
    ctx.body = view(ws().updateContact(ctx.params.id, ctx.state.body));
  });

  router.delete("/contacts/:id", (ctx) => {
    ctx.body = { ...contactReference(ws().deleteContact(ctx.params.id)), deleted: true };
  });

  router.post("/contacts/:id/archive", (ctx) => {
    ctx.body = { ...contactReference(ws().setArchived(ctx.params.id, true)), archived: true };
  });

  router.post("/contacts/:id/unarchive", (ctx) => {
    ctx.body = { ...contactReference(ws().setArchived(ctx.params.id, false)), archived: false };
  });
}
