import { randomBytes } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import { buildAuthorizeUrl } from "../clients/intercom/oauth";
import { connectedEntry } from "../activity-entries";
import { connectWorkspace } from "../connection/connect-workspace";
import { handleUninstall } from "../connection/disconnect-workspace";
import { refreshStatus } from "../status/check-status";
import { BadRequestError, ConnectorError, statusOf, UnauthorizedError } from "../errors";
import { readJsonBody } from "./body";
import type { AppDeps } from "./deps";
import { hullState, requireHull } from "./hull-auth";
import { htmlErrorPages } from "./html-errors";
import { messagePage, scriptJson } from "./pages";

/** The callback page tells the dashboard that opened it (same origin only), then closes itself. */
/**
 * The popup's last page. `message` is what the dashboard shows once the popup reports back;
 * `pageNote` is said only on the popup's own page (e.g. "You can close this window", which would
 * be wrong in the dashboard).
 */
function outcomePage(
  ctx: Context,
  outcome: { type: "connected" | "failed"; title: string; message: string; pageNote?: string },
) {
  const message = { source: "hull-intercom", type: outcome.type, message: outcome.message };
  ctx.type = "html";
  ctx.set("cache-control", "no-store");
  ctx.body = messagePage({
    title: outcome.title,
    message: outcome.pageNote ? `${outcome.message} ${outcome.pageNote}` : outcome.message,
    tone: outcome.type === "connected" ? "ok" : "error",
    script: `if (window.opener) { window.opener.postMessage(${scriptJson(message)}, window.location.origin); setTimeout(function () { window.close(); }, 1500); }`,
  });
}

const NONCE_COOKIE = "hull_intercom_oauth";

/**
 * The OAuth routes. `/auth/callback` ends in a page for the person in the popup, with the status
 * the error's kind implies; other errors are thrown to `http/errors-middleware.ts`
 * (docs/error-handling.md).
 */
export function oauthRoutes(deps: AppDeps): Router {
  const router = new Router();
  const callbackUrl = `${deps.publicUrl}/auth/callback`;

  // Started from the dashboard: Hull credentials travel to Intercom and back inside a signed state.
  // The state is also bound to the browser that started (a cookie holding its nonce), so nobody
  // can make an Intercom admin finish a connection they started for their own Hull connector.
  router.get(
    "/auth",
    htmlErrorPages(deps.logger),
    requireHull(deps.hullAuth, deps.tokens),
    (ctx) => {
      const nonce = randomBytes(16).toString("base64url");
      ctx.cookies.set(NONCE_COOKIE, nonce, {
        httpOnly: true,
        sameSite: "lax",
        path: "/auth",
        maxAge: 10 * 60_000,
        overwrite: true,
      });
      const state = deps.tokens.mint(hullState(ctx).credentials, "oauth-state", nonce);
      ctx.set("cache-control", "no-store");
      ctx.redirect(buildAuthorizeUrl(deps.oauthApp, state, callbackUrl));
    },
  );

  router.get("/auth/callback", async (ctx) => {
    const { code, state, error } = ctx.query;
    let credentials;
    const nonce = ctx.cookies.get(NONCE_COOKIE) ?? "";
    ctx.cookies.set(NONCE_COOKIE, null, { path: "/auth" });
    try {
      credentials = deps.tokens.read(
        typeof state === "string" ? state : undefined,
        "oauth-state",
        nonce,
      );
    } catch (refusal) {
      ctx.status = 400;
      const expired = refusal instanceof UnauthorizedError && refusal.code === "token-expired";
      const title = expired
        ? "This connection attempt has expired"
        : "This connection attempt is not valid";
      return outcomePage(ctx, {
        type: "failed",
        title,
        message: `${title}. Click "Continue with Intercom" again.`,
        pageNote: "Close this window and start again from the connector's dashboard.",
      });
    }
    if (typeof error === "string" || typeof code !== "string" || code.length === 0) {
      ctx.status = 400;
      return outcomePage(ctx, {
        type: "failed",
        title: "Intercom was not connected",
        message:
          error === "access_denied"
            ? 'Access was declined in Intercom. To connect, click "Continue with Intercom" again and choose Authorize.'
            : 'Intercom did not send an authorization code. Click "Continue with Intercom" again.',
      });
    }
    try {
      await deps.hullAuth.authenticate(credentials);
      const workspace = await connectWorkspace(deps, credentials, code, callbackUrl);
      deps.activity.record(credentials.id, connectedEntry(workspace));
      await refreshStatus(deps, credentials);
      outcomePage(ctx, {
        type: "connected",
        title: "Intercom is connected",
        message: `Connected to ${workspace.name ?? workspace.app_id} (${workspace.region}).`,
        pageNote: "You can close this window.",
      });
    } catch (failure) {
      deps.logger.warn({ connector: credentials.id, err: failure }, "oauth callback failed");
      ctx.status = statusOf(failure);
      outcomePage(ctx, {
        type: "failed",
        title: "Intercom could not be connected",
        message: `${failure instanceof ConnectorError && failure.expose ? failure.message : "Something went wrong while finishing the connection."} Click "Continue with Intercom" to try again.`,
      });
    }
  });

  // Intercom's uninstall notification (Developer Hub → "uninstall URL"): a bare {app_id}.
  router.post("/auth/uninstalled", async (ctx) => {
    const body = (await readJsonBody(ctx, "16kb")) as { app_id?: unknown } | undefined;
    if (typeof body?.app_id !== "string" || body.app_id.length === 0)
      throw new BadRequestError("Expected a JSON body {app_id}");
    const disconnected = await handleUninstall(deps, body.app_id);
    ctx.body = { ok: true, disconnected };
  });
  return router;
}
