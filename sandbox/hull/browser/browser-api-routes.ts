import Router from "@koa/router";
import type { Context, Next } from "koa";
import { randomUUID } from "node:crypto";
import { HullApiError } from "../errors.js";
import { readObjectBody } from "../http-errors.js";
import type { HullPlatform } from "../hull-platform.js";
import { parseAttributeWrite } from "../store/attribute-operation.js";
import type { UserRecord } from "../store/user-record.js";
import { toUserReport } from "../store/user-report.js";
import { organizationObject, platformObject } from "./platform-config.js";

const OPERATION_ALIASES: Record<string, string> = { increment: "inc", decrement: "dec" };

/** Hull.js may be embedded on any site: its calls are cross-origin. */
async function allowCrossOrigin(ctx: Context, next: Next): Promise<void> {
  ctx.set("Access-Control-Allow-Origin", ctx.get("Origin") || "*");
  ctx.set("Vary", "Origin");
  if (ctx.method === "OPTIONS") {
    ctx.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
    ctx.set(
      "Access-Control-Allow-Headers",
      "Content-Type, Hull-App-Id, Hull-Anonymous-Id, Hull-User-Id",
    );
    ctx.status = 204;
    return;
  }
  await next();
}

/**
 * What Hull.js calls in the visitor's browser (hull-platform.md §1.3): the remote config, `POST
 * /api/v1/t`, `PUT /api/v1/me/traits`, `POST /api/v1/me/alias`, plus a sandbox-only login standing
 * in for Hull's auth. The visitor is named by `Hull-User-Id` or `Hull-Anonymous-Id` headers.
 */
export function browserApiRoutes(platform: HullPlatform): Router {
  const router = new Router({ prefix: "/api/v1" });
  const checkPlatform = (id: string | undefined) => {
    if (!id) throw new HullApiError(401, "Missing Hull-App-Id header (the platform id)");
    if (id !== platform.platformId) throw new HullApiError(404, `Platform ${id} not found`);
  };
  const visitor = (ctx: Context, create = true): UserRecord | undefined => {
    checkPlatform(ctx.get("Hull-App-Id"));
    const userId = ctx.get("Hull-User-Id");
    const known = userId ? platform.users.get(userId) : undefined;
    if (known) return known;
    const anonymousId = ctx.get("Hull-Anonymous-Id");
    if (!anonymousId) throw new HullApiError(400, "Missing Hull-Anonymous-Id header");
    return platform.users.resolve({ anonymous_id: anonymousId }, create);
  };
  const me = (user: UserRecord | undefined) =>
    user && (user.external_id || user.attributes.email) ? toUserReport(user) : null;

  for (const path of [
    "/t",
    "/me",
    "/me/traits",
    "/me/alias",
    "/me/login",
    "/:platformId/remote.json",
  ]) {
    router.all(path, allowCrossOrigin);
  }

  // `me` is the person Hull credits this browser to: by Hull-User-Id or, on a fresh page load
  // (Hull.js knows no user id yet), by the browser's stored anonymous id. Hull.js keeps the
  // person across reloads this way: the browser id persists and Hull resolves it to its user; a
  // logout gives the browser a new id (hull.js), so it is then nobody again.
  router.get("/:platformId/remote.json", (ctx) => {
    checkPlatform(ctx.params.platformId);
    const userId = ctx.get("Hull-User-Id");
    const anonymousId = ctx.get("Hull-Anonymous-Id");
    const user = userId
      ? platform.users.get(userId)
      : anonymousId
        ? platform.users.resolve({ anonymous_id: anonymousId }, false)
        : undefined;
    ctx.body = {
      app: platformObject(platform),
      org: organizationObject(platform),
      me: me(user),
      services: {},
    };
  });

  router.get("/me", (ctx) => {
    ctx.body = me(visitor(ctx, false));
  });

  router.post("/t", async (ctx) => {
    const body = await readObjectBody(ctx);
    if (typeof body.event !== "string" || body.event.trim() === "")
      throw new HullApiError(400, "event is required");
    const properties = body.properties ?? {};
    if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
      throw new HullApiError(400, "properties must be an object");
    }
    const user = visitor(ctx)!;
    const url = typeof body.url === "string" ? body.url : null;
    platform.users.track(user, {
      event: body.event,
      properties: properties as Record<string, unknown>,
      event_id: randomUUID(),
      context: {
        source: "track",
        event_type: "track",
        url,
        referer: typeof body.referer === "string" ? body.referer : null,
        page: url ? { url } : {},
        useragent: ctx.get("User-Agent") || null,
        ip: ctx.ip,
      },
    });
    ctx.body = { ok: true, event: body.event };
  });

  router.put("/me/traits", async (ctx) => {
    const body = await readObjectBody(ctx);
    if (typeof body.name !== "string" || body.name.trim() === "")
      throw new HullApiError(400, "name is required");
    if (["id", "external_id", "anonymous_id", "anonymous_ids"].includes(body.name)) {
      throw new HullApiError(400, `${body.name} is a claim, not an attribute`);
    }
    const operation =
      typeof body.operation === "string"
        ? (Object.hasOwn(OPERATION_ALIASES, body.operation) && OPERATION_ALIASES[body.operation]) ||
          body.operation
        : "set";
    const write = parseAttributeWrite({ operation, value: body.value });
    if (typeof write === "string") throw new HullApiError(400, write);
    const user = visitor(ctx)!;
    platform.users.applyTraits(user, { [body.name]: write });
    ctx.body = {
      name: body.name,
      operation: write.operation,
      value: Object.hasOwn(user.attributes, body.name) ? user.attributes[body.name] : null,
    };
  });

  router.post("/me/alias", async (ctx) => {
    const body = await readObjectBody(ctx);
    if (typeof body.anonymous_id !== "string" || body.anonymous_id.trim() === "") {
      throw new HullApiError(400, "anonymous_id is required");
    }
    const user = visitor(ctx)!;
    try {
      platform.users.alias(user, body.anonymous_id);
    } catch (error) {
      throw new HullApiError(409, (error as Error).message);
    }
    ctx.body = { ok: true, anonymous_id: body.anonymous_id };
  });

  router.post("/me/login", async (ctx) => {
    const body = await readObjectBody(ctx);
    if (typeof body.email !== "string" || !body.email.includes("@"))
      throw new HullApiError(400, "email is required");
    for (const key of ["external_id", "name"]) {
      if (body[key] !== undefined && (typeof body[key] !== "string" || body[key] === "")) {
        throw new HullApiError(400, `${key} must be a non-empty string`);
      }
    }
    checkPlatform(ctx.get("Hull-App-Id"));
    const anonymousId = ctx.get("Hull-Anonymous-Id") || undefined;
    const user = platform.users.resolve({
      email: body.email,
      external_id: body.external_id as string | undefined,
      anonymous_id: anonymousId,
    })!;
    if (typeof body.name === "string")
      platform.users.applyTraits(user, { name: { operation: "set", value: body.name } });
    ctx.body = toUserReport(user);
  });

  return router;
}
