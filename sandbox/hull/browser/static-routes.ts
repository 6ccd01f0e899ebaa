import Router from "@koa/router";
import type { Context } from "koa";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HullPlatform } from "../hull-platform.js";

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), "..", "public");

/** Placeholders the HTML pages carry, filled per request so that ports can change. */
function fill(html: string, platform: HullPlatform): string {
  return html
    .replaceAll("{{PLATFORM_ID}}", platform.platformId)
    .replaceAll("{{ORG_URL}}", platform.baseUrl)
    .replaceAll("{{ORGANIZATION}}", platform.connector.organization);
}

/** Serves the Hull.js stand-in, the demo website and the inspector. */
export function staticRoutes(platform: HullPlatform): Router {
  // strict: "/demo" redirects to "/demo/" so that relative links resolve, and must not match it.
  const router = new Router({ strict: true });
  const page = (file: string) => async (ctx: Context) => {
    ctx.type = "text/html; charset=utf-8";
    ctx.set("Cache-Control", "no-store");
    ctx.body = fill(await readFile(join(PUBLIC, file), "utf8"), platform);
  };
  const asset = (file: string, type: string) => async (ctx: Context) => {
    ctx.type = type;
    ctx.set("Cache-Control", "no-store");
    ctx.set("Access-Control-Allow-Origin", "*");
    ctx.body = await readFile(join(PUBLIC, file), "utf8");
  };
  router.get("/js/hull.js", asset("hull.js", "application/javascript; charset=utf-8"));
  router.get("/demo", (ctx) => ctx.redirect("/demo/"));
  router.get("/demo/", page("demo.html"));
  router.get("/inspector", (ctx) => ctx.redirect("/inspector/"));
  router.get("/inspector/", page("inspector.html"));
  router.get(
    "/inspector/inspector.js",
    asset("inspector.js", "application/javascript; charset=utf-8"),
  );
  router.get("/", (ctx) => ctx.redirect("/demo/"));
  return router;
}
