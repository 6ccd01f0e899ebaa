import Router from "@koa/router";
import type { Context } from "koa";
import jwt from "jsonwebtoken";
import { readRawBody } from "../../shared/body.js";
import { HullApiError, isRecord } from "../errors.js";
import { readObjectBody } from "../http-errors.js";
import type { HullPlatform } from "../hull-platform.js";
import { deliverExtract } from "../extract-delivery.js";
import { buildAccountAttributeTree } from "./account-attribute-tree.js";
import { fromSearchQuery } from "../store/segment-query.js";
import { segmentMatches } from "../store/segment-matches.js";
import { buildAttributeTree } from "./attribute-tree.js";
import { buildEventSchema } from "./event-schema.js";
import { authenticateConnector } from "./authenticate.js";

const STATUSES = ["ok", "warning", "error", "setupRequired"];

/** The organization API a connector calls with its credentials (hull-platform.md §2.2, §2.6). */
export function orgApiRoutes(platform: HullPlatform, extractTimeoutMs: number): Router {
  const router = new Router({ prefix: "/api/v1" });
  const auth = (ctx: Context, id?: string) => authenticateConnector(ctx, platform.connector, id);

  // A whole Hull outage, set through POST /_sandbox/faults {api_status}: every organization API
  // call answers that status until cleared (the firehose has its own fault). A sandbox control
  // with no Hull counterpart: it stands for Hull failing or unreachable as a whole.
  // Hull hanging rather than refusing, set through POST /_sandbox/faults {api_hang: true}: every
  // organization API call waits, unanswered, until the hang is cleared, then is answered as usual
  // (or with api_status). A call whose caller gave up meanwhile (its own timeout) is dropped, not
  // carried out. A sandbox control with no Hull counterpart: it stands for a Hull that accepts
  // connections and does not answer, which only the caller's own timeout ends.
  router.use(async (ctx, next) => {
    if (platform.apiHanging) {
      const response = ctx.res;
      const closed = new Promise<void>((resolve) => {
        if (response.destroyed) resolve();
        else response.once("close", () => resolve());
      });
      if ((await platform.heldWhileHanging(closed)) === "gone") {
        ctx.respond = false;
        return;
      }
    }
    if (platform.apiFaultStatus !== undefined)
      throw new HullApiError(platform.apiFaultStatus, "Hull is unavailable (sandbox fault)");
    await next();
  });

  // hull's SmartNotifierValidator (lib/utils/smart-notifier-validator.js) POSTs the raw signature
  // JWT as the whole body; the key is given only for a signature this platform made.
  router.post("/smart_notifier/public_key", async (ctx) => {
    const signature = (await readRawBody(ctx, "64kb")).toString("utf8").trim();
    if (!isOwnSignature(signature, platform.keys.publicKeyPem)) {
      throw new HullApiError(400, "the body must be a smart-notifier signature (the raw JWT)");
    }
    ctx.type = "text/plain";
    ctx.body = platform.keys.publicKeyPem;
  });

  router.get("/users_segments", (ctx) => {
    auth(ctx);
    ctx.body = platform.segmentObjects();
  });

  router.get("/accounts_segments", (ctx) => {
    auth(ctx);
    ctx.body = platform.accountSegmentObjects();
  });

  router.get("/search/account_reports/bootstrap", (ctx) => {
    auth(ctx);
    ctx.body = { tree: buildAccountAttributeTree(platform.accounts.list()) };
  });

  // The account counterpart of user_reports (hull-platform.md §2.6 names object_type
  // "account_report"): JSON lines of account reports, then POST url {url, format, object_type}.
  router.post("/extract/account_reports", async (ctx) => {
    auth(ctx);
    const request = parseExtractRequest(await readObjectBody(ctx));
    const accounts = platform.accountsMatching(request.conditions);
    const fileUrl = platform.createAccountExtract(accounts, request.fields);
    const ids = accounts.map((account) => account.id);
    void deliverExtract(
      request.url,
      fileUrl,
      ids,
      platform.sender.log,
      extractTimeoutMs,
      "account",
    );
    ctx.status = 202;
    ctx.body = { status: "queued", accounts: accounts.length };
  });

  router.get("/search/user_reports/bootstrap", (ctx) => {
    auth(ctx);
    ctx.body = { tree: buildAttributeTree(platform.users.list()) };
  });

  // The events schema the `hull` framework reads (EVENTS_ROUTE in hull-connectors), from the
  // events this organization has received.
  router.get("/search/event/bootstrap", (ctx) => {
    auth(ctx);
    ctx.body = buildEventSchema(platform.users.list());
  });

  router.post("/extract/user_reports", async (ctx) => {
    auth(ctx);
    if (platform.extractFaultStatus !== undefined)
      throw new HullApiError(platform.extractFaultStatus, "extract requests are unavailable");
    const request = parseExtractRequest(await readObjectBody(ctx));
    const users = platform.users.list().filter((user) => segmentMatches(user, request.conditions));
    const fileUrl = platform.createExtract(users, request.fields);
    const ids = users.map((user) => user.id);
    void deliverExtract(request.url, fileUrl, ids, platform.sender.log, extractTimeoutMs);
    ctx.status = 202;
    ctx.body = { status: "queued", users: users.length };
  });

  // `GET /:id` answers the connector or, as minihull's does (src/router.js), a segment with its
  // query: hull@0.14.2's requestExtract reads a segment this way when it has no query.
  const readConnector = (ctx: Context) => {
    const segment = platform.segmentObjects().find((item) => item.id === ctx.params.id);
    if (segment) {
      auth(ctx);
      ctx.body = segment;
      return;
    }
    auth(ctx, ctx.params.id);
    ctx.body = platform.connectorObject();
  };
  // As minihull's `PUT /:id` (src/router.js): private_settings become the body's, whole (absent =
  // none left), and every other key, public `settings` included, is ignored.
  const updateConnector = async (ctx: Context) => {
    auth(ctx, ctx.params.id);
    const body = await readObjectBody(ctx);
    if (body.private_settings !== undefined && !isRecord(body.private_settings))
      throw new HullApiError(400, "private_settings must be an object");
    replacePrivateSettings(platform, body.private_settings ?? {});
    ctx.body = platform.connectorObject();
    platform.sendShipUpdate();
  };
  router.get("/app", readConnector);
  router.put("/app", updateConnector);
  router.get("/:id", readConnector);
  router.put("/:id", updateConnector);

  router.put("/:id/status", async (ctx) => {
    auth(ctx, ctx.params.id);
    const body = await readObjectBody(ctx);
    if (!STATUSES.includes(body.status as string)) {
      throw new HullApiError(400, `status must be one of ${STATUSES.join(", ")}`);
    }
    const messages = body.messages ?? [];
    if (!Array.isArray(messages) || messages.some((message) => typeof message !== "string")) {
      throw new HullApiError(400, "messages must be an array of strings");
    }
    platform.connector.status = {
      status: body.status as string,
      messages: messages as string[],
      updated_at: new Date().toISOString(),
    };
    ctx.body = platform.connector.status;
  });

  return router;
}

/** True when `body` is exactly a compact JWT that this platform's notifier signed. */
function isOwnSignature(body: string, publicKeyPem: string): boolean {
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(body)) return false;
  try {
    jwt.verify(body, publicKeyPem, { algorithms: ["RS256"], ignoreExpiration: true });
    return true;
  } catch {
    return false;
  }
}

/** Replaces the connector's private_settings with `privateSettings`, as Hull's API does. */
export function replacePrivateSettings(
  platform: HullPlatform,
  privateSettings: Record<string, unknown>,
) {
  platform.connector.privateSettings = structuredClone(privateSettings);
  platform.connector.updatedAt = new Date().toISOString();
}

/**
 * Checks an extract request `{query, format: "json", url, fields}` (hull-platform.md §2.6).
 * @throws HullApiError 400 naming what is wrong
 */
function parseExtractRequest(body: Record<string, unknown>): {
  url: string;
  fields: string[];
  conditions: Record<string, unknown>;
} {
  const format = body.format ?? "json";
  if (format !== "json")
    throw new HullApiError(400, `format ${JSON.stringify(format)} is not supported: use "json"`);
  if (typeof body.url !== "string" || !/^https?:\/\//.test(body.url)) {
    throw new HullApiError(400, "url must be the absolute http(s) URL to notify");
  }
  const fields = body.fields ?? [];
  if (!Array.isArray(fields) || fields.some((field) => typeof field !== "string")) {
    throw new HullApiError(400, "fields must be an array of attribute names");
  }
  const conditions = fromSearchQuery(body.query);
  if (typeof conditions === "string") throw new HullApiError(400, conditions);
  return { url: body.url, fields: fields as string[], conditions };
}
