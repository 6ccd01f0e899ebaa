import Router from "@koa/router";

export function healthRoutes(startedAt = Date.now()): Router {
  const router = new Router();
  router.get("/health", (ctx) => {
    ctx.set("cache-control", "no-store");
    ctx.body = { ok: true, uptime_s: Math.round((Date.now() - startedAt) / 1000) };
  });
  return router;
}
