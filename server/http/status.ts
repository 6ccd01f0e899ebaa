import Router, { type RouterMiddleware } from "@koa/router";
import { checkStatus } from "../status/check-status";
import type { AppDeps } from "./deps";
import { hullState, requireHull } from "./hull-auth";

/** Hull calls /status on the manifest's schedule; the answer is also PUT to Hull. */
export function statusRoutes(deps: AppDeps): Router {
  const router = new Router();
  const handler: RouterMiddleware = async (ctx) => {
    const { credentials } = hullState(ctx);
    // Settings change between Hull's calls; the authentication cache may hold an older copy.
    const connector = await deps.hullClient(credentials).getConnector();
    ctx.body = await checkStatus(deps, credentials, connector);
  };
  router.get("/status", requireHull(deps.hullAuth, deps.tokens), handler);
  router.post("/status", requireHull(deps.hullAuth, deps.tokens), handler);
  return router;
}
