import Koa from "koa";
import { Router } from "@koa/router";
import type { Context, Next } from "koa";
import { notFound } from "./errors.js";
import type { SandboxState } from "./sandbox-state.js";
import { authenticate } from "./http/authenticate.js";
import { checkVersion } from "./http/check-version.js";
import { addCompanyControlRoutes, addCompanyRoutes } from "./http/company-routes.js";
import { addContactRoutes } from "./http/contact-routes.js";
import { addControlRoutes } from "./http/control-routes.js";
import { handleErrors } from "./http/handle-errors.js";
import { injectFaults } from "./http/inject-faults.js";
import { limitRate } from "./http/limit-rate.js";
import { addMiscRoutes } from "./http/misc-routes.js";
import { addOAuthRoutes, addUninstallRoute } from "./http/oauth-routes.js";
import { parseBody } from "./http/parse-body.js";
import { recordRequests } from "./http/record-requests.js";
import { addTagRoutes } from "./http/tag-routes.js";
import { workspacePage } from "./http/workspace-page.js";
import { addWebhookControlRoutes } from "./http/webhook-control-routes.js";
import { addMessengerControlRoutes, addMessengerRoutes } from "./messenger/messenger-routes.js";

const isControl = (ctx: Context) => ctx.path.startsWith("/_sandbox/");

/**
 * Composes the stand-in: /_sandbox control (no auth, not logged), the OAuth pages, then the
 * REST API behind Bearer auth, the rate limiter and the fault injector.
 */
export function createIntercomApp(state: SandboxState): Koa {
  const app = new Koa();
  app.silent = true;
  const control = new Router();
  addControlRoutes(control, state);
  addWebhookControlRoutes(control, state);
  addCompanyControlRoutes(control, state);
  addMessengerControlRoutes(control, state);
  const oauth = new Router();
  addOAuthRoutes(oauth, state);
  // The Messenger widget and its endpoint are public, like the OAuth pages.
  addMessengerRoutes(oauth, state);
  // The root page: the workspace as a person sees it in Intercom (no auth, like /_sandbox).
  oauth.get("/", (ctx) => {
    ctx.type = "text/html; charset=utf-8";
    ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Cache-Control", "no-store");
    ctx.body = workspacePage(state.workspace);
  });
  const rest = new Router();
  addMiscRoutes(rest, state);
  addContactRoutes(rest, state);
  addTagRoutes(rest, state);
  addCompanyRoutes(rest, state);
  addUninstallRoute(rest, state);

  const log = recordRequests(state);
  app.use((ctx, next) => (isControl(ctx) ? next() : log(ctx, next)));
  app.use(handleErrors);
  app.use(parseBody);
  app.use(control.routes());
  app.use(async (ctx: Context, next: Next) => {
    if (isControl(ctx)) throw notFound("Resource");
    await next();
  });
  app.use(oauth.routes());
  app.use(authenticate(state));
  app.use(limitRate(state));
  app.use(checkVersion);
  app.use(injectFaults(state));
  app.use(rest.routes());
  app.use(() => {
    // Unknown routes and unsupported methods are 404 at Intercom (intercom-api.md §2.2).
    throw notFound("Resource");
  });
  return app;
}
