import Router from "@koa/router";
import { intercomApiFor } from "../connection/intercom-api-for";
import { hullState, requireHull } from "./hull-auth";
import type { AppDeps } from "./deps";
import { hullAttributeOptions } from "../admin/settings-view";
import { readSettings } from "../settings";
import { buildCompanyCatalogue } from "../accounts/mapping/company-catalogue";

/**
 * The account settings' sources: Intercom's company attributes (`GET /data_attributes?model=company`,
 * for the dashboard and for Hull's own settings selects, manifest `loadOptions`), Hull's account
 * segments and account attributes. Answers `known: false` before Intercom is connected.
 */
export function accountRoutes(deps: AppDeps): Router {
  const router = new Router();
  const auth = requireHull(deps.hullAuth, deps.tokens);
  const companyCatalogue = async (credentials: ReturnType<typeof hullState>["credentials"]) => {
    const settings = readSettings(await deps.hullClient(credentials).getConnector());
    const api = intercomApiFor(deps.intercom, settings);
    return api ? buildCompanyCatalogue(await api.listCompanyDataAttributes()) : undefined;
  };

  router.get("/admin/api/company-attributes", auth, async (ctx) => {
    const options = await companyCatalogue(hullState(ctx).credentials);
    ctx.set("cache-control", "no-store");
    ctx.body = { known: options !== undefined && options.length > 0, options: options ?? [] };
  });

  router.get("/admin/api/account-options", auth, async (ctx) => {
    const hull = deps.hullClient(hullState(ctx).credentials);
    const [segments, tree] = await Promise.all([
      hull.getAccountSegments?.() ?? [],
      hull.getAccountAttributeTree?.() ?? [],
    ]);
    ctx.set("cache-control", "no-store");
    ctx.body = {
      account_segments: segments.map(({ id, name }) => ({ id, name })),
      hull_account_attributes: hullAttributeOptions(tree),
    };
  });

  // Hull's own settings UI calls this for the company attribute selects (manifest loadOptions).
  router.get("/schema/company_fields", auth, async (ctx) => {
    const options = (await companyCatalogue(hullState(ctx).credentials)) ?? [];
    ctx.set("access-control-allow-origin", "*");
    ctx.body = {
      options: options.map(({ value, label, writable }) => ({
        value,
        label: writable ? label : `${label} (read-only)`,
      })),
    };
  });
  return router;
}
