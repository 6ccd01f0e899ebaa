import { listen } from "../shared/listen.js";
import { createIntercomApp } from "./app.js";
import { systemClock, type Clock } from "./clock.js";
import { SandboxState } from "./sandbox-state.js";

export interface IntercomSandboxOptions {
  port?: number;
  host?: string; // default 0 / 127.0.0.1
  clientId?: string; // default "sandbox-client-id"
  clientSecret?: string; // default "sandbox-client-secret" (also signs webhooks)
  appId?: string; // workspace id_code, default "sbx0app1"
  region?: "US" | "EU" | "AU"; // default "US"
  timezone?: string; // workspace timezone (IANA) for /me and date searches; default by region
  perMinute?: number; // rate budget per workspace, default 10000
  searchLagMs?: number; // default 0: how long a write takes to show in search
  webhookUrl?: string; // where notifications go; none = not sent
  uninstallUrl?: string; // receives POST {app_id} on uninstall/revoke
  webhookRetryDelayMs?: number; // default 60000 like Intercom; tests use small values
  webhookTimeoutMs?: number; // default 5000 like Intercom
  seed?: number; // for deterministic generated contacts and fault sampling
  /** Test hook: the clock (ms) behind rate windows, code expiry, search lag and timestamps. */
  now?: Clock;
}

export interface IntercomSandbox {
  url: string;
  port: number;
  appId: string;
  clientId: string;
  clientSecret: string;
  setWebhookUrl(url: string | undefined): void;
  /** Where the app's uninstall notification goes (Developer Hub → uninstall URL). */
  setUninstallUrl(url: string | undefined): void;
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for Intercom's REST API 2.14, OAuth and webhook sender.
 * @example const intercom = await startIntercomSandbox({ webhookUrl: "http://127.0.0.1:8080/intercom" });
 */
export async function startIntercomSandbox(
  options: IntercomSandboxOptions = {},
): Promise<IntercomSandbox> {
  const state = new SandboxState({
    clientId: options.clientId ?? "sandbox-client-id",
    clientSecret: options.clientSecret ?? "sandbox-client-secret",
    appId: options.appId ?? "sbx0app1",
    region: options.region ?? "US",
    timezone: options.timezone,
    perMinute: options.perMinute ?? 10_000,
    searchLagMs: options.searchLagMs ?? 0,
    webhookUrl: options.webhookUrl,
    uninstallUrl: options.uninstallUrl,
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? 60_000,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
    seed: options.seed ?? 1,
    now: options.now ?? systemClock,
  });
  const running = await listen(
    createIntercomApp(state),
    options.port ?? 0,
    options.host ?? "127.0.0.1",
  );
  return {
    url: running.url,
    port: running.port,
    appId: state.options.appId,
    clientId: state.options.clientId,
    clientSecret: state.options.clientSecret,
    setWebhookUrl(url) {
      void state.sender.setUrl(url);
    },
    setUninstallUrl(url) {
      state.options.uninstallUrl = url;
    },
    async close() {
      state.sender.close();
      await running.close();
    },
  };
}
