import Koa from "koa";
import type { AppDeps } from "./http/deps";
import { accountRoutes } from "./http/accounts";
import { adminRoutes } from "./http/admin";
import { assetRoutes } from "./http/assets";
import { BadRequestError } from "./errors";
import { handleErrors } from "./http/errors-middleware";
import { healthRoutes } from "./http/health";
import { countRequests, metricsRoutes } from "./http/metrics";
import { hullBatchRoutes } from "./http/hull-batch";
import { hullNotifyRoutes } from "./http/hull-notify";
import { oauthRoutes } from "./http/oauth";
import { segmentMembersRoutes } from "./http/segment-members";
import { shipSettingsRoutes } from "./http/ship-settings";
import { statusRoutes } from "./http/status";
import { fetchRoutes } from "./http/fetch-triggers";
import { intercomWebhookRoutes } from "./http/intercom-webhook";
import { createNotificationReceiver } from "./incoming/webhook/receive-notification";
import { createStoreGauges } from "./metrics";

export type { AppDeps };

/** The composition root of the HTTP surfaces: thin routes over flows built from `deps`. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  app.use(countRequests);
  app.use(handleErrors(deps.logger));
  app.use(async (ctx, next) => {
    ctx.set("x-content-type-options", "nosniff");
    await next();
  });
  for (const router of [
    // First: Intercom's notifications are most of the traffic, and each router before a route is
    // a match every request pays for. Routers own distinct paths, so their order changes no answer.
    intercomWebhookRoutes({ ...deps, receiver: createNotificationReceiver(deps) }),
    healthRoutes(Date.now(), deps.redisAnswering),
    metricsRoutes(
      createStoreGauges({
        outboxRecords: () => deps.outbox.size(),
        deadLetters: () => deps.deadLetters.count(),
      }),
    ),
    assetRoutes(deps),
    shipSettingsRoutes(deps),
    oauthRoutes(deps),
    adminRoutes(deps),
    accountRoutes(deps),
    segmentMembersRoutes(deps),
    statusRoutes(deps),
    fetchRoutes(deps, deps.jobs),
    hullNotifyRoutes(deps),
    hullBatchRoutes(deps),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use((ctx) => {
    throw new BadRequestError(`Nothing at ${ctx.method} ${ctx.path}`, 404);
  });
  return app;
}
