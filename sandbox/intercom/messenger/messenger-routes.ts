import type { Context, Next } from "koa";
import type { Router } from "@koa/router";
import { unixSeconds } from "../clock.js";
import type { SandboxState } from "../sandbox-state.js";
import { conversationItem } from "../webhooks/conversation-items.js";
import {
  parseEmail,
  parseEvent,
  parseMessage,
  parsePing,
  parseVisitorRef,
} from "./messenger-input.js";
import { messengerSessionsOf, type VisitorSession } from "./messenger-sessions.js";
import { widgetScript } from "./widget-script.js";

/** The widget runs on the customer's website: its calls are cross-origin, from any site. */
async function allowCrossOrigin(ctx: Context, next: Next): Promise<void> {
  ctx.set("Access-Control-Allow-Origin", ctx.get("Origin") || "*");
  ctx.set("Vary", "Origin");
  if (ctx.method === "OPTIONS") {
    ctx.set("Access-Control-Allow-Methods", "POST");
    ctx.set("Access-Control-Allow-Headers", "Content-Type");
    ctx.set("Access-Control-Max-Age", "600");
    ctx.status = 204;
    return;
  }
  await next();
}

const answer = (session: VisitorSession) => ({
  type: "visitor",
  visitor_id: session.visitor_id,
  role: session.role,
  contact_id: session.contact_id,
});

/**
 * The Messenger widget stand-in and the endpoint it talks to (Intercom's own widget talks to
 * api-iam.intercom.io/messenger/web/*). Unauthenticated like the real Messenger: the app_id names
 * the workspace.
 */
export function addMessengerRoutes(router: Router, state: SandboxState): void {
  const sessions = () => messengerSessionsOf(state.workspace, () => unixSeconds(state.now()));
  const appId = () => state.workspace.appId;

  router.get("/widget/:app_id", (ctx) => {
    if (ctx.params.app_id !== appId()) {
      ctx.status = 404;
      ctx.type = "text/plain";
      ctx.body = "Not found";
      return;
    }
    ctx.type = "application/javascript";
    ctx.set("Cache-Control", "no-store");
    ctx.body = widgetScript(`${ctx.protocol}://${ctx.host}`, appId());
  });

  router.all("/messenger/web/:command", allowCrossOrigin);
  router.post("/messenger/web/ping", (ctx) => {
    ctx.body = answer(sessions().ping(parsePing(ctx.state.body, appId())));
  });
  router.post("/messenger/web/email", (ctx) => {
    ctx.body = answer(sessions().supplyEmail(parseEmail(ctx.state.body, appId())));
  });
  router.post("/messenger/web/events", (ctx) => {
    const input = parseEvent(ctx.state.body, appId(), unixSeconds(state.now()));
    ctx.body = answer(sessions().trackEvent(input));
  });
  router.post("/messenger/web/conversations", (ctx) => {
    const input = parseMessage(ctx.state.body, appId());
    const { session, contact } = sessions().startConversation(input);
    const item = conversationItem({
      topic: "conversation.user.created",
      record: contact,
      message: input.body,
      appId: appId(),
      region: state.options.region,
      now: unixSeconds(state.now()),
    });
    void state.notify("conversation.user.created", item);
    ctx.body = { ...answer(session), conversation_id: item.id };
  });
  router.post("/messenger/web/shutdown", (ctx) => {
    ctx.body = answer(sessions().shutdown(parseVisitorRef(ctx.state.body, appId())));
  });
}

/** GET /_sandbox/messenger: every visitor session and command, for tests and people. */
export function addMessengerControlRoutes(router: Router, state: SandboxState): void {
  router.get("/_sandbox/messenger", (ctx) => {
    ctx.body = messengerSessionsOf(state.workspace, () => unixSeconds(state.now())).view();
  });
}
