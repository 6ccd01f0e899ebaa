import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import Router from "@koa/router";
import type { AppDeps } from "./deps";

const BUNDLES = ["ship.js", "ship.js.map", "dashboard.js", "dashboard.js.map"];

/** The manifest Hull reads, and the browser bundles, revalidated by ETag so a deploy shows at once. */
export function assetRoutes(deps: Pick<AppDeps, "assetsDir" | "manifest">): Router {
  const router = new Router();
  router.get("/manifest.json", (ctx) => {
    ctx.set("cache-control", "public, max-age=60");
    ctx.set("access-control-allow-origin", "*");
    ctx.body = deps.manifest;
  });
  for (const name of BUNDLES) {
    router.get(`/${name}`, async (ctx) => {
      const file = join(deps.assetsDir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info) {
        ctx.status = 404;
        ctx.body = { error: `${name} is not built: run "npm run build"` };
        return;
      }
      ctx.set("cache-control", "public, max-age=300, must-revalidate");
      ctx.set("access-control-allow-origin", "*");
      ctx.etag = `"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`;
      ctx.lastModified = info.mtime;
      ctx.status = 200;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.type = name.endsWith(".map")
        ? "application/json"
        : "application/javascript; charset=utf-8";
      ctx.body = createReadStream(file);
    });
  }
  return router;
}
