import Router from "@koa/router";
import { BadRequestError, UnauthorizedError } from "../errors";
import type { NotificationReceiver } from "../incoming/webhook/receive-notification";
import { parseNotification } from "../incoming/webhook/parse-notification";
import { verifySignature } from "../incoming/webhook/verify-signature";
import type { Logger } from "../log";
import { metrics } from "../metrics";
import { parseJsonBody, readRawBody } from "./body";

/**
 * Intercom sends every workspace's notifications to this one URL. Verify the raw bytes, then parse,
 * then route; answer 2xx to anything well-signed we do not handle (a 4xx makes Intercom throttle
 * the
 * whole app, a 410 disables the subscription), and 503 when Hull has not accepted the data yet.
 * Errors are thrown to `http/errors-middleware.ts` (docs/error-handling.md), never answered here.
 */
export function intercomWebhookRoutes(deps: {
  intercomClientSecret: string;
  receiver: NotificationReceiver;
  logger: Logger;
}): Router {
  const router = new Router();
  router.head("/intercom", (ctx) => {
    ctx.status = 200;
  });
  router.post("/intercom", async (ctx) => {
    const raw = await readRawBody(ctx, "1mb");
    if (!verifySignature(raw, ctx.get("x-hub-signature") || undefined, deps.intercomClientSecret)) {
      metrics.webhooks.inc({ outcome: "bad_signature" });
      throw new UnauthorizedError("Missing or invalid X-Hub-Signature");
    }
    const parsed = parseNotification(await parseJsonBody(raw));
    if ("problem" in parsed) {
      metrics.webhooks.inc({ outcome: "malformed" });
      throw new BadRequestError(parsed.problem);
    }
    const { notification } = parsed;
    const { outcome, detail } = await deps.receiver.receive(notification);
    metrics.webhooks.inc({ outcome });
    // Debug, not info: one line per notification is the largest log cost of a busy workspace,
    // and the metrics above and the activity log already count and explain each outcome. The
    // request line of a success is debug too (`routine`, http/errors-middleware.ts).
    ctx.state.routine = true;
    deps.logger.debug(
      {
        topic: notification.topic,
        workspace: notification.app_id,
        notification: notification.id,
        outcome,
      },
      "intercom notification",
    );
    ctx.status = 200;
    // The type Koa gives a JSON body, set as it is: Koa would look it up by name for each answer.
    ctx.set("Content-Type", "application/json; charset=utf-8");
    ctx.body = { outcome, ...(detail ? { detail } : {}) };
  });
  return router;
}
