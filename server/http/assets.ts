import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import Router from "@koa/router";
import { BadRequestError } from "../errors";
import { PATHS } from "../paths";
import type { AppDeps } from "./deps";
import { escapeHtml } from "./pages";

const BUNDLES = ["ship.js", "ship.js.map", "dashboard.js", "dashboard.js.map"];
/** The files manifest.json names (`logo`, `picture`, `readme`), which Hull resolves against our URL. */
const MANIFEST_FILES: Record<string, string> = {
  "logo.png": "image/png",
  "picture.png": "image/png",
  "readme.md": "text/markdown; charset=utf-8",
};
const MANIFEST_FILES_DIR = PATHS.assets;

/**
 * The manifest Hull reads, and the browser bundles, revalidated by ETag so a deploy shows at once.
 * Throws BadRequestError (404) for a bundle that is not built.
 */
export function assetRoutes(deps: Pick<AppDeps, "assetsDir" | "manifest">): Router {
  const router = new Router();
  router.get("/manifest.json", (ctx) => {
    ctx.set("cache-control", "public, max-age=60");
    ctx.set("access-control-allow-origin", "*");
    ctx.body = deps.manifest;
  });
  for (const [name, type] of Object.entries(MANIFEST_FILES)) {
    router.get(`/${name}`, async (ctx) => {
      ctx.set("cache-control", "public, max-age=3600");
      ctx.set("access-control-allow-origin", "*");
      ctx.type = type;
      ctx.body = await readFile(join(MANIFEST_FILES_DIR, name));
    });
  }
  // Hull's framework answers `/` and `/readme` with the connector's readme (hull
  // lib/utils/static-router.js); we show it here rather than send the browser elsewhere.
  for (const path of ["/", "/readme"]) {
    router.get(path, async (ctx) => {
      const readme = await readFile(join(MANIFEST_FILES_DIR, "readme.md"), "utf8");
      ctx.set("cache-control", "public, max-age=3600");
      ctx.type = "text/html; charset=utf-8";
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Intercom connector</title></head><body><pre style="white-space:pre-wrap;font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:32px auto">${escapeHtml(readme)}</pre></body></html>`;
    });
  }
  for (const name of BUNDLES) {
    router.get(`/${name}`, async (ctx) => {
      const file = join(deps.assetsDir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info) throw new BadRequestError(`${name} is not built: run "npm run build"`, 404);
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
