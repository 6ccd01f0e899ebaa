import Koa from "koa";
import type { HullPlatform } from "./hull-platform.js";
import { hullErrors } from "./http-errors.js";
import { orgApiRoutes } from "./org-api/org-api-routes.js";
import { firehoseRoutes } from "./firehose/firehose-route.js";
import { accountControlRoutes } from "./control/account-control-routes.js";
import { controlRoutes } from "./control/control-routes.js";
import { browserApiRoutes } from "./browser/browser-api-routes.js";
import { staticRoutes } from "./browser/static-routes.js";

/** Composes the Hull stand-in's routes over one platform. */
export function createHullApp(platform: HullPlatform, extractTimeoutMs: number): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(hullErrors);
  for (const router of [
    firehoseRoutes(platform),
    controlRoutes(platform, extractTimeoutMs),
    accountControlRoutes(platform, extractTimeoutMs),
    staticRoutes(platform),
    browserApiRoutes(platform),
    orgApiRoutes(platform, extractTimeoutMs),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
