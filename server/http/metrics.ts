import Router from "@koa/router";
import type { Middleware } from "koa";
import { Registry } from "prom-client";
import { metrics, processMetrics } from "../metrics";

/**
 * Counts every answer and its duration by route pattern. Goes outermost, so the status is the
 * one sent, after errors were turned into answers.
 */
export const countRequests: Middleware = async (ctx, next) => {
  const started = performance.now();
  try {
    await next();
  } finally {
    const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    const route = typeof matched === "string" ? matched : "unmatched";
    metrics.httpDuration.observe({ route }, (performance.now() - started) / 1000);
    metrics.httpRequests.inc({ route, method: ctx.method, status: String(ctx.status) });
  }
};

/**
 * `GET /metrics`: the process's figures and this app's store gauges in Prometheus's text format
 * (README, Operations). No connector, user or URL appears in it.
 */
export function metricsRoutes(storeGauges: Registry): Router {
  const router = new Router();
  router.get("/metrics", async (ctx) => {
    const registry = Registry.merge([processMetrics, storeGauges]);
    ctx.set("cache-control", "no-store");
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
