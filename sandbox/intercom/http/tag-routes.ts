import type { Router } from "@koa/router";
import { notFound, parameterInvalid } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";
import { sandboxAdmin } from "../webhooks/conversation-items.js";

const appliedBy = { type: "admin", id: sandboxAdmin.id };

/**
 * Tags (intercom-api.md §1.4): create-or-find by case-insensitive name, tag/untag contacts by id,
 * and tag many contacts at once (`POST /tags {name, users:[{id}]}`, tag_multiple_users_request in
 * the official description). The description documents no `untag` for users (only for
 * companies), so `users:[{id, untag:true}]` is refused here as an unknown parameter.
 */
export function addTagRoutes(router: Router, state: SandboxState): void {
  const ws = () => state.workspace;

  router.get("/tags", (ctx) => {
    ctx.body = {
      type: "list",
      data: ws()
        .tags.list()
        .map((tag) => ({ type: "tag", id: tag.id, name: tag.name })),
    };
  });

  // GET /tags/{tag_id} answers the tag_basic shape, or 404 "Resource Not Found" (official
  // description, operation findTag).
  router.get("/tags/:tag_id", (ctx) => {
    const tag = ws().tags.get(ctx.params.tag_id);
    if (!tag) throw notFound("Resource");
    ctx.body = { type: "tag", id: tag.id, name: tag.name };
  });

  router.post("/tags", (ctx) => {
    const body = ctx.state.body as Record<string, unknown> | undefined;
    if (
      typeof body !== "object" ||
      body === null ||
      typeof body.name !== "string" ||
      body.name.trim() === ""
    ) {
      throw parameterInvalid("invalid tag parameters");
    }
    // {name, companies: [{id | company_id, untag?}]} tags or untags companies (§1.4).
    if (body.companies !== undefined) {
      const extraKeys = Object.keys(body).filter((key) => key !== "name" && key !== "companies");
      if (extraKeys.length > 0)
        throw parameterInvalid(`invalid tag parameters: ${extraKeys.join(", ")} with companies`);
      const tag = ws().companies.tagCompanies(body.name.trim(), body.companies);
      ctx.body = { type: "tag", id: tag.id, name: tag.name };
      return;
    }
    if (body.users !== undefined) {
      // Tag Users Request Payload: {name, users: [{id}]}; `id` is Intercom's contact id.
      const users = body.users;
      const extraKeys = Object.keys(body).filter((key) => key !== "name" && key !== "users");
      if (
        extraKeys.length > 0 ||
        !Array.isArray(users) ||
        users.length === 0 ||
        !users.every(
          (user) =>
            typeof user === "object" &&
            user !== null &&
            typeof (user as { id?: unknown }).id === "string" &&
            Object.keys(user).length === 1,
        )
      ) {
        throw parameterInvalid("invalid tag parameters");
      }
      const ids = (users as { id: string }[]).map((user) => user.id);
      const tag = ws().tagUsers(body.name.trim(), ids);
      ctx.body = { type: "tag", id: tag.id, name: tag.name };
      return;
    }
    const extra = Object.keys(body).filter((key) => key !== "name" && key !== "id");
    if (extra.length > 0)
      throw parameterInvalid(
        `invalid tag parameters: ${extra.join(", ")} not supported by the sandbox`,
      );
    const name = body.name.trim();
    if (body.id !== undefined) {
      if (typeof body.id !== "string") throw parameterInvalid("invalid tag parameters");
      const other = ws().tags.findByName(name);
      if (other && other.id !== body.id)
        throw parameterInvalid(`A tag named '${other.name}' already exists`);
      const tag = ws().tags.rename(body.id, name);
      if (!tag) throw notFound("Resource");
      ctx.body = { type: "tag", id: tag.id, name: tag.name };
      return;
    }
    const { tag } = ws().tags.upsert(name);
    ctx.body = { type: "tag", id: tag.id, name: tag.name };
  });

  router.get("/contacts/:id/tags", (ctx) => {
    const record = ws().getContact(ctx.params.id);
    ctx.body = {
      type: "list",
      data: record.tags.map((applied) => ({
        type: "tag",
        id: applied.id,
        name: ws().tags.get(applied.id)?.name ?? "",
        applied_at: applied.applied_at,
        applied_by: appliedBy,
      })),
    };
  });

  router.post("/contacts/:id/tags", (ctx) => {
    const { tag, appliedAt } = ws().tagContact(ctx.params.id, ctx.state.body);
    ctx.body = {
      type: "tag",
      id: tag.id,
      name: tag.name,
      applied_at: appliedAt,
      applied_by: appliedBy,
    };
  });

  router.delete("/contacts/:id/tags/:tag_id", (ctx) => {
    const tag = ws().untagContact(ctx.params.id, ctx.params.tag_id);
    ctx.body = { type: "tag", id: tag.id, name: tag.name };
  });
}
