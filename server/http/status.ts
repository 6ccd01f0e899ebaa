import Router, { type RouterMiddleware } from "@koa/router";
import { checkStatus } from "../status/check-status";
import type { AppDeps } from "./deps";
import { hullState, requireHull } from "./hull-auth";

/** Hull calls /status on the manifest's schedule; the answer is also PUT to Hull. */
export function statusRoutes(deps: AppDeps): Router {
  const router = new Router();
  const handler: RouterMiddleware = async (ctx) => {
    const { credentials, connector } = hullState(ctx);
    ctx.body = await checkStatus(deps, credentials, connector);
  };
  router.get("/status", requireHull(deps.hullAuth, deps.tokens), handler);
  router.post("/status", requireHull(deps.hullAuth, deps.tokens), handler);
  return router;
}
