import { RetryableError, UpstreamRefusedError } from "../../errors";
import { fetchJson, NetworkError } from "../fetch-json";
import { describeError } from "./errors";

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** Intercom's consent page, e.g. https://app.intercom.com/oauth */
  authorizeUrl: string;
  /** Host of /auth/eagle/token and /auth/uninstall: the US API host for every region. */
  apiUrl: string;
}

/** Intercom's consent page for this app; scopes are set on the app, not in the URL. */
export function buildAuthorizeUrl(app: OAuthApp, state: string, redirectUri: string): string {
  const url = new URL(app.authorizeUrl);
  url.searchParams.set("client_id", app.clientId);
  url.searchParams.set("state", state);
  url.searchParams.set("redirect_uri", redirectUri);
  return url.toString();
}

/**
 * Trades the code from the callback for a non-expiring access token (reference/intercom-api.md §3):
 * `POST {apiUrl}/auth/eagle/token`, form-encoded (`application/x-www-form-urlencoded`) with
 * `grant_type=authorization_code`, `code` (verbatim: it may end with "="), `client_id`,
 * `client_secret` and `redirect_uri`, the callback URL the authorize step sent (buildAuthorizeUrl).
 * Intercom's description and SDK say nothing of OAuth; this is what Intercom's own client sends,
 * intercom/omniauth-intercom (lib/omniauth/strategies/intercom.rb: token_url
 * https://api.intercom.io/auth/eagle/token, on omniauth-oauth2 and the oauth2 gem, whose token
 * request is form-encoded and carries the redirect_uri), and what RFC 6749 §4.1.3 requires: a
 * form-encoded body, and the redirect_uri "if the redirect_uri parameter was included in the
 * authorization request". Reads `access_token`, else `token` (Intercom sends both, §3).
 * Throws RetryableError when Intercom cannot be reached and UpstreamRefusedError (its status and
 * Intercom's message) when it does not accept the code or answers no token.
 */
export async function exchangeCode(
  app: OAuthApp,
  code: string,
  redirectUri: string,
): Promise<string> {
  let response;
  try {
    response = await fetchJson<{ access_token?: string; token?: string }>(
      `${app.apiUrl}/auth/eagle/token`,
      {
        method: "POST",
        form: {
          grant_type: "authorization_code",
          code,
          client_id: app.clientId,
          client_secret: app.clientSecret,
          redirect_uri: redirectUri,
        },
      },
    );
  } catch (error) {
    if (error instanceof NetworkError)
      throw new RetryableError("Intercom could not be reached to finish connecting");
    throw error;
  }
  const token = response.body?.access_token ?? response.body?.token;
  if (response.status >= 300 || typeof token !== "string") {
    const { message } = describeError(response.body);
    throw new UpstreamRefusedError(
      "intercom",
      response.status,
      `Intercom did not accept the authorization (${response.status}${message ? `: ${message}` : ""})`,
    );
  }
  return token;
}

/**
 * Uninstalls the app from the workspace, which revokes the token: `POST {apiUrl}/auth/uninstall`
 * with `Authorization: Bearer <token>` and no body, as reference/intercom-api.md §3 "Revocation"
 * ([INST], Intercom's "Installing and uninstalling apps") gives it. Intercom's description, its SDK
 * and omniauth-intercom have no revocation call, so that page is the only artefact; with no body,
 * there is no encoding to choose. Answers whether Intercom accepted it; never throws.
 */
export async function revokeToken(app: OAuthApp, token: string): Promise<boolean> {
  const response = await fetchJson(`${app.apiUrl}/auth/uninstall`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => undefined);
  return Boolean(response && response.status < 300);
}
