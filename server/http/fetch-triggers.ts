import Router from "@koa/router";
import type { Context } from "koa";
import type { HullCredentials } from "../clients/hull/types";
import { toUnixSeconds } from "../time";
import type { JobRequest, JobRunner } from "../jobs/job-runner";
import { describeJob } from "../jobs/types";
import { BadRequestError } from "../errors";
import { isConnected, readSettings } from "../settings";
import { readDashboardJson } from "./body";
import type { AppDeps } from "./deps";
import { hullState, requireHull } from "./hull-auth";

function bound(ctx: Context, name: string): number | undefined {
  const raw = ctx.query[name];
  if (raw === undefined) return undefined;
  const seconds = typeof raw === "string" ? toUnixSeconds(raw) : undefined;
  if (seconds === undefined)
    throw new BadRequestError(`${name} must be a date (ISO-8601 or Unix seconds)`);
  return seconds;
}

/**
 * Starts a job for the connector and says at once whether it started or one is already running.
 * Throws BadRequestError (409) when Intercom is not connected, and what the authenticator throws.
 */
export async function startFetch(
  deps: Pick<AppDeps, "hullAuth">,
  jobs: JobRunner,
  credentials: HullCredentials,
  request: JobRequest,
) {
  const connector = await deps.hullAuth.authenticate(credentials);
  const settings = readSettings(connector);
  if (!isConnected(settings))
    throw new BadRequestError(
      "Intercom is not connected: connect it from the dashboard first.",
      409,
    );
  const { started, job } = await jobs.start(credentials, request);
  const what =
    request.kind === "fetch-users"
      ? "users"
      : request.kind === "fetch-companies"
        ? "companies"
        : "leads";
  return {
    started,
    job: describeJob(job),
    message: started
      ? `${request.mode === "full" ? "Fetching all" : "Fetching recently updated"} Intercom ${what}.`
      : `A fetch of Intercom ${what} is already running; it will finish on its own.`,
  };
}

/**
 * The surfaces that start fetches: Hull's schedules and the dashboard buttons (DESIGN.md §5).
 * Errors are thrown to `http/errors-middleware.ts` (docs/error-handling.md), never answered here.
 */
export function fetchRoutes(deps: AppDeps, jobs: JobRunner): Router {
  const router = new Router();
  const auth = requireHull(deps.hullAuth, deps.tokens);
  const trigger = (request: (ctx: Context) => JobRequest) => async (ctx: Context) => {
    ctx.status = 202;
    ctx.body = await startFetch(deps, jobs, hullState(ctx).credentials, request(ctx));
  };
  const window = (ctx: Context) => ({
    updated_after: bound(ctx, "updated_after"),
    updated_before: bound(ctx, "updated_before"),
  });

  router.post(
    "/fetch-all",
    auth,
    trigger((ctx) => ({ kind: "fetch-users", mode: "full", params: window(ctx) })),
  );
  router.post(
    "/sync",
    auth,
    trigger(() => ({ kind: "fetch-users", mode: "incremental" })),
  );
  router.post(
    "/fetch-leads",
    auth,
    trigger((ctx) =>
      ctx.query.fetch_all === "true"
        ? { kind: "fetch-leads", mode: "full", params: window(ctx) }
        : { kind: "fetch-leads", mode: "incremental" },
    ),
  );
  router.post(
    "/fetch-companies",
    auth,
    trigger(() => ({ kind: "fetch-companies", mode: "full" })),
  );
  router.get("/jobs", auth, async (ctx) => {
    ctx.set("cache-control", "no-store");
    ctx.body = { jobs: (await jobs.list(hullState(ctx).credentials.id)).map(describeJob) };
  });
  router.post("/admin/api/fetch", auth, async (ctx) => {
    const body = (await readDashboardJson(ctx, "4kb")) as { kind?: unknown } | undefined;
    if (body?.kind !== "users" && body?.kind !== "leads" && body?.kind !== "companies")
      throw new BadRequestError(
        'Expected {"kind": "users"}, {"kind": "leads"} or {"kind": "companies"}',
      );
    ctx.status = 202;
    ctx.body = await startFetch(deps, jobs, hullState(ctx).credentials, {
      kind: `fetch-${body.kind}`,
      mode: "full",
    });
  });
  return router;
}
