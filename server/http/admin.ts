import Router from "@koa/router";
import type { Context } from "koa";
import { loadAttributeCatalogue } from "../incoming/load-attribute-catalogue";
import { disconnectWorkspace } from "../connection/disconnect-workspace";
import { intercomApiFor } from "../connection/intercom-api-for";
import { BadRequestError } from "../errors";
import {
  isConnected,
  privateSettingsUpdate,
  readSettings,
  settingsUpdateSchema,
} from "../settings";
import { refreshStatus } from "../status/check-status";
import { computeStatus } from "../status/compute-status";
import { describeJob } from "../jobs/types";
import { editableSettings, settingsView } from "../admin/settings-view";
import { deadLetterView } from "../admin/dead-letter-view";
import { retryDeadLetter } from "../durable/retry-dead-letter";
import { readActivityQuery } from "../admin/activity-query";
import { changedSettings, disconnectedEntry, settingsEntry } from "../activity-entries";
import { readDashboardJson } from "./body";
import type { AppDeps } from "./deps";
import { hullState, requireHull } from "./hull-auth";
import { htmlErrorPages } from "./html-errors";
import { escapeHtml } from "./pages";
import { sendMembersOfAddedSegments } from "../segment-members/send-current-members";
import { addedSegmentIds } from "../segment-members/plan-member-extracts";
import { readAccountSettings } from "../accounts/account-settings";

/** Users waiting for Intercom's budget, for the overview; `since` as an ISO time. */
async function waitingUsers(deps: AppDeps, connectorId: string) {
  const { users, since } = await deps.pending.summary(connectorId);
  return {
    waiting_users: users,
    ...(since === undefined ? {} : { waiting_since: new Date(since).toISOString() }),
  };
}

/**
 * Refuses (400, nothing saved) segment ids a save adds that Hull does not list: a synchronized
 * segment Hull has not got would sync nobody, and nobody would be told. Ids saved before are let
 * through, so a segment deleted in Hull since does not block every later save.
 */
async function refuseUnknownSegments(
  list: () => Promise<{ id: string }[]>,
  before: readonly string[],
  after: readonly string[] | undefined,
  setting: "synchronized_segments" | "synchronized_account_segments",
): Promise<void> {
  const added = addedSegmentIds(before, after ?? []);
  if (added.length === 0) return;
  const known = new Set((await list()).map(({ id }) => id));
  const unknown = added.filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const what = setting === "synchronized_segments" ? "segment" : "account segment";
  throw new BadRequestError("Some settings are not valid; nothing was saved.", 400, [
    { path: `private_settings.${setting}`, message: `Hull has no ${what} ${unknown.join(", ")}` },
  ]);
}

/**
 * The dashboard Hull shows in the connector's page, and the JSON API behind it.
 * Errors are thrown to `http/errors-middleware.ts` (docs/error-handling.md), never answered here.
 */
export function adminRoutes(deps: AppDeps): Router {
  const router = new Router();
  const auth = requireHull(deps.hullAuth, deps.tokens);
  const fresh = (ctx: Context) => deps.hullClient(hullState(ctx).credentials);
  const intercomFor = (settings: ReturnType<typeof readSettings>) =>
    intercomApiFor(deps.intercom, settings);

  router.get("/admin", htmlErrorPages(deps.logger), auth, (ctx) => {
    const token = deps.tokens.mint(hullState(ctx).credentials, "dashboard");
    ctx.type = "html";
    ctx.set("cache-control", "no-store");
    ctx.set(
      "content-security-policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors *",
    );
    ctx.set("referrer-policy", "no-referrer");
    ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Intercom connector</title></head>
<body><div id="app" data-token="${escapeHtml(token)}" data-api-base=""></div><script src="/dashboard.js"></script></body></html>`;
  });

  router.get("/admin/api/overview", auth, async (ctx) => {
    const { credentials } = hullState(ctx);
    const connector = await fresh(ctx).getConnector();
    const settings = readSettings(connector);
    ctx.set("cache-control", "no-store");
    ctx.body = {
      connector: { id: connector.id, name: connector.name ?? "Intercom" },
      connection: {
        connected: isConnected(settings),
        workspace: settings.workspace,
      },
      // Until Hull's first /status call (or after it said nothing), say what we know without I/O.
      status: connector.status?.messages?.length
        ? {
            status: connector.status.status ?? "setupRequired",
            messages: connector.status.messages,
          }
        : computeStatus({
            connected: isConnected(settings),
            synchronizedSegments: settings.synchronizedSegments.length,
            sendEvents: settings.sendEvents.length,
            missingTags: [],
          }),
      activity: await deps.activity.snapshot(credentials.id),
      outgoing: await waitingUsers(deps, credentials.id),
      jobs: (await deps.jobs.list(credentials.id)).map(describeJob),
    };
  });

  // The activity log: a page of the timeline, newest first, filtered by kind and searched (ADR 017).
  router.get("/admin/api/activity", auth, async (ctx) => {
    const query = readActivityQuery(ctx.query as Record<string, unknown>);
    ctx.set("cache-control", "no-store");
    ctx.body = await deps.activity.page(hullState(ctx).credentials.id, query);
  });

  // Records Hull refused for good (the dead-letter store), newest first, and the retry of one.
  router.get("/admin/api/dead-letters", auth, async (ctx) => {
    const { total, letters } = await deps.deadLetters.list(hullState(ctx).credentials.id, 50);
    ctx.set("cache-control", "no-store");
    ctx.body = { total, letters: letters.map(deadLetterView) };
  });

  router.post("/admin/api/dead-letters/:id/retry", auth, async (ctx) => {
    const result = await retryDeadLetter(deps, hullState(ctx).credentials, ctx.params.id ?? "");
    deps.logger.info(
      { connector: hullState(ctx).credentials.id, outcome: result.outcome },
      "dead letter retried",
    );
    ctx.body = result;
  });

  router.get("/admin/api/settings", auth, async (ctx) => {
    const hull = fresh(ctx);
    const [connector, segments, tree, events] = await Promise.all([
      hull.getConnector(),
      hull.getSegments(),
      hull.getAttributeTree(),
      // The events whitelist offers what Hull holds; without it, the picker still takes typed names.
      hull.getEventNames().catch((error: Error) => {
        deps.logger.warn({ error: error.message }, "hull.event_schema.unavailable");
        return [];
      }),
    ]);
    ctx.set("cache-control", "no-store");
    ctx.body = settingsView(connector, segments, tree, events);
  });

  router.get("/admin/api/attributes", auth, async (ctx) => {
    const settings = readSettings(await fresh(ctx).getConnector());
    ctx.set("cache-control", "no-store");
    ctx.body = await loadAttributeCatalogue(intercomFor(settings), settings);
  });

  router.put("/admin/api/settings", auth, async (ctx) => {
    const parsed = settingsUpdateSchema.safeParse(await readDashboardJson(ctx, "256kb"));
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: issue.message,
      }));
      throw new BadRequestError("Some settings are not valid; nothing was saved.", 400, details);
    }
    const hull = fresh(ctx);
    const update = privateSettingsUpdate(parsed.data);
    const beforeConnector = await hull.getConnector();
    const before = readSettings(beforeConnector).synchronizedSegments;
    const asked = parsed.data.private_settings;
    await refuseUnknownSegments(
      () => hull.getSegments(),
      before,
      asked?.synchronized_segments,
      "synchronized_segments",
    );
    if (hull.getAccountSegments) {
      const listAccountSegments = hull.getAccountSegments.bind(hull);
      await refuseUnknownSegments(
        listAccountSegments,
        readAccountSettings(beforeConnector).synchronizedAccountSegments,
        asked?.synchronized_account_segments,
        "synchronized_account_segments",
      );
    }
    const saved = await hull.updateSettings({ private_settings: update });
    const changed = changedSettings(
      beforeConnector.private_settings,
      saved.private_settings,
      Object.keys(update),
    );
    deps.activity.record(hullState(ctx).credentials.id, settingsEntry(changed, "the dashboard"));
    await refreshStatus(deps, hullState(ctx).credentials);
    // Segments this save added: their current members are asked of Hull (docs/adr/018).
    const extracts = await sendMembersOfAddedSegments(
      deps,
      hullState(ctx).credentials,
      hull,
      before,
      readSettings(saved).synchronizedSegments,
    );
    deps.logger.info(
      {
        connector: hullState(ctx).credentials.id,
        changed: Object.keys({ ...parsed.data.private_settings, ...parsed.data.settings }),
      },
      "settings saved",
    );
    ctx.body = { ...editableSettings(saved), extracts };
  });

  router.post("/admin/api/disconnect", auth, async (ctx) => {
    await disconnectWorkspace(deps, hullState(ctx).credentials, { revoke: true });
    deps.activity.record(hullState(ctx).credentials.id, disconnectedEntry("the dashboard"));
    await refreshStatus(deps, hullState(ctx).credentials);
    ctx.body = { ok: true };
  });

  // Hull's own settings UI calls this for the attribute selects (manifest loadOptions).
  router.get("/schema/user_fields", auth, async (ctx) => {
    const settings = readSettings(await fresh(ctx).getConnector());
    const catalogue = await loadAttributeCatalogue(intercomFor(settings), settings);
    ctx.set("access-control-allow-origin", "*");
    ctx.body = {
      options: catalogue.options.map(({ value, label, writable }) => ({
        value,
        label: writable ? label : `${label} (read-only)`,
      })),
    };
  });
  return router;
}
