import type { Router } from "@koa/router";
import { unixSeconds } from "../clock.js";
import { parameterInvalid } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";
import { companyItemForTopic } from "../webhooks/company-items.js";
import { itemForTopic } from "../webhooks/topic-items.js";

/** /_sandbox/webhooks*: send chosen notifications now, and list what was delivered. */
export function addWebhookControlRoutes(router: Router, state: SandboxState): void {
  router.post("/_sandbox/webhooks", async (ctx) => {
    const body = ctx.state.body as Record<string, unknown> | undefined;
    if (typeof body !== "object" || body === null)
      throw parameterInvalid("body must be a JSON object");
    const { topic, contact_id: contactId, tag_id: tagId, message, legacy } = body;
    if (typeof topic !== "string") throw parameterInvalid("topic is required");
    if (body.company_id !== undefined) {
      if (typeof body.company_id !== "string")
        throw parameterInvalid("company_id must be a string");
      if (legacy !== undefined && typeof legacy !== "boolean")
        throw parameterInvalid("legacy must be a boolean");
      const contact = typeof contactId === "string" ? contactId : undefined;
      ctx.body = await state.notify(
        topic,
        companyItemForTopic(state.workspace, topic, body.company_id, contact, legacy === true),
      );
      return;
    }
    if (typeof contactId !== "string") throw parameterInvalid("contact_id is required");
    if (tagId !== undefined && typeof tagId !== "string")
      throw parameterInvalid("tag_id must be a string");
    if (message !== undefined && typeof message !== "string")
      throw parameterInvalid("message must be a string");
    if (legacy !== undefined && typeof legacy !== "boolean")
      throw parameterInvalid("legacy must be a boolean");
    const ws = state.workspace;
    const record = ws.getContactIncludingArchived(contactId);
    const tag = tagId ? ws.tags.get(tagId) : record.tags[0] && ws.tags.get(record.tags[0].id);
    if (tagId && !tag) throw parameterInvalid(`no tag with id ${tagId}`);
    const item = itemForTopic(ws, {
      topic,
      record,
      tag,
      message: message ?? "Hello from the sandbox",
      legacy: legacy ?? false,
      region: state.options.region,
      now: unixSeconds(state.now()),
    });
    ctx.body = await state.notify(topic, item);
  });

  router.post("/_sandbox/webhooks/raw", async (ctx) => {
    const body = ctx.state.body;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw parameterInvalid("body must be a JSON envelope object");
    if (!state.sender.currentUrl()) throw parameterInvalid("no webhook URL is set");
    ctx.body = { status: await state.sender.sendRaw(body as Record<string, unknown>) };
  });

  router.post("/_sandbox/webhooks/ping", async (ctx) => {
    ctx.body = await state.notify("ping", {
      type: "ping",
      message: "something something interzen",
    });
  });

  router.get("/_sandbox/webhooks", (ctx) => {
    ctx.body = {
      url: state.sender.currentUrl() ?? null,
      head_status: state.sender.headStatus ?? null,
      deliveries: state.sender.deliveries,
    };
  });
}
