import Router from "@koa/router";
import type { Context } from "koa";
import { readJsonBody } from "../../shared/body.js";
import { HullApiError, isRecord } from "../errors.js";
import { readObjectBody } from "../http-errors.js";
import type { HullPlatform } from "../hull-platform.js";
import { replacePrivateSettings } from "../org-api/org-api-routes.js";
import { parseSeeds } from "./parse-seed.js";
import { toSandboxUserView } from "./sandbox-user-view.js";
import { notifyNow } from "./notify-now.js";

/** The sandbox's own controls under `/_sandbox`: seed, inspect, edit segments, send now. */
export function controlRoutes(platform: HullPlatform, extractTimeoutMs: number): Router {
  const router = new Router({ prefix: "/_sandbox" });

  // Firehose outages and slowness: {status?, delay_ms?, count?}; a record Hull refuses:
  // {refuse_claims: {email: "x@y.z"}} (entries for that user make their batch a 400); the extract
  // request API failing: {extract_status: 503}; every organization API call failing (an outage):
  // {api_status: 503}; every organization API call held unanswered until cleared (Hull hanging, a
  // sandbox control with no Hull counterpart): {api_hang: true}; extract files failing to download
  // for a while: {extract_download: {status: 503, count: 2}}; {} clears (and releases held calls).
  router.post("/faults", async (ctx) => {
    const body = await readObjectBody(ctx);
    const hang = body.api_hang;
    if (hang !== undefined && typeof hang !== "boolean")
      throw new HullApiError(400, "api_hang must be true or false");
    const download = body.extract_download;
    if (
      download !== undefined &&
      !(
        isRecord(download) &&
        typeof download.status === "number" &&
        download.status >= 400 &&
        download.status <= 599 &&
        typeof download.count === "number" &&
        download.count >= 1
      )
    )
      throw new HullApiError(
        400,
        "extract_download must be {status: 400-599, count: a positive number}",
      );
    platform.extractDownloadFault = download && {
      status: download.status as number,
      remaining: download.count as number,
    };
    const { status, delay_ms: delayMs, count, refuse_claims: refuse } = body;
    const extractStatus = body.extract_status;
    if (
      extractStatus !== undefined &&
      (typeof extractStatus !== "number" || extractStatus < 400 || extractStatus > 599)
    )
      throw new HullApiError(400, "extract_status must be a number between 400 and 599");
    platform.extractFaultStatus = extractStatus as number | undefined;
    const apiStatus = body.api_status;
    if (
      apiStatus !== undefined &&
      (typeof apiStatus !== "number" || apiStatus < 500 || apiStatus > 599)
    )
      throw new HullApiError(400, "api_status must be a number between 500 and 599");
    platform.apiFaultStatus = apiStatus as number | undefined;
    if (
      refuse !== undefined &&
      (!isRecord(refuse) || !Object.values(refuse).every((value) => typeof value === "string"))
    )
      throw new HullApiError(400, "refuse_claims must be an object of claim: string value");
    platform.refusedClaims = refuse as Record<string, string> | undefined;
    if (status !== undefined && (typeof status !== "number" || status < 400 || status > 599))
      throw new HullApiError(400, "status must be a number between 400 and 599");
    if (delayMs !== undefined && (typeof delayMs !== "number" || delayMs < 0 || delayMs > 60_000))
      throw new HullApiError(400, "delay_ms must be a number of milliseconds up to 60000");
    if (count !== undefined && (typeof count !== "number" || count < 1))
      throw new HullApiError(400, "count must be a positive number");
    platform.firehoseFault =
      status === undefined && delayMs === undefined
        ? undefined
        : {
            status: status as number | undefined,
            delayMs: delayMs as number | undefined,
            remaining: count as number | undefined,
          };
    // Last, once the body is known to be valid: clearing the hang releases the held calls.
    platform.setApiHang(hang === true);
    ctx.body = { ok: true, ...faultsOf(platform) };
  });

  // The faults in force, and how many organization API calls the hang holds with their caller
  // still waiting (`api_held`): a test can tell that a call is still unanswered.
  router.get("/faults", (ctx) => {
    ctx.body = faultsOf(platform);
  });

  router.post("/reset", (ctx) => {
    platform.reset();
    ctx.body = { ok: true };
  });

  router.get("/connector", (ctx) => {
    const { id, organization, secret, connectorUrl } = platform.connector;
    ctx.body = {
      id,
      organization,
      secret,
      connector_url: connectorUrl,
      platform_id: platform.platformId,
    };
  });

  router.put("/connector/settings", async (ctx) => {
    const body = await readObjectBody(ctx);
    for (const key of ["private_settings", "settings"] as const) {
      if (body[key] !== undefined && !isRecord(body[key]))
        throw new HullApiError(400, `${key} must be an object`);
    }
    // A person editing settings in Hull's UI changes only the keys they touched, public settings
    // included (only the connector's API writes are limited to private_settings).
    if (isRecord(body.settings))
      platform.connector.settings = {
        ...platform.connector.settings,
        ...structuredClone(body.settings),
      };
    if (isRecord(body.private_settings))
      replacePrivateSettings(platform, {
        ...platform.connector.privateSettings,
        ...body.private_settings,
      });
    if (isRecord(body.settings) || isRecord(body.private_settings)) {
      platform.connector.updatedAt = new Date().toISOString();
      platform.sendShipUpdate();
    }
    ctx.body = platform.connectorObject();
  });

  router.get("/users", (ctx) => {
    ctx.body = platform.users.list().map(toSandboxUserView);
  });

  router.post("/users", async (ctx) => {
    const seeds = parseSeeds(await readJsonBody(ctx));
    if (typeof seeds === "string") throw new HullApiError(400, seeds);
    const created = seeds.map((seed) => {
      const user = platform.users.resolve(seed.claims)!;
      platform.users.applyTraits(user, seed.writes);
      for (const event of seed.events) platform.users.track(user, event);
      return user.id;
    });
    ctx.status = 201;
    ctx.body = created.map((id) => toSandboxUserView(platform.users.get(id)!));
  });

  router.get("/firehose", (ctx) => {
    ctx.body = platform.firehoseLog;
  });

  router.get("/segments", (ctx) => {
    ctx.body = platform.segments.list();
  });

  router.post("/segments", async (ctx) => {
    const body = await readObjectBody(ctx);
    if (typeof body.name !== "string" || body.name.trim() === "")
      throw new HullApiError(400, "name is required");
    const query = body.query ?? {};
    if (!isRecord(query))
      throw new HullApiError(400, "query must be an object of attribute: value");
    const segment = platform.segments.create(body.name, query);
    platform.users.refreshAll();
    ctx.status = 201;
    ctx.body = segment;
  });

  router.put("/segments/:id", async (ctx) => {
    const body = await readObjectBody(ctx);
    if (!platform.segments.get(ctx.params.id)) throw new HullApiError(404, "Segment not found");
    if (body.name !== undefined && (typeof body.name !== "string" || body.name.trim() === "")) {
      throw new HullApiError(400, "name must be a non-empty string");
    }
    if (body.query !== undefined && !isRecord(body.query))
      throw new HullApiError(400, "query must be an object");
    const segment = platform.segments.rename(
      ctx.params.id,
      (body.name as string) ?? platform.segments.get(ctx.params.id)!.name,
    )!;
    if (isRecord(body.query)) {
      segment.query = body.query;
      platform.users.refreshAll();
    }
    platform.sendSegmentChange("users_segment:update", segment);
    ctx.body = segment;
  });

  router.delete("/segments/:id", (ctx) => {
    const segment = platform.segments.get(ctx.params.id);
    if (!segment) throw new HullApiError(404, "Segment not found");
    platform.users.leaveSegment(segment);
    platform.segments.delete(segment.id);
    platform.sendSegmentChange("users_segment:delete", segment);
    ctx.body = segment;
  });

  router.post("/notify", async (ctx) => {
    const body = await readObjectBody(ctx);
    ctx.body = notifyNow(platform, body, extractTimeoutMs);
  });

  router.get("/notifications", (ctx) => {
    ctx.body = platform.sender.log;
  });

  // What the notifier still has to do ({gathering, queued, sending}), so tests wait for it to be
  // idle rather than sleep: a sandbox control with no Hull counterpart.
  router.get("/notifier", (ctx) => {
    ctx.body = platform.notifierState();
  });

  const serveExtract = (ctx: Context) => {
    const content = platform.extracts.get(ctx.params.id ?? "");
    if (content === undefined) throw new HullApiError(404, "Extract not found");
    const fault = platform.extractDownloadFault;
    if (fault) {
      if (--fault.remaining <= 0) platform.extractDownloadFault = undefined;
      throw new HullApiError(fault.status, "The extract's storage is unavailable (sandbox fault)");
    }
    ctx.type = "application/json";
    ctx.body = content;
  };
  router.get("/extracts/:id.json", serveExtract);
  router.post("/extracts/:id.json", serveExtract);

  return router;
}

/** What GET and POST /_sandbox/faults answer: every fault in force (null: none). */
function faultsOf(platform: HullPlatform) {
  return {
    fault: platform.firehoseFault ?? null,
    refuse_claims: platform.refusedClaims ?? null,
    extract_status: platform.extractFaultStatus ?? null,
    api_status: platform.apiFaultStatus ?? null,
    api_hang: platform.apiHanging,
    api_held: platform.apiHeld,
    extract_download: platform.extractDownloadFault ?? null,
  };
}
