import Router from "@koa/router";

/**
 * `GET /health`: 200 while the process serves requests, with its uptime (s) and, in the scale-out
 * mode (`redisAnswering` given), `redis: "answering"` or `"not answering"` (docs/adr/029). Redis
 * away stays a 200: a health check that restarts processes would not bring Redis back, and the
 * requests that need it are answered 503 on their own.
 */
export function healthRoutes(startedAt = Date.now(), redisAnswering?: () => boolean): Router {
  const router = new Router();
  router.get("/health", (ctx) => {
    ctx.set("cache-control", "no-store");
    ctx.body = {
      ok: true,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      ...(redisAnswering ? { redis: redisAnswering() ? "answering" : "not answering" } : {}),
    };
  });
  return router;
}
