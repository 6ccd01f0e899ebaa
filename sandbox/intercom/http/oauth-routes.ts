import type { Context } from "koa";
import type { Router } from "@koa/router";
import { IntercomError } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";
import { consentPage, errorPage } from "./consent-page.js";

function oauthError(ctx: Context, message: string): void {
  ctx.status = 400;
  ctx.type = "html";
  ctx.body = errorPage(message);
}

const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== "string") return false;
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** The unauthenticated OAuth surface (intercom-api.md §3): consent page, decision, token exchange. */
export function addOAuthRoutes(router: Router, state: SandboxState): void {
  router.get("/oauth", (ctx) => {
    const { client_id: clientId, state: oauthState, redirect_uri: redirectUri } = ctx.query;
    if (clientId !== state.options.clientId)
      return oauthError(ctx, "Unknown client_id: no app is registered with it.");
    if (!isHttpUrl(redirectUri)) return oauthError(ctx, "redirect_uri must be an http(s) URL.");
    ctx.type = "html";
    ctx.body = consentPage({
      clientId,
      state: typeof oauthState === "string" ? oauthState : "",
      redirectUri,
      appId: state.options.appId,
    });
  });

  router.post("/oauth/decision", (ctx) => {
    const body = (ctx.state.body ?? {}) as Record<string, unknown>;
    if (body.client_id !== state.options.clientId) return oauthError(ctx, "Unknown client_id.");
    if (!isHttpUrl(body.redirect_uri))
      return oauthError(ctx, "redirect_uri must be an http(s) URL.");
    const target = new URL(body.redirect_uri);
    if (body.decision === "authorize") {
      target.searchParams.set("code", state.grants.issueCode(body.redirect_uri));
    } else {
      target.searchParams.set("error", "access_denied");
    }
    target.searchParams.set("state", typeof body.state === "string" ? body.state : "");
    ctx.redirect(target.toString());
  });

  // The token exchange (intercom-api.md §3). Intercom's description and SDK say nothing of OAuth;
  // the artefact followed is Intercom's own client, intercom/omniauth-intercom
  // (lib/omniauth/strategies/intercom.rb, token_url .../auth/eagle/token, on the oauth2 gem), which
  // sends the request form-encoded with grant_type=authorization_code, as RFC 6749 §4.1.3
  // requires. Any other body (JSON included) is a 400 naming the problem, so that a client sending
  // what no artefact documents finds out here. A grant_type other than authorization_code is a 400;
  // redirect_uri is accepted and not checked.
  router.post("/auth/eagle/token", (ctx) => {
    if (!ctx.is("application/x-www-form-urlencoded")) {
      throw new IntercomError(
        400,
        "bad_request",
        `The token request must be form-encoded (Content-Type: application/x-www-form-urlencoded, RFC 6749 §4.1.3, as intercom/omniauth-intercom sends it), not ${ctx.get("content-type") || "a body without a Content-Type"}`,
      );
    }
    const body = (ctx.state.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== undefined && body.grant_type !== "authorization_code") {
      throw new IntercomError(
        400,
        "unsupported_grant_type",
        "grant_type must be authorization_code (RFC 6749 §4.1.3)",
      );
    }
    if (
      body.client_id !== state.options.clientId ||
      body.client_secret !== state.options.clientSecret
    ) {
      throw new IntercomError(401, "unauthorized", "Unauthorized Client");
    }
    if (typeof body.code !== "string" || !state.grants.redeemCode(body.code)) {
      throw new IntercomError(401, "unauthorized", "Unauthorized Code");
    }
    const token = state.grants.issueToken();
    ctx.body = { token_type: "Bearer", token, access_token: token };
  });
}

/** POST /auth/uninstall (Bearer): revoke, then tell the app's uninstall URL (§3 "Revocation"). */
export function addUninstallRoute(router: Router, state: SandboxState): void {
  router.post("/auth/uninstall", async (ctx) => {
    state.grants.revoke(ctx.state.token as string);
    ctx.body = { type: "uninstall", app_id: state.options.appId };
    const url = state.options.uninstallUrl;
    if (url) {
      await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ app_id: state.options.appId }),
        signal: AbortSignal.timeout(state.options.webhookTimeoutMs),
      }).catch(() => undefined);
    }
  });
}
