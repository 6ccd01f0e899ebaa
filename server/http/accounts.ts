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

  // The account fields of the Settings tab: Hull's account segments and account attributes, and
  // Intercom's company attributes (known: false until Intercom is connected and answers).
  router.get("/admin/api/account-sources", auth, async (ctx) => {
    const credentials = hullState(ctx).credentials;
    const hull = deps.hullClient(credentials);
    const [segments, tree, companies] = await Promise.all([
      hull.getAccountSegments?.() ?? [],
      hull.getAccountAttributeTree?.() ?? [],
      companyCatalogue(credentials).catch((error: unknown) => {
        deps.logger.warn({ err: error }, "company attributes not read from Intercom");
        return undefined;
      }),
    ]);
    ctx.set("cache-control", "no-store");
    ctx.body = {
      account_segments: segments.map(({ id, name }) => ({ id, name })),
      hull_account_attributes: hullAttributeOptions(tree),
      company_attributes: {
        known: companies !== undefined && companies.length > 0,
        options: companies ?? [],
      },
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
