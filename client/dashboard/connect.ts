import { authTarget, parseAuthMessage, type AuthResult } from "./view/auth-message";

export interface ConnectOptions {
  apiBase: string;
  token: string;
  window: Window;
  onResult(result: AuthResult): void;
}

/**
 * "Continue with Intercom": opens the connector's OAuth start page in a 600x700 popup and waits
 * for the popup's postMessage. Returns the URL when the browser blocked the popup, so the page
 * can offer a link instead.
 */
export function createConnectFlow({ apiBase, token, window: win, onResult }: ConnectOptions) {
  const target = authTarget(apiBase, token, win.location.href);
  win.addEventListener("message", (event: MessageEvent) => {
    const result = parseAuthMessage(event.data, event.origin, target.origin);
    if (result) onResult(result);
  });
  return {
    url: target.url,
    open(): { blocked: boolean } {
      const popup = win.open(target.url, "hull-intercom-auth", "popup,width=600,height=700");
      return { blocked: popup === null };
    },
  };
}
