import type { Router } from "@koa/router";
import { notFound, parameterInvalid } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";
import { sandboxAdmin } from "../webhooks/conversation-items.js";

/** /me, /events and /data_attributes. */
export function addMiscRoutes(router: Router, state: SandboxState): void {
  const ws = () => state.workspace;

  router.get("/me", (ctx) => {
    ctx.body = {
      type: "admin",
      id: sandboxAdmin.id,
      email: sandboxAdmin.email,
      name: sandboxAdmin.name,
      email_verified: true,
      app: {
        type: "app",
        id_code: state.options.appId,
        name: "Sandbox Workspace",
        created_at: 1_734_537_243,
        secure: false,
        identity_verification: false,
        timezone: state.timezone,
        region: state.options.region,
      },
      avatar: {
        type: "avatar",
        image_url: "https://static.intercomassets.com/assets/default-avatars/admins/128.png",
      },
      has_inbox_seat: true,
    };
  });

  router.post("/events", (ctx) => {
    ws().trackEvent(ctx.state.body);
    ctx.body = null; // 202 with an empty body (intercom-api.md §1.3)
    ctx.status = 202;
  });

  router.get("/data_attributes", (ctx) => {
    const model = ctx.query.model ?? "contact";
    if (model !== "contact" && model !== "company" && model !== "conversation") {
      throw parameterInvalid("model must be contact, company or conversation");
    }
    const includeArchived = ctx.query.include_archived === "true";
    ctx.body = {
      type: "list",
      data: model === "conversation" ? [] : ws().attributes.listViews(model, includeArchived),
    };
  });

  router.post("/data_attributes", (ctx) => {
    const body = ctx.state.body;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw parameterInvalid("Request body must be a JSON object");
    const attribute = ws().attributes.create(body as Record<string, unknown>);
    ctx.body = ws().attributes.view(attribute);
  });

  router.put("/data_attributes/:id", (ctx) => {
    const body = ctx.state.body;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw parameterInvalid("Request body must be a JSON object");
    const id = Number(ctx.params.id);
    const attribute = Number.isInteger(id)
      ? ws().attributes.update(id, body as Record<string, unknown>)
      : undefined;
    if (!attribute) throw notFound("Resource");
    ctx.body = ws().attributes.view(attribute);
  });
}
