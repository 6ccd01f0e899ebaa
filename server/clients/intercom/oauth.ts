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
 * Trades the code from the callback for a non-expiring access token. Throws RetryableError when
 * Intercom cannot be reached and UpstreamRefusedError when it does not accept the code.
 */
export async function exchangeCode(app: OAuthApp, code: string): Promise<string> {
  let response;
  try {
    response = await fetchJson<{ access_token?: string; token?: string }>(
      `${app.apiUrl}/auth/eagle/token`,
      {
        method: "POST",
        // The code may end with "=": it is sent verbatim (reference/intercom-api.md §3).
        body: { code, client_id: app.clientId, client_secret: app.clientSecret },
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

/** Uninstalls the app from the workspace, which revokes the token. */
export async function revokeToken(app: OAuthApp, token: string): Promise<boolean> {
  const response = await fetchJson(`${app.apiUrl}/auth/uninstall`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => undefined);
  return Boolean(response && response.status < 300);
}
