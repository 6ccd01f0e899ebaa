import Router from "@koa/router";
import { BadRequestError } from "../errors";
import { websiteSettings } from "../settings";
import type { AppDeps } from "./deps";

const HULL_ID = /^[0-9a-f]{24}$/i;

/**
 * `GET /ship/settings?ship=<connector id>`: what ship.js needs to boot the Messenger (the
 * workspace's app id and region, the Messenger options), read from the connector's
 * private_settings (docs/adr/007). Public and cross-origin, since the website calls it; it answers
 * only for connectors connected through this service (found in the registry, so a made-up id
 * costs no call to Hull), and never carries a token.
 * Errors are thrown to `http/errors-middleware.ts` (docs/error-handling.md), never answered here.
 */
export function shipSettingsRoutes(deps: Pick<AppDeps, "registry" | "hullAuth">): Router {
  const router = new Router();
  router.get("/ship/settings", async (ctx) => {
    ctx.set("access-control-allow-origin", "*");
    const id = typeof ctx.query.ship === "string" ? ctx.query.ship : "";
    if (!HULL_ID.test(id)) throw new BadRequestError("ship must be a Hull connector id");
    const credentials = await deps.registry.findConnector(id);
    // The connector object is cached by the authenticator and dropped on ship:update.
    const settings = credentials && websiteSettings(await deps.hullAuth.authenticate(credentials));
    if (!settings)
      throw new BadRequestError("This connector is not connected to an Intercom workspace", 404);
    ctx.set("cache-control", "public, max-age=60");
    ctx.body = settings;
  });
  return router;
}
